// Shared base of the read-only formats (vdi, vpc, vmdk): a table-mapped image over a file.

import type { BlockDevice, BlockExtent } from "../block.ts";
import { DiskError } from "../errors.ts";
import type { FileDevice } from "../file.ts";

/** Where one guest block of a table-mapped image lives. */
export interface BlockLocation {
  /** Host offset of the block's first byte, or null when it has no data. */
  host: number | null;
  /** Without data: whether the layer still counts it as allocated (reads as zeros). */
  allocatedZero: boolean;
}

/**
 * A read-only image whose guest space is cut into fixed blocks, each either stored at a
 * host offset or absent. Subclasses say where a block lives.
 */
export abstract class TableImage implements BlockDevice {
  abstract readonly format: string;
  /** The host file below the format. */
  readonly file: FileDevice;
  readonly readOnly = true;
  readonly backing: undefined = undefined;
  /** Guest bytes per block (qemu's cluster_size for these formats). */
  readonly blockSize: number;
  readonly size: number;

  /** Subclasses parse their headers, then call this. */
  protected constructor(file: FileDevice, size: number, blockSize: number) {
    this.file = file;
    this.size = size;
    this.blockSize = blockSize;
  }

  get filename(): string {
    return this.file.filename;
  }

  /** Where block `index` lives. */
  protected abstract locate(index: number): BlockLocation;

  /**
   * How qemu's driver reports stored data: as is ("plain"), with holes of the file marked
   * zero ("recurse"), or entirely as the file reports it ("raw", fixed-size formats).
   */
  protected statusMode: "plain" | "recurse" | "raw" = "plain";

  async read(offset: number, buf: Uint8Array): Promise<void> {
    let pos = 0;
    while (pos < buf.length) {
      const g = offset + pos;
      const n = Math.min(this.blockSize - (g % this.blockSize), buf.length - pos);
      const out = buf.subarray(pos, pos + n);
      const loc = g < this.size ? this.locate(Math.floor(g / this.blockSize)) : null;
      if (loc?.host != null) await this.file.read(loc.host + (g % this.blockSize), out);
      else out.fill(0);
      pos += n;
    }
  }

  blockStatus(offset: number, length: number): Promise<BlockExtent> {
    const end = Math.min(offset + length, this.size);
    const first = this.locate(Math.floor(offset / this.blockSize));
    let n = Math.min(this.blockSize - (offset % this.blockSize), end - offset);
    const host0 = first.host === null ? null : first.host + (offset % this.blockSize);
    while (offset + n < end) {
      const loc = this.locate(Math.floor((offset + n) / this.blockSize));
      if ((loc.host === null) !== (host0 === null)) break;
      if (host0 !== null && loc.host !== host0 + n) break;
      if (host0 === null && loc.allocatedZero !== first.allocatedZero) break;
      n += Math.min(this.blockSize, end - offset - n);
    }
    const ext: BlockExtent = {
      offset,
      length: Math.max(n, 1),
      allocated: host0 !== null || first.allocatedZero,
      zero: host0 === null,
      data: host0 !== null,
    };
    if (host0 !== null) {
      ext.hostOffset = host0;
      ext.file = this.file.filename;
      const dh = this.statusMode === "plain" ? null : this.file.seekDataHole(host0);
      if (dh) {
        if (dh.data > host0) {
          ext.length = Math.min(ext.length, dh.data - host0);
          ext.zero = true;
          if (this.statusMode === "raw") ext.data = false;
        } else ext.length = Math.min(ext.length, dh.hole - host0);
      }
    }
    return Promise.resolve(ext);
  }

  write(): Promise<void> {
    return Promise.reject(
      new DiskError("unsupported", `Writing ${this.format} images is not supported`),
    );
  }
  writeZeroes(): Promise<void> {
    return this.write();
  }
  resize(): Promise<void> {
    return this.write();
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.file.closeSync();
    return Promise.resolve();
  }
}

/** Reads `len` bytes at `off`, refusing ranges past the end of the file. */
export async function readExact(file: FileDevice, off: number, len: number, what: string) {
  if (off < 0 || off + len > file.size) {
    throw new DiskError("corrupt", `${what} is past the end of the image file`);
  }
  const b = new Uint8Array(len);
  await file.read(off, b);
  return b;
}
