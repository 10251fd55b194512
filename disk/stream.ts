// A file on another machine, read through ranged downloads (a storage volume of a remote
// libvirtd, say): the bottom of an image stack whose bytes come over a connection rather than
// from this machine's disks. Read-only. Downloads go in aligned chunks kept in a bounded LRU
// cache, so that a format's scattered metadata reads cost one download per chunk rather than
// one per read; a download that reports holes (a sparse stream) also tells where they are.

import type { BlockExtent } from "./block.ts";
import { DiskError } from "./errors.ts";
import type { FileDevice } from "./file.ts";

/** A piece of a download, in order: bytes, or a run of bytes the file does not store. */
export type RangeChunk = Uint8Array | { hole: number };

/**
 * Downloads `length` bytes of a file from `offset`, handing each piece to `onChunk` in order
 * (the callee may reuse a piece's memory once `onChunk` returns). Fewer bytes than asked
 * means the file ends there. Resolves to whether holes were reported (a sparse download):
 * only then is a data piece known to be stored data.
 */
export type RangeReader = (
  offset: number,
  length: number,
  onChunk: (c: RangeChunk) => void,
) => Promise<boolean>;

/** Options for {@link StreamFile}. */
export interface StreamFileOptions {
  /** The file's name on its machine (shown in messages and by qemu-img map). */
  filename: string;
  /** The file's length in bytes. */
  size: number;
  /** Bytes the file occupies on its disk (qemu-img's "disk size"). */
  allocation: number;
  /** Downloads a range. */
  read: RangeReader;
  /** Download and cache granule, a power of two (default 256 KiB). */
  chunkSize?: number;
  /** Most bytes the cache keeps (default 32 MiB), besides pinned chunks. */
  cacheSize?: number;
}

const DEFAULT_CHUNK = 256 * 1024;
const DEFAULT_CACHE = 32 * 1024 * 1024;
// Pinned chunks (kept for synchronous reads) never take more than this.
const MAX_PINNED = 64 * 1024 * 1024;
// One download covers at most this many bytes (and at most half the cache).
const MAX_RUN = 16 * 1024 * 1024;
// The layout keeps at most this many runs of data and holes (a few MiB).
const MAX_RUNS = 100_000;

/** One cached chunk: its bytes (null: all zeros, never written). */
interface Chunk {
  /** Bytes of the file in the chunk (less than the chunk size only at the end). */
  length: number;
  bytes: Uint8Array | null;
  pinned: boolean;
}

/** A run of the file's layout: [start, end) is stored data, or a hole. */
interface Run {
  start: number;
  end: number;
  data: boolean;
}

/** What the openings of one file share: its cache, its layout, its queue of downloads. */
class Shared {
  cache = new Map<number, Chunk>();
  cached = 0;
  pinned = 0;
  pinBudget = 0;
  queue: Promise<unknown> = Promise.resolve();
  /** What downloads showed of the file's data and holes: sorted, disjoint, merged. */
  layout: Run[] = [];
  /** Downloads do not report holes: the layout stays unknown. */
  dense = false;
}

/**
 * A read-only file reached through a {@link RangeReader}, with the public surface of a
 * {@link FileDevice} so that image formats open on top of it as on a local file. Synchronous
 * reads are served from the cache only: {@link pin} downloads what a format reads that way.
 *
 * @example
 * ```ts
 * import { StreamFile } from "./stream.ts";
 * const data = new Uint8Array(4096).fill(7);
 * const f = new StreamFile({
 *   filename: "/far/disk.raw",
 *   size: data.length,
 *   allocation: data.length,
 *   read: (off, len, onChunk) => {
 *     onChunk(data.subarray(off, off + len));
 *     return Promise.resolve(false);
 *   },
 * });
 * const buf = new Uint8Array(16);
 * await f.read(100, buf);
 * console.log(buf[0]); // 7
 * ```
 */
export class StreamFile implements Pick<FileDevice, keyof FileDevice> {
  readonly format = "file";
  readonly filename: string;
  readonly readOnly = true;
  readonly remote = true;
  readonly size: number;
  readonly #opts: StreamFileOptions;
  readonly #allocation: number;
  readonly #reader: RangeReader;
  readonly #chunk: number;
  readonly #cacheSize: number;
  readonly #maxRun: number;
  #s = new Shared();
  #closed = false;

  /** A file read through `opts.read`. */
  constructor(opts: StreamFileOptions) {
    this.#opts = opts;
    this.filename = opts.filename;
    this.size = opts.size;
    this.#allocation = opts.allocation;
    this.#reader = opts.read;
    this.#chunk = opts.chunkSize ?? DEFAULT_CHUNK;
    if (this.#chunk < 512 || (this.#chunk & (this.#chunk - 1)) !== 0) {
      throw new RangeError(`chunk size ${this.#chunk} is not a power of two of at least 512`);
    }
    this.#cacheSize = Math.max(opts.cacheSize ?? DEFAULT_CACHE, this.#chunk);
    this.#maxRun = Math.max(1, Math.floor(Math.min(MAX_RUN, this.#cacheSize / 2) / this.#chunk));
  }

  /**
   * Another opening of the same file (its own close) sharing this one's cache, layout and
   * downloads: an image opened twice is downloaded once.
   */
  reopen(): StreamFile {
    const other = new StreamFile(this.#opts);
    other.#s = this.#s;
    return other;
  }

  /**
   * This file where the library expects a host file. The two differ only in private state;
   * `implements Pick<FileDevice, keyof FileDevice>` keeps every public member in step.
   */
  asFileDevice(): FileDevice {
    return this as unknown as FileDevice;
  }

  /** Bytes the file occupies on its disk, as its machine reported them. */
  allocatedSize(): number {
    return this.#allocation;
  }

  /** Bytes held in the cache (pinned chunks included). */
  get cachedBytes(): number {
    return this.#s.cached;
  }

  async read(offset: number, buf: Uint8Array): Promise<void> {
    this.#checkOpen();
    const end = Math.min(offset + buf.length, this.size);
    let pos = Math.max(offset, 0);
    if (pos > offset) buf.fill(0, 0, pos - offset);
    while (pos < end) {
      const ci = Math.floor(pos / this.#chunk);
      const chunk = this.#get(ci);
      if (!chunk) {
        // Download the missing chunks of the read together (up to MAX_RUN at a time).
        let last = ci;
        while (
          (last + 1) * this.#chunk < end && last + 1 - ci < this.#maxRun &&
          !this.#s.cache.has(last + 1)
        ) last++;
        const got = await this.#fetch(ci, last - ci + 1);
        for (let k = ci; k <= last && pos < end; k++) {
          pos = this.#copy(k, got.get(k)!, offset, buf, pos, end);
        }
        continue;
      }
      pos = this.#copy(ci, chunk, offset, buf, pos, end);
    }
    if (end - offset < buf.length) buf.fill(0, Math.max(0, end - offset));
  }

  // Copies chunk `ci`'s part of [pos, end) into `buf` (which starts at `offset`).
  #copy(ci: number, c: Chunk, offset: number, buf: Uint8Array, pos: number, end: number): number {
    const base = ci * this.#chunk;
    const stop = Math.min(end, base + this.#chunk);
    const into = buf.subarray(pos - offset, stop - offset);
    if (c.bytes) into.set(c.bytes.subarray(pos - base, stop - base));
    else into.fill(0);
    return stop;
  }

  /** Synchronous {@link read}: only bytes already in the cache (see {@link pin}). */
  readSync(offset: number, buf: Uint8Array): void {
    this.#checkOpen();
    const end = Math.min(offset + buf.length, this.size);
    for (let pos = Math.max(offset, 0); pos < end;) {
      const ci = Math.floor(pos / this.#chunk);
      const c = this.#get(ci);
      if (!c) {
        throw new DiskError(
          "io",
          `Could not read '${this.filename}': bytes at 0x${pos.toString(16)} of a remote ` +
            "file were needed at once and have not been downloaded",
        );
      }
      pos = this.#copy(ci, c, offset, buf, pos, end);
    }
    if (end - offset < buf.length) buf.fill(0, Math.max(0, end - offset));
  }

  /**
   * Downloads the ranges and keeps them in the cache until the file is closed, so that
   * {@link readSync} can read them. Past 64 MiB of pinned bytes, further ranges are left out.
   */
  async pin(ranges: Array<[offset: number, length: number]>): Promise<void> {
    for (const [off, len] of ranges) {
      const first = Math.floor(Math.max(off, 0) / this.#chunk);
      const last = Math.floor((Math.min(off + len, this.size) - 1) / this.#chunk);
      for (let ci = first; ci <= last; ci++) {
        let c = this.#get(ci);
        if (!c) {
          // Runs of missing chunks come down together.
          let n = 1;
          while (ci + n <= last && !this.#s.cache.has(ci + n)) n++;
          await this.#fetch(ci, n);
          c = this.#s.cache.get(ci);
          if (!c) continue; // a run too long to cache: over the pin budget anyway
        }
        if (c.pinned) continue;
        if (this.#s.pinBudget + c.length > MAX_PINNED) return;
        c.pinned = true;
        this.#s.pinBudget += c.length;
        this.#s.pinned += c.bytes?.length ?? 0;
      }
    }
  }

  /**
   * Where the next data and hole start at or after `offset`, from what downloads have shown
   * of the file's layout, or null when they have not covered it (the caller then treats
   * everything as data). {@link learnLayout} covers the whole file.
   */
  seekDataHole(offset: number): { data: number; hole: number } | null {
    let data = -1;
    for (let pos = offset; pos < this.size;) {
      const r = this.#layoutAt(pos);
      if (!r) return null;
      if (data < 0 && r.data) data = pos;
      else if (data >= 0 && !r.data) return { data, hole: pos };
      pos = r.end;
    }
    return data < 0 ? { data: this.size, hole: this.size } : { data, hole: this.size };
  }

  async blockStatus(offset: number, length: number): Promise<BlockExtent> {
    this.#checkOpen();
    const end = Math.min(offset + length, this.size);
    const base = { offset, allocated: true, hostOffset: offset, file: this.filename };
    if (offset >= this.size) return { ...base, length, zero: true, data: false };
    const run = await this.#runAt(offset, end);
    if (run.data === null || run.data) {
      return { ...base, length: run.end - offset, zero: false, data: true };
    }
    return { ...base, length: run.end - offset, zero: true, data: false };
  }

  /**
   * Downloads the whole file once, keeping only where its data and holes are, so that
   * {@link seekDataHole} knows all of it. Costs the file's data, not its size.
   */
  async learnLayout(): Promise<void> {
    this.#checkOpen();
    if (this.#s.dense || this.size === 0) return;
    await this.#serial(() => this.#download(0, this.size, null));
  }

  // The run of data or of holes that `offset` is in, up to `end`; data is null when the
  // downloads do not say where the holes are (then the whole range counts as data).
  async #runAt(offset: number, end: number): Promise<{ data: boolean | null; end: number }> {
    let kind: boolean | undefined;
    let probe = 1;
    for (let pos = offset; pos < end;) {
      let r = this.#layoutAt(pos);
      if (!r && !this.#s.dense) {
        // A long run of holes comes down in ever larger ranges.
        const ci = Math.floor(pos / this.#chunk);
        await this.#fetch(ci, Math.min(probe, Math.ceil(end / this.#chunk) - ci));
        probe = Math.min(probe * 2, this.#maxRun);
        r = this.#layoutAt(pos);
      }
      if (!r) return { data: null, end };
      if (kind === undefined) kind = r.data;
      else if (kind !== r.data) return { data: kind, end: pos };
      pos = r.end;
    }
    return { data: kind ?? true, end };
  }

  // The known run (data or hole) holding `pos`, or undefined.
  #layoutAt(pos: number): { data: boolean; end: number } | undefined {
    const runs = this.#s.layout;
    let lo = 0, hi = runs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (runs[mid].end <= pos) lo = mid + 1;
      else hi = mid;
    }
    const r = runs[lo];
    return r && r.start <= pos ? r : undefined;
  }

  // Records [start, end) as data or a hole; what was known of the range gives way.
  #learn(start: number, end: number, data: boolean): void {
    if (end <= start) return;
    const runs = this.#s.layout;
    let lo = 0, hi = runs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (runs[mid].end < start) lo = mid + 1;
      else hi = mid;
    }
    // Runs from `lo` on touch or follow the new one; those that overlap or touch it go.
    let i = lo;
    const put: Run[] = [];
    for (; i < runs.length && runs[i].start <= end; i++) {
      const r = runs[i];
      if (r.data === data) {
        start = Math.min(start, r.start);
        end = Math.max(end, r.end);
      } else {
        if (r.start < start) put.push({ start: r.start, end: start, data: r.data });
        if (r.end > end) put.push({ start: end, end: r.end, data: r.data });
      }
    }
    put.push({ start, end, data });
    put.sort((a, b) => a.start - b.start);
    if (runs.length - (i - lo) + put.length > MAX_RUNS) return; // too fragmented to keep
    runs.splice(lo, i - lo, ...put);
  }

  /**
   * Downloads chunks [first, first + n) (one download, serialised with the others), caches
   * them and returns them (the cache may already have let the first ones go).
   */
  #fetch(first: number, n: number): Promise<Map<number, Chunk>> {
    return this.#serial(async () => {
      const start = first * this.#chunk;
      const chunks = await this.#download(start, Math.min(n * this.#chunk, this.size - start), []);
      const out = new Map<number, Chunk>();
      chunks!.forEach((c, k) => {
        out.set(first + k, c);
        this.#put(first + k, c);
      });
      return out;
    });
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#s.queue.then(fn);
    this.#s.queue = run.catch(() => {});
    return run;
  }

  // One download of [start, start + length): into chunks (`into`, filled) unless null, and
  // into the layout when the download reports holes.
  async #download(start: number, length: number, into: Chunk[] | null): Promise<Chunk[] | null> {
    this.#checkOpen();
    if (length <= 0) return into;
    const cs = this.#chunk;
    if (into) {
      for (let k = 0; k < Math.ceil(length / cs); k++) {
        into.push({ length: Math.min(cs, length - k * cs), bytes: null, pinned: false });
      }
    }
    const runs: Run[] = [];
    const note = (from: number, to: number, data: boolean) => {
      const last = runs[runs.length - 1];
      if (last && last.data === data && last.end === from) last.end = to;
      else runs.push({ start: from, end: to, data });
    };
    let pos = 0;
    let sparse: boolean;
    try {
      sparse = await this.#reader(start, length, (c) => {
        if (!(c instanceof Uint8Array)) {
          const to = Math.min(length, pos + c.hole);
          note(start + pos, start + to, false);
          pos = to;
          return;
        }
        const n = Math.min(c.length, length - pos);
        note(start + pos, start + pos + n, true);
        for (let from = 0; into && from < n;) {
          const k = Math.floor(pos / cs);
          const ch = into[k];
          const rel = pos - k * cs;
          const take = Math.min(n - from, ch.length - rel);
          ch.bytes ??= new Uint8Array(ch.length);
          ch.bytes.set(c.subarray(from, from + take), rel);
          from += take;
          pos += take;
        }
        if (!into) pos += n;
      });
    } catch (e) {
      if (e instanceof DiskError) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      throw new DiskError("io", `Could not read '${this.filename}': ${msg}`);
    }
    if (!sparse) {
      this.#s.dense = true;
      this.#s.layout = [];
      return into;
    }
    // A file shorter than expected reads as zeros (a hole) past its end.
    note(start + pos, start + length, false);
    for (const r of runs) this.#learn(r.start, r.end, r.data);
    return into;
  }

  // A cached chunk, marked as the most recently used.
  #get(ci: number): Chunk | undefined {
    const c = this.#s.cache.get(ci);
    if (c && !c.pinned) {
      this.#s.cache.delete(ci);
      this.#s.cache.set(ci, c);
    }
    return c;
  }

  #put(ci: number, c: Chunk): void {
    const old = this.#s.cache.get(ci);
    if (old) return;
    this.#s.cache.set(ci, c);
    this.#s.cached += c.bytes?.length ?? 0;
    for (const [k, v] of this.#s.cache) {
      if (this.#s.cached - this.#s.pinned <= this.#cacheSize) break;
      if (v.pinned) continue;
      this.#s.cache.delete(k);
      this.#s.cached -= v.bytes?.length ?? 0;
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new DiskError("io", `'${this.filename}' is closed`);
  }

  #readOnly(): never {
    throw new DiskError("readonly", `'${this.filename}' is read-only`);
  }

  write(_offset: number, _buf: Uint8Array): Promise<void> {
    return Promise.reject(new DiskError("readonly", `'${this.filename}' is read-only`));
  }
  writeSync(_offset: number, _buf: Uint8Array): void {
    this.#readOnly();
  }
  writeZeroes(_offset: number, _length: number): Promise<void> {
    return this.write(0, new Uint8Array());
  }
  resize(_size: number): Promise<void> {
    return this.write(0, new Uint8Array());
  }
  truncateSync(_size: number): void {
    this.#readOnly();
  }
  allocate(_offset: number, _length: number): Promise<void> {
    return this.write(0, new Uint8Array());
  }
  discardSync(_offset: number, _length: number): void {
    this.#readOnly();
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
  flushSync(): void {}

  close(): Promise<void> {
    this.closeSync();
    return Promise.resolve();
  }

  /**
   * Later reads through this opening fail. What it downloaded stays with the other openings
   * of {@link reopen}, and goes when the last is dropped.
   */
  closeSync(): void {
    this.#closed = true;
  }
}
