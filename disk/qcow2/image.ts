// A qcow2 image (versions 2 and 3) over a host file: address translation, allocation,
// refcounts, copy-on-write over a backing device, compressed clusters and snapshots.

import type { BlockDevice, BlockExtent } from "../block.ts";
import { DiskError } from "../errors.ts";
import type { FileDevice } from "../file.ts";
import {
  EXT_BITMAPS,
  INCOMPAT_CORRUPT,
  INCOMPAT_DATA_FILE,
  INCOMPAT_DIRTY,
  INCOMPAT_EXTL2,
  MAX_L1_BYTES,
  MAX_REFTABLE_BYTES,
  MAX_SNAPSHOT_TABLE_BYTES,
  MAX_SNAPSHOTS,
  parseHeader,
  type Qcow2Header,
  readU64,
  serializeHeader,
  TWO32,
  writeU64,
} from "./format.ts";
import { parseSnapshots, type Qcow2Snapshot, serializeSnapshots } from "./snapshot_table.ts";
import { isZero } from "../bytes.ts";

/** How one guest cluster (or subcluster) is stored. */
export type ClusterKind = "unallocated" | "zero" | "data" | "compressed";

/** The decoded L2 entry for one guest unit. */
export interface ClusterMapping {
  /** How the unit is stored. */
  kind: ClusterKind;
  /** Host offset of this unit's bytes (data, or preallocated zero). 0 if none. */
  host: number;
  /** For compressed clusters: where the compressed bytes start and how many there are. */
  coffset?: number;
  /** Length of the compressed bytes. */
  csize?: number;
}

const COPIED_HI = 0x80000000;
const COMPRESSED_HI = 0x40000000;
const CACHE_LIMIT = 64 * 1024 * 1024;

/** A cached metadata table (L2 table or refcount block) and whether it awaits writing. */
export interface Table {
  /** The table's bytes. */
  buf: Uint8Array;
  /** DataView over `buf`. */
  view: DataView;
  /** The image's dirty bit is set (not cleanly shut down). */
  dirty: boolean;
}

function entryOffset(v: DataView, byteOff: number): number {
  return (v.getUint32(byteOff) & 0x00ffffff) * TWO32 + (v.getUint32(byteOff + 4) & 0xfffffe00) >>>
    0;
}

function setEntry(v: DataView, byteOff: number, host: number, copied: boolean, zero = false) {
  v.setUint32(byteOff, Math.floor(host / TWO32) | (copied ? COPIED_HI : 0));
  v.setUint32(byteOff + 4, ((host >>> 0) | (zero ? 1 : 0)) >>> 0);
}

/** Options for {@link Qcow2Image.open}. */
export interface Qcow2OpenOptions {
  /** Opened without write access. */
  readOnly?: boolean;
}

/**
 * A qcow2 image as a block device. Open it with {@link openImage} (which also opens the
 * backing chain) or directly over a {@link FileDevice}.
 */
export class Qcow2Image implements BlockDevice {
  readonly format = "qcow2";
  /** The host file below the format. */
  readonly file: FileDevice;
  readonly readOnly: boolean;
  /** The decoded header; kept in step with every metadata update. */
  header: Qcow2Header;
  /** The snapshots, in table order. */
  snapshots: Qcow2Snapshot[];
  /** Snapshot table size in bytes as stored. */
  snapshotsSize = 0;
  backing?: BlockDevice;
  /** Cluster size in bytes. */
  readonly clusterSize: number;
  /** log2 of the cluster size. */
  readonly clusterBits: number;
  /** Entries per L2 table. */
  readonly l2Entries: number;
  /** Bytes per L2 entry (8, or 16 with extended L2). */
  readonly l2EntrySize: number;
  /** Refcount entries per refcount block. */
  readonly refblockEntries: number;
  /** Refcount width in bits. */
  readonly refcountBits: number;
  /** Active L1 table, raw big-endian entries. */
  l1: Uint8Array;
  /** DataView over {@link l1}. */
  l1View: DataView;
  /** Refcount table: host offsets of refcount blocks (0 = none). */
  reftable: number[];
  #l2Cache = new Map<number, Table>();
  #rbCache = new Map<number, Table>();
  #l1Dirty = false;
  #reftableDirty = false;
  #headerDirty = false;
  #freed = new Set<number>();
  #pendingDec: number[] = [];
  #metadata: Set<number> | undefined;
  #allocHint = 0;
  #endCluster = 0;
  #compressedTail = 0;
  #lastCompressed: { coffset: number; data: Uint8Array } | null = null;
  #metaPrealloc: boolean | undefined;
  #closed = false;

  private constructor(file: FileDevice, header: Qcow2Header, readOnly: boolean) {
    this.file = file;
    this.header = header;
    this.readOnly = readOnly;
    this.clusterBits = header.clusterBits;
    this.clusterSize = 2 ** header.clusterBits;
    this.l2EntrySize = header.incompatible & INCOMPAT_EXTL2 ? 16 : 8;
    this.l2Entries = this.clusterSize / this.l2EntrySize;
    this.refcountBits = 2 ** header.refcountOrder;
    this.refblockEntries = this.clusterSize * 8 / this.refcountBits;
    this.l1 = new Uint8Array(0);
    this.l1View = new DataView(this.l1.buffer);
    this.reftable = [];
    this.snapshots = [];
  }

  get filename(): string {
    return this.file.filename;
  }
  get size(): number {
    return this.header.size;
  }
  /** The image has extended L2 entries (subclusters). */
  get extendedL2(): boolean {
    return this.l2EntrySize === 16;
  }

  /** Opens the qcow2 image stored in `file` (without its backing chain). */
  static async open(file: FileDevice, opts: Qcow2OpenOptions = {}): Promise<Qcow2Image> {
    const readOnly = opts.readOnly ?? file.readOnly;
    // The header cluster: the first 64 KiB, and the rest of a larger cluster when there is one.
    let first = new Uint8Array(Math.min(Math.max(file.size, 72), 65536));
    await file.read(0, first);
    const bits = first.length >= 24 ? new DataView(first.buffer).getUint32(20) : 0;
    const whole = Math.min(Math.max(file.size, 72), 2 ** (bits >= 9 && bits <= 21 ? bits : 21));
    if (whole > first.length) {
      first = new Uint8Array(whole);
      await file.read(0, first);
    }
    const h = parseHeader(first, file.size);
    const img = new Qcow2Image(file, h, readOnly);
    const cs = img.clusterSize;
    if (h.incompatible & INCOMPAT_DATA_FILE || h.dataFile !== undefined) {
      throw new DiskError(
        "unsupported",
        "qcow2 images with an external data file are not supported",
      );
    }
    if (h.incompatible & INCOMPAT_EXTL2 && h.version < 3) {
      throw new DiskError("corrupt", "Extended L2 entries are only supported with compat=1.1");
    }
    if (!readOnly && h.incompatible & INCOMPAT_CORRUPT) {
      throw new DiskError("corrupt", "qcow2: Image is corrupt; cannot be opened read/write");
    }
    const fileSize = file.size;
    // Like qemu, only alignment is checked here: tables past the end of the file read as
    // zeros, and `check` reports the references that point there.
    const checkArea = (what: string, off: number) => {
      if (off % cs !== 0) throw new DiskError("corrupt", `Invalid ${what} offset`);
    };
    // Refcount table
    const rtBytes = h.refcountTableClusters * cs;
    if (rtBytes > MAX_REFTABLE_BYTES) {
      throw new DiskError("corrupt", "Reference count table too large");
    }
    if (h.refcountTableClusters === 0) {
      throw new DiskError("corrupt", "Image does not contain a reference count table");
    }
    checkArea("reference count table", h.refcountTableOffset);
    const rt = new Uint8Array(rtBytes);
    await file.read(h.refcountTableOffset, rt);
    const rtv = new DataView(rt.buffer);
    img.reftable = new Array(rtBytes / 8).fill(0);
    // Most of the table is empty: only the entries that are set are decoded.
    const words = new Int32Array(rt.buffer);
    for (let i = 0; i < rtBytes / 8; i++) {
      if (words[2 * i] | words[2 * i + 1]) img.reftable[i] = readU64(rtv, i * 8);
    }
    // L1 table
    const l2Span = cs * img.l2Entries;
    const needL1 = Math.ceil(h.size / l2Span);
    if (h.l1Size * 8 > MAX_L1_BYTES) throw new DiskError("corrupt", "Active L1 table too large");
    if (h.l1Size < needL1) throw new DiskError("corrupt", "L1 table is too small");
    if (h.l1Size > 0) checkArea("L1 table", h.l1TableOffset);
    img.l1 = new Uint8Array(h.l1Size * 8);
    img.l1View = new DataView(img.l1.buffer);
    if (h.l1Size) await file.read(h.l1TableOffset, img.l1);
    // Snapshots
    if (h.nbSnapshots > MAX_SNAPSHOTS) throw new DiskError("corrupt", "Too many snapshots");
    if (h.nbSnapshots) {
      if (h.snapshotsOffset % cs) throw new DiskError("corrupt", "Snapshot table offset invalid");
      const avail = Math.min(fileSize - h.snapshotsOffset, MAX_SNAPSHOT_TABLE_BYTES);
      if (avail <= 0) {
        throw new DiskError("corrupt", "Snapshot table is past the end of the image file");
      }
      const sbuf = new Uint8Array(Math.min(avail, h.nbSnapshots * 1200 + 4096));
      await file.read(h.snapshotsOffset, sbuf);
      img.snapshots = parseSnapshots(sbuf, h.nbSnapshots, h.size);
      img.snapshotsSize = serializedLength(sbuf, h.nbSnapshots);
      for (const s of img.snapshots) {
        if (s.l1Size * 8 > MAX_L1_BYTES) {
          throw new DiskError("corrupt", "Snapshot L1 table too large");
        }
        if (s.l1Size) checkArea("snapshot L1 table", s.l1TableOffset);
      }
    }
    img.#endCluster = Math.ceil(fileSize / cs);
    if (file.remote) await img.#fetchForSyncReads();
    if (!readOnly && (h.autoclear || h.bitmaps)) await img.#dropBitmaps();
    if (!readOnly && h.incompatible & INCOMPAT_DIRTY) {
      // Refcounts may be stale (lazy refcounts); rebuild them before any allocation.
      const { checkQcow2 } = await import("./check.ts");
      await checkQcow2(img, "all");
      img.header.incompatible &= ~INCOMPAT_DIRTY;
      await img.writeHeader();
    }
    return img;
  }

  /**
   * A file read by download has only what it fetched at hand for synchronous reads: refcount
   * blocks are read that way, and so is the file's layout for the block status of a
   * metadata-preallocated image. (A failure to tell that comes again, as for a local file, at
   * the first block status.)
   */
  async #fetchForSyncReads(): Promise<void> {
    await this.file.pin(
      this.reftable.filter((o) => o > 0).map((o): [number, number] => [o, this.clusterSize]),
    );
    let prealloc = false;
    try {
      prealloc = this.detectMetadataPreallocation();
    } catch {
      prealloc = false;
    }
    if (prealloc) await this.file.learnLayout();
  }

  /**
   * Persistent bitmaps are not kept up to date by this library, so before any change they
   * are removed (header first, then their clusters freed), and autoclear bits are cleared
   * as the specification asks of software that does not maintain those features.
   */
  async #dropBitmaps(): Promise<void> {
    const { readBitmaps, bitmapDataClusters } = await import("./bitmaps.ts");
    const bitmaps = await readBitmaps(this);
    const ext = this.header.bitmaps;
    const freed: Array<[number, number]> = [];
    if (ext && bitmaps.length) {
      freed.push([ext.directoryOffset, ext.directorySize]);
      for (const b of bitmaps) {
        freed.push([b.tableOffset, b.tableSize * 8]);
        for (const off of await bitmapDataClusters(this, b)) freed.push([off, this.clusterSize]);
      }
    }
    this.header.otherExtensions = this.header.otherExtensions.filter((e) => e.type !== EXT_BITMAPS);
    this.header.bitmaps = undefined;
    this.header.autoclear = 0;
    await this.writeHeader();
    for (const [off, len] of freed) this.updateRefcounts(off, len, -1);
    this.flushSync();
  }

  /** Sets the device read for unallocated clusters. */
  setBacking(dev: BlockDevice | undefined): void {
    this.backing = dev;
  }

  // ---- L1/L2 ----------------------------------------------------------------------------

  /** The L2 table at host offset `off`, read through the cache. */
  async loadL2(off: number): Promise<Table> {
    let t = this.#l2Cache.get(off);
    if (t) return t;
    if (off % this.clusterSize !== 0) {
      throw new DiskError("corrupt", `L2 table offset 0x${off.toString(16)} unaligned`);
    }
    if (off + this.clusterSize > this.file.size) {
      throw new DiskError(
        "corrupt",
        `L2 table at 0x${off.toString(16)} is past the end of the image file`,
      );
    }
    const buf = new Uint8Array(this.clusterSize);
    await this.file.read(off, buf);
    t = { buf, view: new DataView(buf.buffer), dirty: false };
    this.#l2Cache.set(off, t);
    return t;
  }

  /** Decodes the mapping of the guest unit at byte `idx * entrySize` of an L2 table. */
  decodeEntry(t: Table, idx: number, sub: number): ClusterMapping {
    const b = idx * this.l2EntrySize;
    const hi = t.view.getUint32(b);
    if (hi & COMPRESSED_HI) {
      const { coffset, csize } = this.decodeCompressed(t.view, b);
      return { kind: "compressed", host: 0, coffset, csize };
    }
    const host = entryOffset(t.view, b);
    if (this.extendedL2) {
      const zeroBits = t.view.getUint32(b + 8), allocBits = t.view.getUint32(b + 12);
      const subSize = this.clusterSize / 32;
      const at = host ? host + sub * subSize : 0;
      if ((zeroBits >>> sub) & 1) return { kind: "zero", host: at };
      if ((allocBits >>> sub) & 1) {
        return host ? { kind: "data", host: at } : { kind: "unallocated", host: 0 };
      }
      return { kind: "unallocated", host: at };
    }
    const zero = (t.view.getUint32(b + 4) & 1) === 1;
    if (zero) return { kind: "zero", host };
    return host ? { kind: "data", host } : { kind: "unallocated", host: 0 };
  }

  /** Splits a compressed L2 entry into the byte range holding the deflated cluster. */
  decodeCompressed(v: DataView, b: number): { coffset: number; csize: number } {
    const e = (BigInt(v.getUint32(b)) << 32n) | BigInt(v.getUint32(b + 4));
    const shift = BigInt(62 - (this.clusterBits - 8));
    const coffset = Number(e & ((1n << shift) - 1n));
    const sectors = Number((e >> shift) & ((1n << BigInt(this.clusterBits - 8)) - 1n)) + 1;
    return { coffset, csize: sectors * 512 - (coffset & 511) };
  }

  /** The mapping for the guest unit containing `offset` (unallocated if no L2 table). */
  async lookup(offset: number): Promise<ClusterMapping> {
    const m = this.#lookupCached(offset);
    if (m) return m;
    const l1i = Math.floor(Math.floor(offset / this.clusterSize) / this.l2Entries);
    await this.loadL2(entryOffset(this.l1View, l1i * 8));
    return this.#lookupCached(offset)!;
  }

  /**
   * {@link lookup} without waiting, when the L2 table is cached (or there is none); undefined
   * when it must be read first. Loops over many units use this: an await per unit costs more
   * than the lookup.
   */
  #lookupCached(offset: number): ClusterMapping | undefined {
    const ci = Math.floor(offset / this.clusterSize);
    const l1i = Math.floor(ci / this.l2Entries);
    if (l1i >= this.header.l1Size) return { kind: "unallocated", host: 0 };
    const l2off = entryOffset(this.l1View, l1i * 8);
    if (!l2off) return { kind: "unallocated", host: 0 };
    const t = this.#l2Cache.get(l2off);
    if (!t) return undefined;
    const sub = this.extendedL2
      ? Math.floor((offset % this.clusterSize) / (this.clusterSize / 32))
      : 0;
    return this.decodeEntry(t, ci % this.l2Entries, sub);
  }

  #hasL2(offset: number): boolean {
    const l1i = Math.floor(offset / (this.clusterSize * this.l2Entries));
    return l1i < this.header.l1Size && entryOffset(this.l1View, l1i * 8) !== 0;
  }

  /** Size of the unit a mapping describes: a subcluster with extended L2, else a cluster. */
  get unitSize(): number {
    return this.extendedL2 ? this.clusterSize / 32 : this.clusterSize;
  }

  // ---- reading ----------------------------------------------------------------------------

  async read(offset: number, buf: Uint8Array): Promise<void> {
    this.#trimCaches();
    await this.#read(offset, buf);
  }

  /**
   * Keeps the table caches bounded. Called only on entry to public methods, so that no
   * table a method is working on is dropped under it; dirty tables are written first.
   */
  #trimCaches(): void {
    const bytes = (this.#l2Cache.size + this.#rbCache.size) * this.clusterSize;
    if (bytes <= CACHE_LIMIT) return;
    if (!this.readOnly) this.flushSync();
    this.#l2Cache.clear();
    this.#rbCache.clear();
  }

  async #read(offset: number, buf: Uint8Array): Promise<void> {
    const unit = this.unitSize;
    let pos = 0;
    const len = buf.length;
    while (pos < len) {
      const g = offset + pos;
      if (g >= this.header.size) {
        buf.fill(0, pos);
        return;
      }
      const m = this.#lookupCached(g) ?? await this.lookup(g);
      let n = Math.min(unit - (g % unit), len - pos, this.header.size - g);
      // Coalesce following units of the same kind (and contiguous host data) into one I/O.
      while (pos + n < len && g + n < this.header.size && n < 16 * 1024 * 1024) {
        const m2 = this.#lookupCached(g + n) ?? await this.lookup(g + n);
        if (m2.kind !== m.kind || m.kind === "compressed") break;
        if (m.kind === "data" && m2.host !== m.host + (g % unit) + n) break;
        n += Math.min(unit, len - pos - n, this.header.size - g - n);
      }
      const out = buf.subarray(pos, pos + n);
      switch (m.kind) {
        case "data":
          await this.file.read(m.host + (g % unit), out);
          break;
        case "zero":
          out.fill(0);
          break;
        case "compressed": {
          const data = await this.readCompressed(m.coffset!, m.csize!);
          const inOff = g % this.clusterSize;
          out.set(data.subarray(inOff, inOff + n));
          break;
        }
        case "unallocated":
          await this.readBacking(g, out);
          break;
      }
      pos += n;
    }
  }

  /** Reads guest bytes from the backing device (zeros past its end). */
  async readBacking(g: number, out: Uint8Array): Promise<void> {
    const b = this.backing;
    if (!b || g >= b.size) {
      out.fill(0);
      return;
    }
    const n = Math.min(out.length, b.size - g);
    await b.read(g, out.subarray(0, n));
    if (n < out.length) out.fill(0, n);
  }

  /** Inflates one compressed cluster (zlib raw deflate). */
  async readCompressed(coffset: number, csize: number): Promise<Uint8Array> {
    if (this.#lastCompressed?.coffset === coffset) return this.#lastCompressed.data;
    if (coffset + 1 > this.file.size) {
      throw new DiskError(
        "corrupt",
        `Compressed cluster at 0x${coffset.toString(16)} is past the end of the image file`,
      );
    }
    const src = new Uint8Array(Math.min(csize, this.file.size - coffset));
    await this.file.read(coffset, src);
    const zlib = await loadZlib();
    let data: Uint8Array;
    try {
      const out = this.header.compressionType === 1
        ? zstdCluster(zlib, src, this.clusterSize)
        : zlib.inflateRawSync(src, { finishFlush: 2, maxOutputLength: this.clusterSize * 2 });
      data = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    } catch {
      throw new DiskError("corrupt", `Could not decompress cluster at 0x${coffset.toString(16)}`);
    }
    if (data.length < this.clusterSize) {
      const full = new Uint8Array(this.clusterSize);
      full.set(data);
      data = full;
    } else if (data.length > this.clusterSize) data = data.subarray(0, this.clusterSize);
    this.#lastCompressed = { coffset, data };
    return data;
  }

  // ---- block status -----------------------------------------------------------------------

  async blockStatus(offset: number, length: number): Promise<BlockExtent> {
    this.#trimCaches();
    const unit = this.unitSize;
    const end = Math.min(offset + length, this.header.size);
    if (offset >= end) {
      return { offset, length: Math.max(length, 1), allocated: false, zero: true, data: false };
    }
    const m = this.#lookupCached(offset) ?? await this.lookup(offset);
    let n = Math.min(unit - (offset % unit), end - offset);
    const firstHost = m.host + (offset % unit);
    const span = this.clusterSize * this.l2Entries;
    while (offset + n < end && m.kind !== "compressed") {
      if (m.kind === "unallocated" && !this.#hasL2(offset + n)) {
        // No L2 table: the whole range it would map is unallocated.
        n = Math.min(end - offset, (Math.floor((offset + n) / span) + 1) * span - offset);
        continue;
      }
      const m2 = this.#lookupCached(offset + n) ?? await this.lookup(offset + n);
      if (m2.kind !== m.kind) break;
      if (m.host || m2.host) {
        if (!m.host || m2.host !== firstHost + n) break;
      }
      n += Math.min(unit, end - offset - n);
    }
    const ext: BlockExtent = {
      offset,
      length: n,
      allocated: m.kind !== "unallocated",
      zero: m.kind === "zero",
      data: m.kind === "data" || m.kind === "compressed",
    };
    if (m.kind === "compressed") ext.compressed = true;
    if (m.host) {
      ext.hostOffset = firstHost;
      ext.file = this.file.filename;
    }
    if (m.kind === "unallocated" && !this.backing) ext.zero = true;
    if (m.kind === "unallocated" && this.backing && offset >= this.backing.size) ext.zero = true;
    if (m.kind === "data" && this.detectMetadataPreallocation()) {
      const dh = this.file.seekDataHole(firstHost);
      if (dh) {
        if (dh.data > firstHost) {
          ext.zero = true;
          ext.length = Math.min(n, dh.data - firstHost);
        } else ext.length = Math.min(n, dh.hole - firstHost);
      }
    }
    return ext;
  }

  /**
   * Whether the image looks metadata-preallocated (far more clusters referenced than the
   * file occupies); qemu then asks the file where its holes are when reporting allocation.
   */
  detectMetadataPreallocation(): boolean {
    if (this.#metaPrealloc !== undefined) return this.#metaPrealloc;
    const realClusters = Math.floor(this.file.allocatedSize() / this.clusterSize);
    const threshold = Math.max(Math.floor(realClusters * 10 / 9), realClusters + 2);
    const end = Math.ceil(this.file.size / this.clusterSize);
    let count = 0;
    // Block by block rather than cluster by cluster: a large image has millions of clusters.
    const per = this.refblockEntries, bytes = this.refcountBits / 8;
    for (let r = 0; r * per < end && r < this.reftable.length && count < threshold; r++) {
      if (!this.reftable[r]) continue;
      const t = this.#loadRefblockSync(this.reftable[r]);
      const n = Math.min(per, end - r * per);
      if (bytes === 2) {
        const b = t.buf;
        for (let i = 0; i < n && count < threshold; i++) if (b[2 * i] | b[2 * i + 1]) count++;
      } else {
        for (let i = 0; i < n && count < threshold; i++) if (this.#rbGet(t, i) > 0) count++;
      }
    }
    this.#metaPrealloc = count >= threshold;
    return this.#metaPrealloc;
  }

  // ---- refcounts --------------------------------------------------------------------------

  #loadRefblockSync(off: number): Table {
    let t = this.#rbCache.get(off);
    if (t) return t;
    if (off % this.clusterSize !== 0 || off + this.clusterSize > Math.max(this.file.size, 0)) {
      throw new DiskError("corrupt", `Refcount block at 0x${off.toString(16)} is invalid`);
    }
    const buf = new Uint8Array(this.clusterSize);
    this.file.readSync(off, buf);
    t = { buf, view: new DataView(buf.buffer), dirty: false };
    this.#rbCache.set(off, t);
    return t;
  }

  #rbGet(t: Table, i: number): number {
    switch (this.refcountBits) {
      case 1:
      case 2:
      case 4: {
        const bits = this.refcountBits;
        return (t.buf[(i * bits) >> 3] >> ((i * bits) & 7)) & ((1 << bits) - 1);
      }
      case 8:
        return t.buf[i];
      case 16:
        return t.view.getUint16(i * 2);
      case 32:
        return t.view.getUint32(i * 4);
      default:
        return readU64(t.view, i * 8);
    }
  }

  #rbSet(t: Table, i: number, v: number): void {
    switch (this.refcountBits) {
      case 1:
      case 2:
      case 4: {
        const bits = this.refcountBits, byte = (i * bits) >> 3, sh = (i * bits) & 7;
        const mask = ((1 << bits) - 1) << sh;
        t.buf[byte] = (t.buf[byte] & ~mask) | (v << sh);
        break;
      }
      case 8:
        t.buf[i] = v;
        break;
      case 16:
        t.view.setUint16(i * 2, v);
        break;
      case 32:
        t.view.setUint32(i * 4, v);
        break;
      default:
        writeU64(t.view, i * 8, v);
    }
    t.dirty = true;
  }

  /**
   * Replaces the refcount structures with new ones that hold `counts` (the references found,
   * one per host cluster), placed as qemu-img check -r all places them: each refcount block in
   * the first free cluster from the start of the range it covers, then the table in the first
   * free clusters, then the blocks covering the table rewritten, until the table stops
   * growing. The old structures are left behind as leaks. Returns the final counts, which
   * include the new blocks and table.
   */
  rebuildRefcountsSync(counts: number[]): number[] {
    const cs = this.clusterSize, per = this.refblockEntries;
    const imrt = counts.slice();
    const reftable: number[] = [];
    // qemu's in-memory allocator: the first run of `n` free clusters at or after *from.
    const alloc = (n: number, from: { c: number }): number => {
      let c = from.c, run = 0, firstGap = true;
      for (; c < imrt.length && run < n; c++) {
        if (!imrt[c]) {
          run++;
          if (firstGap) {
            from.c = c;
            firstGap = false;
          }
        } else run = 0;
      }
      while (imrt.length < c + n - run) imrt.push(0);
      c -= run;
      for (let i = 0; i < n; i++) imrt[c + i] = 1;
      return c;
    };
    const tableClusters = () => Math.ceil(reftable.length * 8 / cs);
    const writeBlocks = (first: number, end: number): number => {
      const from = { c: 0 };
      for (let c = first; c < end; c++) {
        if (!imrt[c]) continue;
        const rti = Math.floor(c / per), start = rti * per;
        if (!reftable[rti]) {
          if (from.c < start) from.c = start;
          const at = alloc(1, from);
          if (at >= end) end = at + 1;
          if (reftable.length <= rti) {
            const entries = Math.ceil((rti + 1) * 8 / cs) * cs / 8;
            while (reftable.length < entries) reftable.push(0);
          }
          reftable[rti] = at * cs;
        }
        const buf = new Uint8Array(cs);
        const t: Table = { buf, view: new DataView(buf.buffer), dirty: false };
        for (let i = 0; i < per && start + i < imrt.length; i++) {
          if (imrt[start + i]) this.#rbSet(t, i, imrt[start + i]);
        }
        this.file.writeSync(reftable[rti], t.buf);
        c = start + per - 1;
      }
      return tableClusters();
    };
    let clusters = writeBlocks(0, imrt.length);
    let tableAt: number;
    for (;;) {
      tableAt = alloc(clusters, { c: 0 });
      const again = writeBlocks(tableAt, tableAt + clusters);
      if (again === clusters) break;
      for (let i = 0; i < clusters; i++) imrt[tableAt + i] = 0;
      clusters = again;
    }
    const table = new Uint8Array(reftable.length * 8);
    const tv = new DataView(table.buffer);
    reftable.forEach((o, i) => writeU64(tv, i * 8, o));
    this.file.writeSync(tableAt * cs, table);
    const field = new Uint8Array(12);
    const fv = new DataView(field.buffer);
    writeU64(fv, 0, tableAt * cs);
    fv.setUint32(8, clusters);
    this.file.writeSync(48, field);
    this.file.flushSync();
    this.header.refcountTableOffset = tableAt * cs;
    this.header.refcountTableClusters = clusters;
    this.reftable = reftable;
    this.#rbCache.clear();
    this.#reftableDirty = false;
    this.#freed.clear();
    this.#endCluster = Math.max(this.#endCluster, imrt.length);
    return imrt;
  }

  /** Largest refcount an entry can hold. */
  get maxRefcount(): number {
    return this.refcountBits >= 53 ? Number.MAX_SAFE_INTEGER : 2 ** this.refcountBits - 1;
  }

  /** Stored refcount of host cluster `ci` (0 where no refcount block covers it). */
  getRefcountSync(ci: number): number {
    const rti = Math.floor(ci / this.refblockEntries);
    if (rti >= this.reftable.length) return 0;
    const off = this.reftable[rti];
    if (!off) return 0;
    return this.#rbGet(this.#loadRefblockSync(off), ci % this.refblockEntries);
  }

  /** Sets the stored refcount of host cluster `ci`, creating its refcount block if needed. */
  setRefcountSync(ci: number, value: number): void {
    if (value < 0 || value > this.maxRefcount) {
      throw new DiskError("corrupt", `Refcount of cluster ${ci} out of range (${value})`);
    }
    const rti = Math.floor(ci / this.refblockEntries);
    if (rti >= this.reftable.length || !this.reftable[rti]) this.#createRefblock(rti);
    const t = this.#loadRefblockSync(this.reftable[rti]);
    this.#rbSet(t, ci % this.refblockEntries, value);
    if (value === 0) this.#freed.add(ci);
    if (ci + 1 > this.#endCluster && value > 0) this.#endCluster = ci + 1;
  }

  /** Adds `delta` to the refcount of every cluster overlapping [off, off+len). */
  updateRefcounts(off: number, len: number, delta: number): void {
    if (len <= 0) return;
    const first = Math.floor(off / this.clusterSize);
    const last = Math.floor((off + len - 1) / this.clusterSize);
    if (delta < 0) {
      // A reference is dropped only once the tables that held it are on disk: decrements wait
      // for the next flush, which writes L2/L1 tables first.
      for (let c = first; c <= last; c++) for (let k = 0; k < -delta; k++) this.#pendingDec.push(c);
      return;
    }
    for (let c = first; c <= last; c++) {
      const r = this.getRefcountSync(c) + delta;
      if (r < 0) throw new DiskError("corrupt", `Refcount of cluster ${c} would drop below zero`);
      this.setRefcountSync(c, r);
    }
  }

  /** Refcount block for range `rti`, placed at the first cluster of the range it covers. */
  #createRefblock(rti: number): void {
    this.#metadata = undefined;
    if (rti >= this.reftable.length) this.#growReftable(rti + 1);
    if (this.reftable[rti]) return;
    const loc = rti * this.refblockEntries;
    const buf = new Uint8Array(this.clusterSize);
    const t = { buf, view: new DataView(buf.buffer), dirty: true };
    this.#rbCache.set(loc * this.clusterSize, t);
    this.reftable[rti] = loc * this.clusterSize;
    this.#reftableDirty = true;
    this.#rbSet(t, 0, 1);
    if (loc + 1 > this.#endCluster) this.#endCluster = loc + 1;
  }

  /**
   * Moves the refcount table to a larger area at the end of the image, with refcount
   * blocks for that area, then points the header at it and frees the old table.
   */
  #growReftable(minEntries: number): void {
    this.#metadata = undefined;
    const cs = this.clusterSize, per = cs / 8;
    const start = Math.max(this.#endCluster, Math.ceil(this.file.size / cs));
    let n = 0, m = 0;
    let missing: number[] = [];
    for (let iter = 0; iter < 16; iter++) {
      const lastCluster = start + n + m - 1;
      const needEntries = Math.max(minEntries, Math.floor(lastCluster / this.refblockEntries) + 1);
      const entries = Math.max(needEntries, Math.ceil(this.reftable.length * 1.5));
      const n2 = Math.ceil(entries / per);
      missing = [];
      const areaEnd = start + n2 + m;
      for (
        let r = Math.floor(start / this.refblockEntries);
        r * this.refblockEntries < areaEnd;
        r++
      ) {
        if (r >= this.reftable.length || !this.reftable[r]) missing.push(r);
      }
      if (n2 === n && missing.length === m) break;
      n = n2;
      m = missing.length;
    }
    if (n * cs > MAX_REFTABLE_BYTES) {
      throw new DiskError("unsupported", "Reference count table too large");
    }
    const oldOff = this.header.refcountTableOffset, oldClusters = this.header.refcountTableClusters;
    const table = this.reftable.slice();
    while (table.length < n * per) table.push(0);
    this.reftable = table;
    missing.forEach((r, i) => {
      const loc = start + n + i;
      const buf = new Uint8Array(cs);
      this.#rbCache.set(loc * cs, { buf, view: new DataView(buf.buffer), dirty: true });
      this.reftable[r] = loc * cs;
    });
    this.#endCluster = start + n + m;
    for (let c = start; c < start + n + m; c++) this.setRefcountSync(c, 1);
    this.header.refcountTableOffset = start * cs;
    this.header.refcountTableClusters = n;
    this.#writeRefcountsSync();
    this.file.flushSync();
    this.#writeHeaderSync();
    this.file.flushSync();
    for (let c = 0; c < oldClusters; c++) {
      const ci = oldOff / cs + c;
      this.setRefcountSync(ci, Math.max(0, this.getRefcountSync(ci) - 1));
    }
  }

  #writeRefcountsSync(): boolean {
    let wrote = false;
    for (const [off, t] of this.#rbCache) {
      if (!t.dirty) continue;
      this.file.writeSync(off, t.buf);
      t.dirty = false;
      wrote = true;
    }
    if (this.#reftableDirty) {
      const cs = this.clusterSize;
      const buf = new Uint8Array(this.header.refcountTableClusters * cs);
      const v = new DataView(buf.buffer);
      this.reftable.forEach((o, i) => writeU64(v, i * 8, o));
      this.file.writeSync(this.header.refcountTableOffset, buf);
      this.#reftableDirty = false;
      wrote = true;
    }
    return wrote;
  }

  /**
   * Host clusters holding metadata (header, tables, refcount blocks, L2 tables of the active
   * state and of snapshots), so that a data write in place can never land on them.
   */
  async #metadataClusters(): Promise<Set<number>> {
    if (this.#metadata) return this.#metadata;
    const cs = this.clusterSize, set = new Set<number>([0]);
    const add = (off: number, len: number) => {
      if (len <= 0) return;
      for (let c = Math.floor(off / cs); c <= Math.floor((off + len - 1) / cs); c++) set.add(c);
    };
    add(this.header.l1TableOffset, this.header.l1Size * 8);
    add(this.header.refcountTableOffset, this.header.refcountTableClusters * cs);
    for (const off of this.reftable) if (off) add(off, cs);
    add(this.header.snapshotsOffset, this.snapshotsSize);
    const addL2s = (l1: DataView, size: number) => {
      for (let i = 0; i < size; i++) {
        const off = entryOffset(l1, i * 8);
        if (off) add(off, cs);
      }
    };
    addL2s(this.l1View, this.header.l1Size);
    for (const s of this.snapshots) {
      add(s.l1TableOffset, s.l1Size * 8);
      addL2s(await this.readL1(s.l1TableOffset, s.l1Size), s.l1Size);
    }
    this.#metadata = set;
    return set;
  }

  /** Refuses (and marks the image corrupt, as qemu does) a data write onto metadata. */
  async #guardMetadata(off: number, len: number): Promise<void> {
    const meta = await this.#metadataClusters();
    const cs = this.clusterSize;
    for (let c = Math.floor(off / cs); c <= Math.floor((off + len - 1) / cs); c++) {
      if (!meta.has(c)) continue;
      this.header.incompatible |= INCOMPAT_CORRUPT;
      await this.writeHeader();
      throw new DiskError(
        "corrupt",
        `qcow2: Marking image as corrupt: Preventing invalid write on metadata (cluster ${c})`,
      );
    }
  }

  /** Finds `k` contiguous free clusters, gives them refcount 1, returns the host offset. */
  allocClusters(k: number): number {
    this.#metadata = undefined;
    const per = this.refblockEntries;
    // A new refcount block goes to the start of the range it covers, so a fresh area is split
    // into runs one cluster shorter than a range and a longer run would never fit: such a run
    // is searched with room in front for the blocks it needs.
    let need = k;
    for (;;) {
      let start = this.#allocHint, run = 0, firstFree = -1;
      for (let c = this.#allocHint; run < need; c++) {
        const free = this.#freed.has(c) ? false : this.getRefcountSync(c) === 0;
        if (free) {
          if (run === 0) start = c;
          if (firstFree < 0) firstFree = c;
          run++;
        } else run = 0;
      }
      // Everything before the first free cluster is in use: the next search starts there.
      if (firstFree >= 0) this.#allocHint = firstFree;
      const firstR = Math.floor(start / per);
      const lastR = Math.floor((start + need - 1) / per);
      const missing: number[] = [];
      for (let r = firstR; r <= lastR; r++) {
        if (r >= this.reftable.length || !this.reftable[r]) missing.push(r);
      }
      if (missing.length && k >= per) {
        // Ranges spanned by k + x clusters: at most ceil((k + x) / per) + 1 <= x.
        if (need === k) {
          need = k + Math.ceil(2 * k / per) + 2;
          continue;
        }
        if (lastR >= this.reftable.length) {
          this.#growReftable(lastR + 1);
          continue;
        }
        this.#metadata = undefined;
        missing.forEach((r, i) => {
          const buf = new Uint8Array(this.clusterSize);
          this.#rbCache.set((start + i) * this.clusterSize, {
            buf,
            view: new DataView(buf.buffer),
            dirty: true,
          });
          this.reftable[r] = (start + i) * this.clusterSize;
        });
        this.#reftableDirty = true;
        for (let i = 0; i < missing.length; i++) this.setRefcountSync(start + i, 1);
      } else if (missing.length) {
        for (const r of missing) this.#createRefblock(r);
        continue;
      }
      const origin = start;
      if (k >= per) start += missing.length;
      for (let c = start; c < start + k; c++) this.setRefcountSync(c, 1);
      if (origin === this.#allocHint) this.#allocHint = start + k;
      return start * this.clusterSize;
    }
  }

  /**
   * Allocates up to `max` contiguous clusters at the first free cluster (so that no gap is
   * left behind); returns where the run starts and how many clusters it has.
   */
  allocRun(max: number): { host: number; count: number } {
    for (;;) {
      let c = this.#allocHint;
      while (this.#freed.has(c) || this.getRefcountSync(c) !== 0) c++;
      // Everything before `c` is in use: the next search starts there.
      this.#allocHint = c;
      const r = Math.floor(c / this.refblockEntries);
      if (r >= this.reftable.length || !this.reftable[r]) {
        this.#createRefblock(r);
        continue;
      }
      let count = 1;
      let fast = -1;
      while (count < max) {
        const n = c + count;
        const rn = Math.floor(n / this.refblockEntries);
        if (rn >= this.reftable.length || !this.reftable[rn]) break;
        // A fresh area is free throughout: one test for the rest of the run in this block.
        if (fast !== rn) {
          fast = rn;
          const span = Math.min(max - count, (rn + 1) * this.refblockEntries - n);
          if (this.#allFree(rn, n % this.refblockEntries, span)) {
            count += span;
            continue;
          }
        }
        if (this.#freed.has(n) || this.getRefcountSync(n) !== 0) break;
        count++;
      }
      this.#setRefcountsToOne(c, count);
      if (c === this.#allocHint) this.#allocHint = c + count;
      return { host: c * this.clusterSize, count };
    }
  }

  /** Whether `n` entries of refcount block `rti` from entry `i` are all zero (a quick test). */
  #allFree(rti: number, i: number, n: number): boolean {
    if (this.refcountBits < 8 || this.#freed.size > 0) return false;
    const bytes = this.refcountBits / 8;
    const t = this.#loadRefblockSync(this.reftable[rti]);
    return isZero(t.buf, i * bytes, (i + n) * bytes);
  }

  /** {@link setRefcountSync} to 1 for `count` clusters from `first`, whose blocks exist. */
  #setRefcountsToOne(first: number, count: number): void {
    const per = this.refblockEntries;
    for (let c = first; c < first + count;) {
      const rti = Math.floor(c / per);
      if (rti >= this.reftable.length || !this.reftable[rti]) {
        this.setRefcountSync(c++, 1);
        continue;
      }
      const t = this.#loadRefblockSync(this.reftable[rti]);
      const end = Math.min(first + count, (rti + 1) * per);
      for (; c < end; c++) this.#rbSet(t, c % per, 1);
    }
    if (first + count > this.#endCluster && count > 0) this.#endCluster = first + count;
  }

  /** Drops one reference to whatever an L2 entry points at. */
  #release(m: ClusterMapping): void {
    if (m.kind === "compressed") this.updateRefcounts(m.coffset!, m.csize!, -1);
    else if (m.host) {
      this.updateRefcounts(m.host, 1, -1);
    }
  }

  // ---- writing ----------------------------------------------------------------------------

  #checkWritable(offset: number, len: number): void {
    if (this.#closed) throw new DiskError("usage", "Image is closed");
    if (this.readOnly) throw new DiskError("readonly", `'${this.filename}' is opened read-only`);
    if (offset < 0 || offset + len > this.header.size) {
      throw new DiskError("usage", "Write past the end of the image");
    }
    if (this.extendedL2) {
      throw new DiskError(
        "unsupported",
        "Writing to images with extended L2 entries is not supported",
      );
    }
  }

  /**
   * The L2 table for guest cluster `ci`, made private to the active L1 (allocated, or
   * copied when a snapshot shares it).
   */
  async #writableL2(ci: number): Promise<Table> {
    const l1i = Math.floor(ci / this.l2Entries);
    if (l1i >= this.header.l1Size) throw new DiskError("corrupt", "L1 table is too small");
    const hi = this.l1View.getUint32(l1i * 8);
    const old = entryOffset(this.l1View, l1i * 8);
    if (old && hi & COPIED_HI) return await this.loadL2(old);
    const host = this.allocClusters(1);
    const buf = new Uint8Array(this.clusterSize);
    if (old) {
      buf.set((await this.loadL2(old)).buf);
      const oc = Math.floor(old / this.clusterSize);
      this.updateRefcounts(oc * this.clusterSize, 1, -1);
    }
    const t = { buf, view: new DataView(buf.buffer), dirty: true };
    this.#l2Cache.set(host, t);
    setEntry(this.l1View, l1i * 8, host, true);
    this.#l1Dirty = true;
    return t;
  }

  async write(offset: number, buf: Uint8Array): Promise<void> {
    this.#checkWritable(offset, buf.length);
    this.#trimCaches();
    const cs = this.clusterSize;
    let pos = 0;
    while (pos < buf.length) {
      const g = offset + pos;
      const ci = Math.floor(g / cs), inOff = g % cs;
      const t = await this.#writableL2(ci);
      const idx = ci % this.l2Entries;
      const m = this.decodeEntry(t, idx, 0);
      const copied = (t.view.getUint32(idx * 8) & COPIED_HI) !== 0;
      if (m.kind === "data" && copied) {
        let n = Math.min(cs - inOff, buf.length - pos);
        while (pos + n < buf.length && idx + (inOff + n) / cs < this.l2Entries) {
          const j = idx + (inOff + n) / cs;
          const m2 = this.decodeEntry(t, j, 0);
          if (m2.kind !== "data" || m2.host !== m.host + inOff + n) break;
          if (!(t.view.getUint32(j * 8) & COPIED_HI)) break;
          n += Math.min(cs, buf.length - pos - n);
        }
        await this.#guardMetadata(m.host + inOff, n);
        await this.file.write(m.host + inOff, buf.subarray(pos, pos + n));
        pos += n;
        continue;
      }
      // Clusters needing a fresh host cluster: allocate a contiguous run, write it in one go.
      const maxK = Math.min(this.l2Entries - idx, 256);
      const want = Math.min(maxK, Math.ceil((inOff + buf.length - pos) / cs));
      // Entries that are all zero (a fresh table) need no look one by one.
      let k = isZero(t.buf, (idx + 1) * 8, (idx + want) * 8) ? want : 1;
      while (k < want) {
        const j = idx + k;
        const m2 = this.decodeEntry(t, j, 0);
        if (m2.kind === "data" && t.view.getUint32(j * 8) & COPIED_HI) break;
        k++;
      }
      const { host, count } = this.allocRun(k);
      k = count;
      const n = Math.min(k * cs - inOff, buf.length - pos);
      let data: Uint8Array;
      if (inOff === 0 && n === k * cs) data = buf.subarray(pos, pos + n);
      else {
        data = new Uint8Array(k * cs);
        const lastIdx = Math.ceil((inOff + n) / cs) - 1;
        if (inOff > 0 || (lastIdx === 0 && n < cs)) await this.#read(ci * cs, data.subarray(0, cs));
        if (lastIdx > 0 && (inOff + n) % cs !== 0) {
          const at = lastIdx * cs;
          await this.#read(ci * cs + at, data.subarray(at, at + cs));
        }
        data.set(buf.subarray(pos, pos + n), inOff);
      }
      const olds: ClusterMapping[] = [];
      if (!isZero(t.buf, idx * 8, (idx + k) * 8)) {
        for (let j = 0; j < k; j++) olds.push(this.decodeEntry(t, idx + j, 0));
      }
      await this.file.write(host, data);
      for (let j = 0; j < k; j++) setEntry(t.view, (idx + j) * 8, host + j * cs, true);
      for (const old of olds) this.#release(old);
      t.dirty = true;
      pos += n;
    }
  }

  /** Stores one guest cluster as already-deflated bytes (qemu's compressed write). */
  async writeCompressedCluster(ci: number, deflated: Uint8Array): Promise<void> {
    this.#checkWritable(ci * this.clusterSize, 0);
    const cs = this.clusterSize;
    const t = await this.#writableL2(ci);
    const idx = ci % this.l2Entries;
    const old = this.decodeEntry(t, idx, 0);
    const n = deflated.length;
    let coffset: number;
    const tail = this.#compressedTail;
    if (
      tail % cs !== 0 && (tail % cs) + n <= cs &&
      this.getRefcountSync(Math.floor(tail / cs)) > 0 &&
      this.getRefcountSync(Math.floor(tail / cs)) < this.maxRefcount
    ) {
      coffset = tail;
      const c = Math.floor(tail / cs);
      this.setRefcountSync(c, this.getRefcountSync(c) + 1);
    } else {
      coffset = this.allocClusters(Math.ceil(n / cs));
    }
    await this.file.write(coffset, deflated);
    this.#compressedTail = coffset + n;
    const sectors = Math.floor((coffset + n - 1) / 512) - Math.floor(coffset / 512);
    const shift = BigInt(62 - (this.clusterBits - 8));
    const e = (1n << 62n) | (BigInt(sectors) << shift) | BigInt(coffset);
    t.view.setUint32(idx * 8, Number(e >> 32n));
    t.view.setUint32(idx * 8 + 4, Number(e & 0xffffffffn));
    t.dirty = true;
    this.#release(old);
    this.#lastCompressed = null;
  }

  async writeZeroes(offset: number, length: number): Promise<void> {
    this.#checkWritable(offset, length);
    const cs = this.clusterSize;
    let pos = offset;
    const end = offset + length;
    while (pos < end) {
      const inOff = pos % cs;
      const n = Math.min(cs - inOff, end - pos);
      const ci = Math.floor(pos / cs);
      const full = inOff === 0 && (n === cs || pos + n === this.header.size);
      if (full && this.header.version >= 3) {
        const m = await this.lookup(pos);
        if (!(m.kind === "zero" && !m.host)) {
          const t = await this.#writableL2(ci);
          const idx = ci % this.l2Entries;
          setEntry(t.view, idx * 8, 0, false, true);
          t.dirty = true;
          this.#release(m);
        }
      } else if (full && !this.backing && (await this.lookup(pos)).kind === "unallocated") {
        // already reads as zeros
      } else {
        await this.write(pos, new Uint8Array(n));
      }
      pos += n;
    }
  }

  /** Rewrites the header cluster from {@link header}. */
  async writeHeader(): Promise<void> {
    this.#writeHeaderSync();
    await this.file.flush();
  }

  #writeHeaderSync(): void {
    this.header.l1Size = this.l1.length / 8;
    this.header.nbSnapshots = this.snapshots.length;
    const h = serializeHeader(this.header);
    const full = new Uint8Array(this.clusterSize);
    full.set(h);
    this.file.writeSync(0, full);
    this.#headerDirty = false;
  }

  /**
   * Writes cached metadata in crash-safe order: refcounts, then L2 tables, then the L1
   * table and header, with a flush between each step.
   */
  flush(): Promise<void> {
    this.flushSync();
    return Promise.resolve();
  }

  /** Synchronous {@link flush}. */
  flushSync(): void {
    if (this.readOnly || this.#closed) return;
    if (this.#writeRefcountsSync()) this.file.flushSync();
    let wrote = false;
    for (const [off, t] of this.#l2Cache) {
      if (!t.dirty) continue;
      this.file.writeSync(off, t.buf);
      t.dirty = false;
      wrote = true;
    }
    if (wrote) this.file.flushSync();
    if (this.#l1Dirty && this.l1.length) {
      this.file.writeSync(this.header.l1TableOffset, this.l1);
      this.#l1Dirty = false;
      this.file.flushSync();
    }
    if (this.#headerDirty) {
      this.#writeHeaderSync();
      this.file.flushSync();
    }
    if (this.#pendingDec.length) {
      // Freed clusters may have held metadata and may now be reused for data.
      this.#metadata = undefined;
      const dec = this.#pendingDec;
      this.#pendingDec = [];
      for (const c of dec) {
        const r = this.getRefcountSync(c) - 1;
        if (r < 0) throw new DiskError("corrupt", `Refcount of cluster ${c} would drop below zero`);
        this.setRefcountSync(c, r);
      }
      if (this.#writeRefcountsSync()) this.file.flushSync();
    }
    for (const c of this.#freed) if (c < this.#allocHint) this.#allocHint = c;
    this.#freed.clear();
    this.file.flushSync();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.flush();
    } finally {
      this.#closed = true;
      this.file.closeSync();
      await this.backing?.close();
    }
  }

  // ---- walking metadata -------------------------------------------------------------------

  /** Reads an L1 table (the active one or a snapshot's) from the file. */
  async readL1(off: number, size: number): Promise<DataView> {
    const b = new Uint8Array(size * 8);
    if (size) await this.file.read(off, b);
    return new DataView(b.buffer);
  }

  /**
   * Calls `fn` for every L2 table referenced by an L1 table, and `entry` for each of its
   * entries, so that refcount updates and checks share one walk.
   */
  async walkL1(
    l1: DataView,
    size: number,
    fn: (l1i: number, l2off: number) => Promise<boolean> | boolean,
    entry?: (t: Table, idx: number, l2off: number) => void,
  ): Promise<void> {
    for (let i = 0; i < size; i++) {
      const off = entryOffset(l1, i * 8);
      if (!off) continue;
      if (!(await fn(i, off))) continue;
      if (!entry) continue;
      const t = await this.loadL2(off);
      for (let j = 0; j < this.l2Entries; j++) entry(t, j, off);
    }
  }

  /** Adds `delta` to the refcounts of everything an L1 table references. */
  async #updateL1Refcounts(l1: DataView, size: number, delta: number): Promise<void> {
    await this.walkL1(l1, size, (_i, off) => {
      this.updateRefcounts(off, this.clusterSize, delta);
      return true;
    }, (t, j) => {
      const m = this.decodeEntry(t, j, 0);
      if (m.kind === "compressed") this.updateRefcounts(m.coffset!, m.csize!, delta);
      else if (m.host) this.updateRefcounts(m.host, this.clusterSize, delta);
    });
  }

  /** Throws before any change if adding one reference through `l1` would overflow a refcount. */
  async #checkIncrement(l1: DataView, size: number): Promise<void> {
    const cs = this.clusterSize, adds = new Map<number, number>();
    const add = (off: number, len: number) => {
      for (let c = Math.floor(off / cs); c <= Math.floor((off + len - 1) / cs); c++) {
        adds.set(c, (adds.get(c) ?? 0) + 1);
      }
    };
    await this.walkL1(l1, size, (_i, off) => {
      add(off, cs);
      return true;
    }, (t, j) => {
      const m = this.decodeEntry(t, j, 0);
      if (m.kind === "compressed") add(m.coffset!, m.csize!);
      else if (m.host) add(m.host, cs);
    });
    for (const [c, n] of adds) {
      if (this.getRefcountSync(c) + n > this.maxRefcount) {
        throw new DiskError(
          "usage",
          `Refcount of cluster ${c} would exceed ${this.maxRefcount} (refcount_bits=${this.refcountBits})`,
        );
      }
    }
  }

  async #clearCopiedFlags(): Promise<void> {
    for (let i = 0; i < this.header.l1Size; i++) {
      const off = entryOffset(this.l1View, i * 8);
      if (!off) continue;
      setEntry(this.l1View, i * 8, off, false);
      this.#l1Dirty = true;
      const t = await this.loadL2(off);
      for (let j = 0; j < this.l2Entries; j++) {
        const b = j * this.l2EntrySize;
        const hi = t.view.getUint32(b);
        if (hi & COPIED_HI) {
          t.view.setUint32(b, hi & ~COPIED_HI);
          t.dirty = true;
        }
      }
    }
  }

  /** Sets or clears the COPIED flags of the active tables from the current refcounts. */
  async #fixCopiedFlags(): Promise<void> {
    this.flushSync();
    for (let i = 0; i < this.header.l1Size; i++) {
      const off = entryOffset(this.l1View, i * 8);
      if (!off) continue;
      const one = this.getRefcountSync(off / this.clusterSize) === 1;
      const hi = this.l1View.getUint32(i * 8);
      if (((hi & COPIED_HI) !== 0) !== one) {
        setEntry(this.l1View, i * 8, off, one);
        this.#l1Dirty = true;
      }
      const t = await this.loadL2(off);
      for (let j = 0; j < this.l2Entries; j++) {
        const b = j * this.l2EntrySize;
        const h2 = t.view.getUint32(b);
        if (h2 & COMPRESSED_HI) continue;
        const host = entryOffset(t.view, b);
        if (!host) continue;
        const c1 = this.getRefcountSync(host / this.clusterSize) === 1;
        if (((h2 & COPIED_HI) !== 0) !== c1) {
          t.view.setUint32(b, c1 ? (h2 | COPIED_HI) >>> 0 : h2 & ~COPIED_HI);
          t.dirty = true;
        }
      }
    }
  }

  // ---- snapshots --------------------------------------------------------------------------

  async #writeSnapshotTable(list: Qcow2Snapshot[]): Promise<void> {
    const cs = this.clusterSize;
    const bytes = serializeSnapshots(list);
    const oldOff = this.header.snapshotsOffset, oldSize = this.snapshotsSize;
    let off = 0;
    if (bytes.length) {
      off = this.allocClusters(Math.ceil(bytes.length / cs));
      await this.file.write(off, bytes);
    }
    await this.flush();
    this.snapshots = list;
    this.snapshotsSize = bytes.length;
    this.header.snapshotsOffset = off;
    await this.writeHeader();
    if (oldSize && oldOff) this.updateRefcounts(oldOff, oldSize, -1);
    await this.flush();
  }

  /** Finds a snapshot by ID, then by name (qemu's lookup order). */
  findSnapshot(idOrName: string): Qcow2Snapshot | undefined {
    return this.snapshots.find((s) => s.id === idOrName) ??
      this.snapshots.find((s) => s.name === idOrName);
  }

  /** Creates an internal snapshot of the current state. */
  async createSnapshot(name: string, now = Date.now()): Promise<Qcow2Snapshot> {
    this.#checkWritable(0, 0);
    if (this.snapshots.length >= MAX_SNAPSHOTS) throw new DiskError("usage", "Too many snapshots");
    if (this.maxRefcount < 2) {
      // Every shared cluster would need a refcount of 2 (qemu fails the same way, with EINVAL).
      throw new DiskError("usage", `Could not create snapshot '${name}': -22 (Invalid argument)`);
    }
    await this.flush();
    const ids = this.snapshots.map((s) => Number(s.id)).filter((n) => Number.isFinite(n));
    const id = String(ids.length ? Math.max(...ids) + 1 : 1);
    const cs = this.clusterSize;
    const size = this.header.l1Size;
    const copy = this.l1.slice();
    const cv = new DataView(copy.buffer);
    for (let i = 0; i < size; i++) cv.setUint32(i * 8, cv.getUint32(i * 8) & ~COPIED_HI);
    await this.#checkIncrement(this.l1View, size);
    const l1off = size ? this.allocClusters(Math.ceil(size * 8 / cs)) : 0;
    if (size) await this.file.write(l1off, copy);
    // Clear COPIED flags before raising refcounts: a crash in between then leaves flags that
    // merely cost an extra copy-on-write, never an in-place write into shared clusters.
    await this.#clearCopiedFlags();
    this.flushSync();
    await this.#updateL1Refcounts(this.l1View, size, 1);
    this.flushSync();
    const snap: Qcow2Snapshot = {
      l1TableOffset: l1off,
      l1Size: size,
      id,
      name,
      dateSec: Math.floor(now / 1000),
      dateNsec: (now % 1000) * 1000000,
      vmClockNsec: 0,
      vmStateSize: 0,
      diskSize: this.header.size,
      icount: 0,
      extraTail: new Uint8Array(0),
    };
    await this.#writeSnapshotTable([...this.snapshots, snap]);
    return snap;
  }

  /** Deletes the first internal snapshot with this name (by name only, as qemu-img). */
  async deleteSnapshot(name: string): Promise<void> {
    this.#checkWritable(0, 0);
    const snap = this.snapshots.find((s) => s.name === name);
    if (!snap) {
      throw new DiskError(
        "usage",
        `Could not delete snapshot '${name}': snapshot not found`,
      );
    }
    await this.flush();
    await this.#writeSnapshotTable(this.snapshots.filter((s) => s !== snap));
    const l1 = await this.readL1(snap.l1TableOffset, snap.l1Size);
    await this.#updateL1Refcounts(l1, snap.l1Size, -1);
    if (snap.l1Size) this.updateRefcounts(snap.l1TableOffset, snap.l1Size * 8, -1);
    await this.#fixCopiedFlags();
    await this.flush();
  }

  /** Reverts the active state to an internal snapshot. */
  async applySnapshot(idOrName: string): Promise<void> {
    this.#checkWritable(0, 0);
    const snap = this.findSnapshot(idOrName);
    if (!snap) {
      throw new DiskError(
        "usage",
        `Could not apply snapshot '${idOrName}': Failed to load snapshot: No such file or directory`,
      );
    }
    await this.flush();
    const cs = this.clusterSize;
    const sl1 = await this.readL1(snap.l1TableOffset, snap.l1Size);
    await this.#checkIncrement(sl1, snap.l1Size);
    await this.#updateL1Refcounts(sl1, snap.l1Size, 1);
    await this.flush();
    const oldL1 = this.l1View, oldSize = this.header.l1Size, oldOff = this.header.l1TableOffset;
    const newSize = Math.max(snap.l1Size, Math.ceil(snap.diskSize / (cs * this.l2Entries)));
    const nl1 = new Uint8Array(newSize * 8);
    nl1.set(new Uint8Array(sl1.buffer));
    // A snapshot's L1 table may keep COPIED flags (qemu copies the active one as it is), but
    // its L2 tables are now shared: until #fixCopiedFlags below, no entry may claim otherwise.
    const nv = new DataView(nl1.buffer);
    for (let i = 0; i < snap.l1Size; i++) nv.setUint32(i * 8, nv.getUint32(i * 8) & ~COPIED_HI);
    if (newSize <= oldSize) {
      const keep = new Uint8Array(oldSize * 8);
      keep.set(nl1);
      this.l1 = keep;
      this.l1View = new DataView(keep.buffer);
      await this.file.write(oldOff, keep);
      this.l1 = keep;
      this.header.size = snap.diskSize;
      await this.file.flush();
      await this.writeHeader();
      await this.#updateL1Refcounts(oldL1, oldSize, -1);
    } else {
      const off = this.allocClusters(Math.ceil(newSize * 8 / cs));
      await this.file.write(off, nl1);
      await this.flush();
      this.l1 = nl1;
      this.l1View = new DataView(nl1.buffer);
      this.header.l1TableOffset = off;
      this.header.size = snap.diskSize;
      await this.writeHeader();
      await this.#updateL1Refcounts(oldL1, oldSize, -1);
      if (oldSize) this.updateRefcounts(oldOff, oldSize * 8, -1);
    }
    this.#l2Cache.clear();
    await this.#fixCopiedFlags();
    this.#l1Dirty = true;
    await this.flush();
  }

  /**
   * Gives every guest cluster an L2 entry and a host cluster (qemu's preallocation=metadata):
   * each L2 table followed by the data clusters it maps. Returns the host ranges of the data.
   */
  async preallocate(): Promise<Array<[number, number]>> {
    this.#checkWritable(0, 0);
    const cs = this.clusterSize;
    const total = Math.ceil(this.header.size / cs);
    const ranges: Array<[number, number]> = [];
    for (let ci = 0; ci < total;) {
      const t = await this.#writableL2(ci);
      const idx = ci % this.l2Entries;
      const { host, count: k } = this.allocRun(Math.min(this.l2Entries - idx, total - ci));
      for (let j = 0; j < k; j++) setEntry(t.view, (idx + j) * 8, host + j * cs, true);
      t.dirty = true;
      ranges.push([host, k * cs]);
      ci += k;
    }
    this.flushSync();
    const end = ranges.reduce((m, [h, n]) => Math.max(m, h + n), 0);
    if (end > this.file.size) this.file.truncateSync(end);
    return ranges;
  }

  /** Drops every cluster of the active state, so that all reads fall through to the backing. */
  async makeEmpty(): Promise<void> {
    this.#checkWritable(0, 0);
    const cs = this.clusterSize;
    for (let i = 0; i < this.header.l1Size; i++) {
      const off = entryOffset(this.l1View, i * 8);
      if (!off) continue;
      const t = await this.loadL2(off);
      for (let j = 0; j < this.l2Entries; j++) this.#release(this.decodeEntry(t, j, 0));
      setEntry(this.l1View, i * 8, 0, false);
      this.#l1Dirty = true;
      this.updateRefcounts(off, cs, -1);
      this.#l2Cache.delete(off);
    }
    this.flushSync();
    await this.#fixCopiedFlags();
    this.flushSync();
    let last = Math.ceil(this.file.size / cs) - 1;
    while (last > 0 && this.getRefcountSync(last) === 0) last--;
    if ((last + 1) * cs < this.file.size) this.file.truncateSync((last + 1) * cs);
    this.#allocHint = 0;
    this.#endCluster = last + 1;
  }

  /** Points the header at a different backing file (or none), without touching data. */
  async setBackingFile(name: string | undefined, format: string | undefined): Promise<void> {
    this.#checkWritable(0, 0);
    this.flushSync();
    this.header.backingFile = name;
    this.header.backingFormat = name === undefined ? undefined : format;
    this.header.backingFileOffset = 0;
    this.header.backingFileSize = 0;
    await this.writeHeader();
  }

  // ---- resizing ---------------------------------------------------------------------------

  async resize(size: number): Promise<void> {
    this.#checkWritable(0, 0);
    const cs = this.clusterSize;
    if (size % 512 !== 0) size = Math.ceil(size / 512) * 512;
    if (size > 2 ** 53 - cs) throw new DiskError("usage", "Image size too large");
    const span = cs * this.l2Entries;
    const need = Math.ceil(size / span);
    await this.flush();
    if (size < this.header.size) {
      if (this.snapshots.length) {
        throw new DiskError("usage", "Can't shrink an image which has snapshots");
      }
      const firstCluster = Math.ceil(size / cs);
      const lastCluster = Math.ceil(this.header.size / cs);
      // The tail of a partly kept cluster must read as zeros if the image grows again.
      const tail = Math.min(firstCluster * cs, this.header.size) - size;
      if (tail > 0 && (await this.lookup(size)).kind !== "unallocated") {
        await this.write(size, new Uint8Array(tail));
      }
      for (let ci = firstCluster; ci < lastCluster; ci++) {
        const m = await this.lookup(ci * cs);
        if (m.kind === "unallocated") continue;
        const t = await this.#writableL2(ci);
        setEntry(t.view, (ci % this.l2Entries) * 8, 0, false);
        t.dirty = true;
        this.#release(m);
      }
      for (let i = need; i < this.header.l1Size; i++) {
        const off = entryOffset(this.l1View, i * 8);
        if (!off) continue;
        setEntry(this.l1View, i * 8, 0, false);
        this.#l1Dirty = true;
        this.updateRefcounts(off, cs, -1);
        this.#l2Cache.delete(off);
      }
      this.header.size = size;
      this.#headerDirty = true;
      await this.flush();
      let last = Math.ceil(this.file.size / cs) - 1;
      while (last > 0 && this.getRefcountSync(last) === 0) last--;
      if ((last + 1) * cs < this.file.size) this.file.truncateSync((last + 1) * cs);
      this.#endCluster = last + 1;
      return;
    }
    if (need > this.header.l1Size) {
      if (need * 8 > MAX_L1_BYTES) throw new DiskError("usage", "Image size too large");
      const nl1 = new Uint8Array(need * 8);
      nl1.set(this.l1);
      const off = this.allocClusters(Math.ceil(need * 8 / cs));
      await this.file.write(off, nl1);
      await this.flush();
      const oldOff = this.header.l1TableOffset, oldSize = this.header.l1Size;
      this.l1 = nl1;
      this.l1View = new DataView(nl1.buffer);
      this.header.l1TableOffset = off;
      this.header.size = size;
      await this.writeHeader();
      if (oldSize) this.updateRefcounts(oldOff, oldSize * 8, -1);
      await this.flush();
      return;
    }
    this.header.size = size;
    await this.writeHeader();
  }
}

type Zlib = typeof import("node:zlib");
let zlibModule: Zlib | undefined;

/** node:zlib, loaded at the first compressed cluster: importing it slows every start-up. */
export async function loadZlib(): Promise<Zlib> {
  return zlibModule ??= await import("node:zlib");
}

/**
 * Decompresses one zstd-compressed cluster. The stored size is rounded up to sectors, so the
 * frame is measured first and the bytes after it are left out.
 */
function zstdCluster(zlib: Zlib, src: Uint8Array, clusterSize: number): Uint8Array {
  const z = zlib as unknown as {
    zstdDecompressSync?: (b: Uint8Array, o: { maxOutputLength: number }) => Uint8Array;
  };
  if (!z.zstdDecompressSync) {
    throw new DiskError("unsupported", "zstd decompression is not available in this runtime");
  }
  return z.zstdDecompressSync(src.subarray(0, zstdFrameLength(src)), {
    maxOutputLength: clusterSize * 2,
  });
}

/** Length of the zstd frame at the start of `b`, found by walking its block headers. */
function zstdFrameLength(b: Uint8Array): number {
  if (b.length < 6 || b[0] !== 0x28 || b[1] !== 0xb5 || b[2] !== 0x2f || b[3] !== 0xfd) {
    throw new DiskError("corrupt", "Compressed cluster is not a zstd frame");
  }
  const fhd = b[4];
  const dictIdBytes = [0, 1, 2, 4][fhd & 3];
  const single = (fhd >> 5) & 1;
  const fcsBytes = [single ? 1 : 0, 2, 4, 8][fhd >> 6];
  let off = 5 + (single ? 0 : 1) + dictIdBytes + fcsBytes;
  for (;;) {
    if (off + 3 > b.length) throw new DiskError("corrupt", "Truncated zstd frame");
    const h = b[off] | (b[off + 1] << 8) | (b[off + 2] << 16);
    const type = (h >> 1) & 3, size = h >> 3;
    off += 3 + (type === 1 ? 1 : size);
    if (h & 1) break;
  }
  if ((fhd >> 2) & 1) off += 4;
  if (off > b.length) throw new DiskError("corrupt", "Truncated zstd frame");
  return off;
}

function serializedLength(buf: Uint8Array, count: number): number {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let off = 0;
  for (let i = 0; i < count; i++) {
    const extra = v.getUint32(off + 36);
    off = (off + 40 + extra + v.getUint16(off + 12) + v.getUint16(off + 14) + 7) & ~7;
  }
  return off;
}
