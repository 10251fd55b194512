// The one interface every image format and storage backend implements.

/**
 * One run of bytes with the same allocation state in one layer of a device stack.
 * `allocated` false means this layer does not define the bytes: read them from the backing
 * device (or as zeros if there is none).
 */
export interface BlockExtent {
  /** Guest offset where the run starts. */
  offset: number;
  /** Length of the run in bytes (at least 1). */
  length: number;
  /** This layer defines the content (qemu's "present" at this depth). */
  allocated: boolean;
  /** The run reads as zeros. */
  zero: boolean;
  /** The run's bytes are stored in a file (qemu's "data"). */
  data: boolean;
  /** Where the bytes are stored in `file`, when they are stored uncompressed. */
  hostOffset?: number;
  /** Name of the file holding the bytes, when `hostOffset` is set. */
  file?: string;
  /** The run is stored compressed. */
  compressed?: boolean;
}

/**
 * A random-access block device: a raw file, a qcow2 image over a file, a backing chain.
 *
 * @example
 * ```ts
 * import { openImage } from "./open.ts";
 * const dev = await openImage("/tmp/x.qcow2", { readOnly: true }).catch(() => null);
 * if (dev) {
 *   const buf = new Uint8Array(512);
 *   await dev.read(0, buf);
 *   await dev.close();
 * }
 * ```
 */
export interface BlockDevice {
  /** The format name as qemu-img prints it: "raw", "qcow2", "file", … */
  readonly format: string;
  /** The name the device was opened by. */
  readonly filename: string;
  /** Virtual size in bytes. */
  readonly size: number;
  /** The device below this one in a backing chain, if any. */
  readonly backing?: BlockDevice;
  /** Opened without write access. */
  readonly readOnly: boolean;
  /** Fills `buf` with the bytes at `offset`; bytes past the end read as zeros. */
  read(offset: number, buf: Uint8Array): Promise<void>;
  /** Writes `buf` at `offset`; the range must lie within `size`. */
  write(offset: number, buf: Uint8Array): Promise<void>;
  /** Makes the range read as zeros, deallocating where the format allows. */
  writeZeroes(offset: number, length: number): Promise<void>;
  /** The allocation state of this layer at `offset`, for at most `length` bytes. */
  blockStatus(offset: number, length: number): Promise<BlockExtent>;
  /** Changes the virtual size. */
  resize(size: number): Promise<void>;
  /** Makes every completed write durable. */
  flush(): Promise<void>;
  /** Flushes and releases the device and its backing chain. */
  close(): Promise<void>;
}
