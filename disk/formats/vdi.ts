// VirtualBox VDI images (dynamic and fixed), read-only.

import { DiskError } from "../errors.ts";
import type { FileDevice } from "../file.ts";
import { type BlockLocation, readExact, TableImage } from "./readonly.ts";

const SIGNATURE = 0xbeda107f;
const UNALLOCATED = 0xffffffff;
const MAX_BLOCKS = 1 << 26;

/** A VDI image. */
export class VdiImage extends TableImage {
  /** Format name as qemu-img prints it. */
  readonly format = "vdi";
  #map: Uint32Array;
  #dataOffset: number;
  #extra: number;
  #allocated = 0;

  private constructor(
    file: FileDevice,
    size: number,
    blockSize: number,
    map: Uint32Array,
    data: number,
    extra: number,
  ) {
    super(file, size, blockSize);
    this.#map = map;
    this.#dataOffset = data;
    this.#extra = extra;
    this.statusMode = "recurse";
  }

  /** Parses the header and block map. */
  static async open(file: FileDevice): Promise<VdiImage> {
    const h = await readExact(file, 0, 512, "VDI header");
    const v = new DataView(h.buffer);
    if (v.getUint32(0x40, true) !== SIGNATURE) {
      throw new DiskError("format", "Image is not in vdi format");
    }
    const version = v.getUint32(0x44, true);
    if (version !== 0x00010001) {
      throw new DiskError(
        "unsupported",
        `unsupported VDI image (version ${version >>> 16}.${version & 0xffff})`,
      );
    }
    const bmap = v.getUint32(0x154, true), data = v.getUint32(0x158, true);
    const sectorSize = v.getUint32(0x168, true);
    const size = Number(v.getBigUint64(0x170, true));
    const blockSize = v.getUint32(0x178, true), extra = v.getUint32(0x17c, true);
    const blocks = v.getUint32(0x180, true);
    if (sectorSize !== 512) {
      throw new DiskError(
        "unsupported",
        `unsupported VDI image (sector size ${sectorSize} is not 512)`,
      );
    }
    if (blockSize === 0 || blockSize % 512 !== 0 || blockSize > 64 << 20) {
      throw new DiskError(
        "unsupported",
        `unsupported VDI image (block size ${blockSize} is not 1048576)`,
      );
    }
    if (blocks > MAX_BLOCKS || blocks * blockSize < size || !Number.isSafeInteger(size)) {
      throw new DiskError("corrupt", "unsupported VDI image (too many blocks or disk too large)");
    }
    const raw = await readExact(file, bmap, blocks * 4, "VDI block map");
    const map = new Uint32Array(blocks);
    const mv = new DataView(raw.buffer);
    for (let i = 0; i < blocks; i++) map[i] = mv.getUint32(i * 4, true);
    const img = new VdiImage(file, size, blockSize, map, data, extra);
    img.#allocated = v.getUint32(0x184, true);
    return img;
  }

  /** Where block `index` lives. */
  /** qemu's VDI check: every allocated block index in range and used once. */
  checkBlocks(): { corruptions: number; messages: string[] } {
    const messages: string[] = [];
    let corruptions = 0;
    const owner = new Map<number, number>();
    let count = 0;
    this.#map.forEach((e, i) => {
      if (e >= 0xfffffffe) return;
      count++;
      if (e >= this.#map.length) {
        messages.push(`ERROR: block index ${e} too large, is ${this.#map.length}`);
        corruptions++;
      } else if (owner.has(e)) {
        messages.push(`ERROR: block index ${i} also used by ${owner.get(e)}`);
        corruptions++;
      } else owner.set(e, i);
    });
    if (count !== this.#allocated) {
      messages.push(`ERROR: allocated blocks mismatch, is ${count}, should be ${this.#allocated}`);
      corruptions++;
    }
    return { corruptions, messages };
  }

  /** Where block `index` lives. */
  protected locate(index: number): BlockLocation {
    const e = this.#map[index];
    if (e === undefined || e >= 0xfffffffe || e === UNALLOCATED) {
      return { host: null, allocatedZero: true };
    }
    return {
      host: this.#dataOffset + e * (this.blockSize + this.#extra) + this.#extra,
      allocatedZero: true,
    };
  }
}
