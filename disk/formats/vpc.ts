// Virtual PC / Hyper-V VHD images (fixed and dynamic), read-only.

import { DiskError } from "../errors.ts";
import type { FileDevice } from "../file.ts";
import { type BlockLocation, readExact, TableImage } from "./readonly.ts";

const MAX_BAT = 1 << 24;

/** A VHD (qemu's "vpc") image. */
export class VpcImage extends TableImage {
  /** Format name as qemu-img prints it. */
  readonly format = "vpc";
  #bat: Uint32Array | null;
  #bitmapSize: number;

  private constructor(
    file: FileDevice,
    size: number,
    blockSize: number,
    bat: Uint32Array | null,
    bitmapSize: number,
  ) {
    super(file, size, blockSize);
    this.#bat = bat;
    this.#bitmapSize = bitmapSize;
    if (!bat) this.statusMode = "raw";
  }

  /** The VHD block size, reported by qemu as cluster_size (dynamic images only). */
  get clusterSize(): number | undefined {
    return this.#bat ? this.blockSize : undefined;
  }

  /** Parses the footer, dynamic header and block allocation table. */
  static async open(file: FileDevice): Promise<VpcImage> {
    let footer = await readExact(file, 0, 512, "VHD footer");
    const isCookie = (b: Uint8Array) => new TextDecoder().decode(b.subarray(0, 8)) === "conectix";
    if (!isCookie(footer)) {
      footer = await readExact(file, file.size - 512, 512, "VHD footer");
      if (!isCookie(footer)) {
        throw new DiskError("format", "block-vpc: The header is not a VHD footer");
      }
    }
    const f = new DataView(footer.buffer);
    const creator = new TextDecoder().decode(footer.subarray(28, 32));
    const current = Number(f.getBigUint64(48));
    const chs = f.getUint16(56) * footer[58] * footer[59] * 512;
    const size = creator === "vpc " || creator === "qemu" ? chs : current;
    const type = f.getUint32(60);
    if (type === 2) return new VpcImage(file, size, 2 * 1024 * 1024, null, 0);
    if (type !== 3) throw new DiskError("unsupported", `VHD disk type ${type} is not supported`);
    const dynOff = Number(f.getBigUint64(16));
    const d = await readExact(file, dynOff, 1024, "VHD dynamic header");
    const dv = new DataView(d.buffer);
    if (new TextDecoder().decode(d.subarray(0, 8)) !== "cxsparse") {
      throw new DiskError("corrupt", "block-vpc: The dynamic header is not valid");
    }
    const tableOff = Number(dv.getBigUint64(16));
    const entries = dv.getUint32(28), blockSize = dv.getUint32(32);
    if (blockSize < 512 || blockSize % 512 || blockSize > 1 << 28) {
      throw new DiskError("corrupt", "block-vpc: invalid block size");
    }
    if (entries > MAX_BAT || entries * blockSize < size) {
      throw new DiskError(
        "corrupt",
        "block-vpc: The maximum table entries is too small for the disk size",
      );
    }
    const raw = await readExact(file, tableOff, entries * 4, "VHD block allocation table");
    const rv = new DataView(raw.buffer);
    const bat = new Uint32Array(entries);
    for (let i = 0; i < entries; i++) bat[i] = rv.getUint32(i * 4);
    const bitmapSize = Math.ceil(blockSize / 512 / 8 / 512) * 512;
    return new VpcImage(file, size, blockSize, bat, bitmapSize);
  }

  /** Where block `index` lives. */
  protected locate(index: number): BlockLocation {
    if (!this.#bat) return { host: index * this.blockSize, allocatedZero: true };
    const e = this.#bat[index];
    if (e === undefined || e === 0xffffffff) return { host: null, allocatedZero: true };
    return { host: e * 512 + this.#bitmapSize, allocatedZero: true };
  }
}
