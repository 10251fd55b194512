// The raw format: the guest sees the host file's bytes one for one.

import type { BlockDevice, BlockExtent } from "./block.ts";
import { DiskError } from "./errors.ts";
import type { FileDevice } from "./file.ts";

/** A raw image over a host file. */
export class RawImage implements BlockDevice {
  readonly format = "raw";
  /** The host file below the format. */
  readonly file: FileDevice;
  readonly backing: undefined = undefined;

  /** Wraps an opened file. */
  constructor(file: FileDevice) {
    this.file = file;
  }
  get filename(): string {
    return this.file.filename;
  }
  /** qemu sees a raw file in whole 512-byte sectors: a partial last sector reads as zeros. */
  get size(): number {
    return Math.ceil(this.file.size / 512) * 512;
  }
  get readOnly(): boolean {
    return this.file.readOnly;
  }
  read(offset: number, buf: Uint8Array): Promise<void> {
    return this.file.read(offset, buf);
  }
  write(offset: number, buf: Uint8Array): Promise<void> {
    if (offset + buf.length > this.size) {
      throw new DiskError("usage", "Write past the end of the image");
    }
    return this.file.write(offset, buf);
  }
  writeZeroes(offset: number, length: number): Promise<void> {
    if (offset + length > this.size) {
      throw new DiskError("usage", "Write past the end of the image");
    }
    return this.file.writeZeroes(offset, length);
  }
  blockStatus(offset: number, length: number): Promise<BlockExtent> {
    return this.file.blockStatus(offset, length);
  }
  resize(size: number): Promise<void> {
    return this.file.resize(size);
  }
  flush(): Promise<void> {
    return this.file.flush();
  }
  close(): Promise<void> {
    return this.file.close();
  }
}
