// VMware VMDK hosted sparse extents ("monolithicSparse"), read-only.

import { DiskError } from "../errors.ts";
import type { FileDevice } from "../file.ts";
import { type BlockLocation, readExact, TableImage } from "./readonly.ts";

const MAX_GD = 1 << 24;

/** Fields of the embedded descriptor that qemu-img info reports. */
export interface VmdkDescriptor {
  /** Content ID of this image. */
  cid: number;
  /** Content ID of the parent (0xffffffff when none). */
  parentCid: number;
  /** The descriptor's createType. */
  createType: string;
}

/** A monolithic sparse VMDK image. */
export class VmdkImage extends TableImage {
  /** Format name as qemu-img prints it. */
  readonly format = "vmdk";
  /** Fields of the embedded descriptor. */
  readonly descriptor: VmdkDescriptor;
  #gd: Uint32Array;
  #gtes: number;
  #gtCache = new Map<number, Uint32Array>();
  #zeroGrains: boolean;

  private constructor(
    file: FileDevice,
    size: number,
    grain: number,
    gd: Uint32Array,
    gtes: number,
    zeroGrains: boolean,
    descriptor: VmdkDescriptor,
  ) {
    super(file, size, grain);
    this.#gd = gd;
    this.#gtes = gtes;
    this.#zeroGrains = zeroGrains;
    this.descriptor = descriptor;
  }

  /** Parses the sparse header, embedded descriptor and grain directory. */
  static async open(file: FileDevice): Promise<VmdkImage> {
    const h = await readExact(file, 0, 512, "VMDK header");
    const v = new DataView(h.buffer);
    if (new TextDecoder().decode(h.subarray(0, 4)) !== "KDMV") {
      throw new DiskError("unsupported", "Only monolithic sparse VMDK images are supported");
    }
    const flags = v.getUint32(8, true);
    const capacity = Number(v.getBigUint64(12, true)) * 512;
    const grain = Number(v.getBigUint64(20, true)) * 512;
    const descOff = Number(v.getBigUint64(28, true)) * 512;
    const descSize = Number(v.getBigUint64(36, true)) * 512;
    const gtes = v.getUint32(44, true);
    const gdOff = v.getBigUint64(56, true);
    if (gdOff === 0xffffffffffffffffn) {
      throw new DiskError("unsupported", "Stream-optimized VMDK images are not supported");
    }
    if (
      grain < 512 || grain > 1 << 24 || gtes < 1 || gtes > 1 << 16 ||
      !Number.isSafeInteger(capacity)
    ) {
      throw new DiskError("corrupt", "Invalid VMDK sparse header");
    }
    const gdEntries = Math.ceil(capacity / grain / gtes);
    if (gdEntries > MAX_GD) throw new DiskError("corrupt", "L1 size too big");
    const raw = await readExact(file, Number(gdOff) * 512, gdEntries * 4, "VMDK grain directory");
    const rv = new DataView(raw.buffer);
    const gd = new Uint32Array(gdEntries);
    for (let i = 0; i < gdEntries; i++) gd[i] = rv.getUint32(i * 4, true);
    let descriptor: VmdkDescriptor = { cid: 0, parentCid: 0xffffffff, createType: "" };
    if (descOff && descSize && descSize <= 1 << 20) {
      const text = new TextDecoder().decode(
        await readExact(file, descOff, descSize, "VMDK descriptor"),
      );
      const get = (k: string) => text.match(new RegExp(`^${k}\\s*=\\s*"?([^"\\n]*)"?`, "m"))?.[1];
      descriptor = {
        cid: parseInt(get("CID") ?? "0", 16) >>> 0,
        parentCid: parseInt(get("parentCID") ?? "ffffffff", 16) >>> 0,
        createType: get("createType") ?? "",
      };
    }
    if (descriptor.parentCid !== 0xffffffff) {
      // Unallocated grains would have to come from the parent, which is not opened here.
      throw new DiskError("unsupported", "VMDK images with a parent image are not supported");
    }
    return new VmdkImage(file, capacity, grain, gd, gtes, (flags & 4) !== 0, descriptor);
  }

  #table(gdi: number): Uint32Array | null {
    const sector = this.#gd[gdi];
    if (!sector) return null;
    let t = this.#gtCache.get(sector);
    if (t) return t;
    const off = sector * 512, len = this.#gtes * 4;
    if (off + len > this.file.size) {
      throw new DiskError("corrupt", "VMDK grain table is past the end of the file");
    }
    const b = new Uint8Array(len);
    this.file.readSync(off, b);
    const dv = new DataView(b.buffer);
    t = new Uint32Array(this.#gtes);
    for (let i = 0; i < this.#gtes; i++) t[i] = dv.getUint32(i * 4, true);
    if (this.#gtCache.size > 4096) this.#gtCache.clear();
    this.#gtCache.set(sector, t);
    return t;
  }

  /** Where block `index` lives. */
  /** qemu's VMDK check: every allocated grain lies inside the file. */
  checkGrains(): { corruptions: number; messages: string[] } {
    const messages: string[] = [];
    let corruptions = 0;
    const grains = Math.ceil(this.size / this.blockSize);
    for (let g = 0; g < grains; g++) {
      const loc = this.locate(g);
      if (loc.host !== null && loc.host + this.blockSize > this.file.size) {
        messages.push(`ERROR: cluster ${g}: suspicious offset ${loc.host}`);
        corruptions++;
        break;
      }
    }
    return { corruptions, messages };
  }

  /** Where block `index` lives. */
  protected locate(index: number): BlockLocation {
    const t = this.#table(Math.floor(index / this.#gtes));
    const e = t ? t[index % this.#gtes] : 0;
    if (e === 0) return { host: null, allocatedZero: false };
    if (e === 1 && this.#zeroGrains) return { host: null, allocatedZero: true };
    return { host: e * 512, allocatedZero: true };
  }
}
