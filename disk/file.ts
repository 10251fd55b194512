// The bottom of every stack: a host file read and written at byte offsets (qemu's "file").

import type { BlockDevice, BlockExtent } from "./block.ts";
import { DiskError } from "./errors.ts";
import { lastError, libcHoles, libcIO } from "./libc.ts";

const SEEK_DATA = 3;
const SEEK_HOLE = 4;
// Deno's sync file ops are several times slower above this size (fresh buffers per call).
const IO_PIECE = 256 * 1024;
// Async reads copy through the I/O thread; larger pieces amortise the hand-off.
const ASYNC_PIECE = 2 * 1024 * 1024;
// Reads and writes up to this size go through Deno's own file API until the C library is bound
// for something else: reading metadata (info, check) then never pays for binding it.
const SMALL_IO = 64 * 1024;

const O_RDWR = 2;
const FALLOC_FL_KEEP_SIZE = 1;
const FALLOC_FL_PUNCH_HOLE = 2;

function statIsDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

function ioError(e: unknown, what: string): DiskError {
  if (e instanceof DiskError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new DiskError("io", `${what}: ${msg}`);
}

/** Options for {@link FileDevice.open}. */
export interface FileOpenOptions {
  /** Open without write access (default false). */
  readOnly?: boolean;
  /** Create the file (truncating it) instead of opening an existing one. */
  create?: boolean;
  /**
   * Skip fdatasync on flush (qemu's cache=unsafe), for scratch files whose durability is
   * settled another way, such as a temporary file renamed into place.
   */
  noFlush?: boolean;
}

/**
 * A host file as a block device. Its size is the file's length; reads past the end return
 * zeros, writes past the end extend the file.
 */
export class FileDevice implements BlockDevice {
  readonly format = "file";
  readonly filename: string;
  readonly readOnly: boolean;
  /**
   * False: this file is on this machine, so synchronous reads and hole queries reach all of it.
   * (A {@link StreamFile} is read by download: it must {@link pin} what will be read
   * synchronously, and {@link learnLayout} before hole queries cover the file.)
   */
  readonly remote: boolean = false;
  #file: Deno.FsFile;
  #size: number;
  #pos = -1;
  /**
   * A C library descriptor for pread/pwrite straight into the caller's buffer and for hole
   * queries: -2 until first needed, -1 without FFI.
   */
  #ioFd = -2;
  #noFlush = false;
  #asyncFile: Deno.FsFile | undefined;
  #absPath = "";
  #asyncQueue: Promise<void> = Promise.resolve();

  private constructor(filename: string, file: Deno.FsFile, size: number, readOnly: boolean) {
    this.filename = filename;
    this.#file = file;
    this.#size = size;
    this.readOnly = readOnly;
  }

  /** Opens (or creates) a host file. */
  static open(path: string, opts: FileOpenOptions = {}): FileDevice {
    const readOnly = opts.readOnly ?? false;
    let file: Deno.FsFile;
    // qemu's file driver refuses a directory before opening it, for reading or writing alike.
    if (!opts.create && statIsDirectory(path)) {
      throw new DiskError("io", `'file' driver requires '${path}' to be a regular file`);
    }
    try {
      file = Deno.openSync(path, {
        read: true,
        write: !readOnly,
        create: opts.create,
        truncate: opts.create,
      });
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new DiskError("io", `Could not open '${path}': No such file or directory`);
      }
      if (e instanceof Deno.errors.PermissionDenied) {
        throw new DiskError("io", `Could not open '${path}': Permission denied`);
      }
      throw ioError(e, `Could not open '${path}'`);
    }
    const st = file.statSync();
    const dev = new FileDevice(path, file, st.size, readOnly);
    // Later handles (async reads, hole queries) must find this file even after a chdir.
    dev.#absPath = path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
    dev.#noFlush = opts.noFlush ?? false;
    return dev;
  }

  get size(): number {
    return this.#size;
  }

  /** Bytes the file occupies on disk (st_blocks × 512), as qemu-img's "disk size". */
  allocatedSize(): number {
    const st = this.#file.statSync();
    return (st.blocks ?? 0) * 512;
  }

  /**
   * With FFI allowed, large reads (and every read once the C library is bound) are a pread
   * straight into `buf`. Otherwise large reads run on the runtime's I/O threads through a second
   * handle, queued one after another, and small reads are done at once.
   */
  read(offset: number, buf: Uint8Array): Promise<void> {
    // Small reads are cheaper done at once, into a buffer that is likely still in cache.
    if (buf.length <= IO_PIECE || this.#libcFd(buf.length) >= 0) {
      try {
        this.readSync(offset, buf);
        return Promise.resolve();
      } catch (e) {
        return Promise.reject(e);
      }
    }
    const run = this.#asyncQueue.then(() => this.#readAsync(offset, buf));
    this.#asyncQueue = run.catch(() => {});
    return run;
  }

  /**
   * The descriptor for pread/pwrite, opened on first use; -1 when FFI is not allowed, and also
   * (without opening it) for an I/O of `bytes` that Deno's own file API does as well.
   */
  #libcFd(bytes = Infinity): number {
    if (this.#ioFd === -2) {
      if (bytes <= SMALL_IO) return -1;
      const c = libcIO();
      const path = new TextEncoder().encode(this.#absPath + "\0");
      this.#ioFd = c ? c.open(path, this.readOnly ? 0 : O_RDWR) : -1;
    }
    return this.#ioFd;
  }

  async #readAsync(offset: number, buf: Uint8Array): Promise<void> {
    const avail = Math.max(0, Math.min(buf.length, this.#size - offset));
    let done = 0;
    try {
      if (avail > 0) {
        this.#asyncFile ??= await Deno.open(this.#absPath, { read: true });
        await this.#asyncFile.seek(offset, Deno.SeekMode.Start);
        while (done < avail) {
          const n = await this.#asyncFile.read(
            buf.subarray(done, Math.min(avail, done + ASYNC_PIECE)),
          );
          if (n === null || n === 0) break;
          done += n;
        }
      }
    } catch (e) {
      throw ioError(e, `Could not read '${this.filename}'`);
    }
    if (done < buf.length) buf.fill(0, done);
  }

  /** Synchronous {@link read}. */
  readSync(offset: number, buf: Uint8Array): void {
    let done = 0;
    const avail = Math.max(0, Math.min(buf.length, this.#size - offset));
    const fd = this.#libcFd(buf.length);
    if (fd >= 0) {
      const libc = libcIO()!;
      while (done < avail) {
        // Pieces that stay in the CPU's cache copy several times faster than one large read.
        const part = buf.subarray(done, Math.min(avail, done + IO_PIECE));
        const n = Number(libc.pread(fd, part, BigInt(part.length), BigInt(offset + done)));
        if (n < 0) {
          throw new DiskError("io", `Could not read '${this.filename}': ${lastError(libc)}`);
        }
        if (n === 0) break;
        done += n;
      }
      if (done < buf.length) buf.fill(0, done);
      return;
    }
    try {
      if (avail > 0) {
        if (this.#pos !== offset) this.#file.seekSync(offset, Deno.SeekMode.Start);
        this.#pos = -1;
        while (done < avail) {
          const n = this.#file.readSync(buf.subarray(done, Math.min(avail, done + IO_PIECE)));
          if (n === null || n === 0) break;
          done += n;
        }
        this.#pos = offset + done;
      }
    } catch (e) {
      this.#pos = -1;
      throw ioError(e, `Could not read '${this.filename}'`);
    }
    if (done < buf.length) buf.fill(0, done);
  }

  write(offset: number, buf: Uint8Array): Promise<void> {
    this.writeSync(offset, buf);
    return Promise.resolve();
  }

  /** Synchronous {@link write}. */
  writeSync(offset: number, buf: Uint8Array): void {
    if (this.readOnly) throw new DiskError("readonly", `'${this.filename}' is read-only`);
    const fd = this.#libcFd(buf.length);
    if (fd >= 0) {
      const libc = libcIO()!;
      for (let done = 0; done < buf.length;) {
        const part = done ? buf.subarray(done) : buf;
        const n = Number(libc.pwrite(fd, part, BigInt(part.length), BigInt(offset + done)));
        if (n < 0) {
          throw new DiskError("io", `Could not write '${this.filename}': ${lastError(libc)}`);
        }
        done += n;
      }
      if (offset + buf.length > this.#size) this.#size = offset + buf.length;
      return;
    }
    try {
      if (this.#pos !== offset) this.#file.seekSync(offset, Deno.SeekMode.Start);
      this.#pos = -1;
      let done = 0;
      while (done < buf.length) {
        done += this.#file.writeSync(buf.subarray(done, Math.min(buf.length, done + IO_PIECE)));
      }
      this.#pos = offset + done;
    } catch (e) {
      this.#pos = -1;
      throw ioError(e, `Could not write '${this.filename}'`);
    }
    if (offset + buf.length > this.#size) this.#size = offset + buf.length;
  }

  async writeZeroes(offset: number, length: number): Promise<void> {
    const chunk = new Uint8Array(Math.min(length, 1 << 20));
    for (let done = 0; done < length; done += chunk.length) {
      const n = Math.min(chunk.length, length - done);
      await this.write(offset + done, chunk.subarray(0, n));
    }
  }

  resize(size: number): Promise<void> {
    this.truncateSync(size);
    return Promise.resolve();
  }

  /** Sets the file's length. */
  truncateSync(size: number): void {
    if (this.readOnly) throw new DiskError("readonly", `'${this.filename}' is read-only`);
    try {
      this.#file.truncateSync(size);
    } catch (e) {
      throw ioError(e, `Could not resize '${this.filename}'`);
    }
    this.#size = size;
  }

  /** Reserves disk blocks for the range (posix_fallocate-like, by writing zeros to holes). */
  async allocate(offset: number, length: number): Promise<void> {
    await this.writeZeroes(offset, length);
  }

  /**
   * Gives the range's blocks back to the host (a hole that reads as zeros), as qemu's file
   * driver discards freed clusters; without FFI the range is overwritten with zeros.
   */
  discardSync(offset: number, length: number): void {
    const end = Math.min(offset + length, this.#size);
    if (end <= offset) return;
    const fd = this.readOnly ? -1 : this.#libcFd();
    const holes = fd >= 0 ? libcHoles() : null;
    const mode = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
    if (holes && holes.fallocate(fd, mode, BigInt(offset), BigInt(end - offset)) === 0) return;
    this.writeSync(offset, new Uint8Array(end - offset));
  }

  flush(): Promise<void> {
    this.flushSync();
    return Promise.resolve();
  }

  /** Synchronous {@link flush}. */
  flushSync(): void {
    if (this.readOnly || this.#noFlush) return;
    try {
      this.#file.syncDataSync();
    } catch (e) {
      throw ioError(e, `Could not flush '${this.filename}'`);
    }
  }

  /** Make `ranges` readable by {@link readSync}: a local file always is, so nothing to do. */
  pin(_ranges: Array<[offset: number, length: number]>): Promise<void> {
    return Promise.resolve();
  }

  /** Make {@link seekDataHole} know the whole file: a local file always does. */
  learnLayout(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Where the next data and hole start at or after `offset`, from SEEK_DATA/SEEK_HOLE, or null
   * when the host cannot tell (no FFI permission): the caller then treats everything as data.
   */
  seekDataHole(offset: number): { data: number; hole: number } | null {
    const fd = this.#libcFd();
    const holes = fd >= 0 ? libcHoles() : null;
    if (!holes) return null;
    const data = Number(holes.lseek(fd, BigInt(offset), SEEK_DATA));
    if (data < 0) return { data: this.#size, hole: this.#size };
    const hole = Number(holes.lseek(fd, BigInt(data), SEEK_HOLE));
    return { data, hole: hole < 0 ? this.#size : hole };
  }

  blockStatus(offset: number, length: number): Promise<BlockExtent> {
    const end = Math.min(offset + length, this.#size);
    const base = { offset, allocated: true, hostOffset: offset, file: this.filename };
    if (offset >= this.#size) {
      return Promise.resolve({ ...base, length, zero: true, data: false });
    }
    const dh = this.seekDataHole(offset);
    if (!dh || dh.data === offset) {
      const stop = dh ? Math.min(end, dh.hole) : end;
      return Promise.resolve({ ...base, length: stop - offset, zero: false, data: true });
    }
    return Promise.resolve({
      ...base,
      length: Math.min(end, dh.data) - offset,
      zero: true,
      data: false,
    });
  }

  close(): Promise<void> {
    this.closeSync();
    return Promise.resolve();
  }

  /** Synchronous {@link close}. */
  closeSync(): void {
    if (this.#ioFd >= 0) libcIO()?.close(this.#ioFd);
    this.#ioFd = -1;
    try {
      this.#asyncFile?.close();
    } catch {
      // an in-flight read has already failed or finished
    }
    this.#asyncFile = undefined;
    try {
      this.#file.close();
    } catch {
      // closing twice is harmless
    }
  }
}
