// On-disk layout of qcow2 (docs/interop/qcow2.txt): header, extensions, table entries.

import { DiskError } from "../errors.ts";

/** "QFI\xfb" */
export const QCOW2_MAGIC = 0x514649fb;
/** Header extension types. */
export const EXT_END = 0;
export const EXT_BACKING_FORMAT = 0xe2792aca;
export const EXT_FEATURE_TABLE = 0x6803f857;
export const EXT_DATA_FILE = 0x44415441;
export const EXT_BITMAPS = 0x23852875;
/** Autoclear bit: the bitmaps extension is consistent with the image. */
export const AUTOCLEAR_BITMAPS = 1;

/** Incompatible feature bits. */
export const INCOMPAT_DIRTY = 1;
export const INCOMPAT_CORRUPT = 2;
export const INCOMPAT_DATA_FILE = 4;
export const INCOMPAT_COMPRESSION = 8;
export const INCOMPAT_EXTL2 = 16;
/** Compatible feature bit: refcounts may be stale while the dirty bit is set. */
export const COMPAT_LAZY_REFCOUNTS = 1;

/** qemu's limits, which keep hostile images from demanding unbounded memory. */
export const MAX_L1_BYTES = 32 * 1024 * 1024;
export const MAX_REFTABLE_BYTES = 8 * 1024 * 1024;
export const MAX_SNAPSHOTS = 65536;
export const MAX_SNAPSHOT_TABLE_BYTES = 64 * 1024 * 1024;
export const MAX_BACKING_NAME = 1023;

/** 2^32, to join the halves of a 64-bit entry into a safe integer. */
export const TWO32 = 0x100000000;

/** The feature-name table qemu 7.2 writes into every v3 image, in its order. */
export const FEATURE_NAMES: Array<[number, number, string]> = [
  [0, 0, "dirty bit"],
  [0, 1, "corrupt bit"],
  [0, 2, "external data file"],
  [0, 3, "compression type"],
  [0, 4, "extended L2 entries"],
  [1, 0, "lazy refcounts"],
  [2, 0, "bitmaps"],
  [2, 1, "raw external data"],
];

/** A header extension this library does not interpret, kept to write back unchanged. */
export interface RawExtension {
  /** Extension type. */
  type: number;
  /** The extension payload. */
  data: Uint8Array;
}

/** The decoded qcow2 header with its extensions. */
export interface Qcow2Header {
  /** qcow2 version (2 or 3). */
  version: number;
  /** Where the backing file name is stored in the header cluster. */
  backingFileOffset: number;
  /** Length of the stored backing file name. */
  backingFileSize: number;
  /** log2 of the cluster size. */
  clusterBits: number;
  /** Virtual size in bytes. */
  size: number;
  /** Encryption method (0 = none). */
  cryptMethod: number;
  /** Entries in the L1 table. */
  l1Size: number;
  /** Host offset of the L1 table. */
  l1TableOffset: number;
  /** Host offset of the refcount table. */
  refcountTableOffset: number;
  /** Clusters the refcount table occupies. */
  refcountTableClusters: number;
  /** Number of internal snapshots. */
  nbSnapshots: number;
  /** Host offset of the snapshot table. */
  snapshotsOffset: number;
  /** Incompatible feature bits (dirty, corrupt, external data, compression, extended L2). */
  incompatible: number;
  /** Compatible feature bits (bit 0: lazy refcounts). */
  compatible: number;
  /** Autoclear feature bits. */
  autoclear: number;
  /** log2 of the refcount width. */
  refcountOrder: number;
  /** Header length in bytes (72 for v2). */
  headerLength: number;
  /** 0 for zlib, 1 for zstd. */
  compressionType: number;
  /** Backing file name as stored. */
  backingFile?: string;
  /** Backing file format as stored in the image. */
  backingFormat?: string;
  /** External data file name, if any. */
  dataFile?: string;
  /** The header carries a feature-name table. */
  hasFeatureTable: boolean;
  /** The persistent-bitmaps extension, when present (its bytes stay in otherExtensions). */
  bitmaps?: { count: number; directorySize: number; directoryOffset: number };
  /** Header extensions kept verbatim. */
  otherExtensions: RawExtension[];
}

function u64(v: DataView, off: number): number {
  const hi = v.getUint32(off), lo = v.getUint32(off + 4);
  if (hi >= 0x200000) return Number.MAX_SAFE_INTEGER;
  return hi * TWO32 + lo;
}

function put64(v: DataView, off: number, n: number): void {
  v.setUint32(off, Math.floor(n / TWO32));
  v.setUint32(off + 4, n >>> 0);
}

/** Reads a 64-bit big-endian integer (saturating past 2^53). */
export const readU64 = u64;
/** Writes a 64-bit big-endian integer from a safe integer. */
export const writeU64 = put64;

const dec = new TextDecoder();

/** Decodes the header and its extensions from the image's first cluster. */
export function parseHeader(buf: Uint8Array, fileSize: number): Qcow2Header {
  if (buf.length < 72) throw new DiskError("format", "Image is not in qcow2 format");
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (v.getUint32(0) !== QCOW2_MAGIC) {
    throw new DiskError("format", "Image is not in qcow2 format");
  }
  const version = v.getUint32(4);
  if (version < 2 || version > 3) {
    throw new DiskError("unsupported", `Unsupported qcow2 version ${version}`);
  }
  const clusterBits = v.getUint32(20);
  if (clusterBits < 9 || clusterBits > 21) {
    throw new DiskError("format", `Unsupported cluster size: 2^${clusterBits}`);
  }
  const clusterSize = 2 ** clusterBits;
  const h: Qcow2Header = {
    version,
    backingFileOffset: u64(v, 8),
    backingFileSize: v.getUint32(16),
    clusterBits,
    size: u64(v, 24),
    cryptMethod: v.getUint32(32),
    l1Size: v.getUint32(36),
    l1TableOffset: u64(v, 40),
    refcountTableOffset: u64(v, 48),
    refcountTableClusters: v.getUint32(56),
    nbSnapshots: v.getUint32(60),
    snapshotsOffset: u64(v, 64),
    incompatible: 0,
    compatible: 0,
    autoclear: 0,
    refcountOrder: 4,
    headerLength: 72,
    compressionType: 0,
    hasFeatureTable: false,
    otherExtensions: [],
  };
  if (version === 3) {
    if (buf.length < 104) throw new DiskError("corrupt", "qcow2 header too short");
    if (v.getUint32(72) !== 0) {
      throw new DiskError("unsupported", "Unsupported qcow2 feature(s)");
    }
    h.incompatible = v.getUint32(76);
    h.compatible = v.getUint32(84);
    h.autoclear = v.getUint32(92);
    h.refcountOrder = v.getUint32(96);
    h.headerLength = v.getUint32(100);
    if (h.headerLength < 104) throw new DiskError("corrupt", "qcow2 header too short");
    if (h.headerLength > clusterSize) {
      throw new DiskError("corrupt", "qcow2 header exceeds cluster size");
    }
    if (h.headerLength > 104) h.compressionType = buf[104];
  }
  const unknown = h.incompatible & ~0x1f;
  if (unknown) {
    throw new DiskError(
      "unsupported",
      `Unsupported qcow2 feature(s): Unknown incompatible feature: ${unknown.toString(16)}`,
    );
  }
  if (h.refcountOrder > 6) {
    throw new DiskError("format", "Reference count entry width too large; may not exceed 64 bits");
  }
  if (h.size > 2 ** 53 - clusterSize) throw new DiskError("format", "Image size too large");
  if (h.cryptMethod !== 0) {
    throw new DiskError("unsupported", "qcow2 encryption is not supported");
  }
  if (h.compressionType > 1) {
    throw new DiskError("unsupported", `Unknown compression type ${h.compressionType}`);
  }
  if (h.compressionType !== 0 && !(h.incompatible & INCOMPAT_COMPRESSION)) {
    throw new DiskError("corrupt", "Compression type incompatible feature bit must be set");
  }
  // Extensions: a chain of (type, length, data padded to 8) until type 0 or the cluster ends.
  let off = h.headerLength;
  const limit = Math.min(buf.length, clusterSize);
  while (off + 8 <= limit) {
    const type = v.getUint32(off), len = v.getUint32(off + 4);
    off += 8;
    if (type === EXT_END) break;
    if (len > limit - off) throw new DiskError("corrupt", "Invalid header extension length");
    const data = buf.slice(off, off + len);
    if (type === EXT_BACKING_FORMAT) h.backingFormat = dec.decode(data);
    else if (type === EXT_FEATURE_TABLE) h.hasFeatureTable = true;
    else if (type === EXT_DATA_FILE) h.dataFile = dec.decode(data);
    else {
      if (type === EXT_BITMAPS && len === 24) {
        const b = new DataView(data.buffer, data.byteOffset, 24);
        h.bitmaps = {
          count: b.getUint32(0),
          directorySize: u64(b, 8),
          directoryOffset: u64(b, 16),
        };
      }
      h.otherExtensions.push({ type, data });
    }
    off += (len + 7) & ~7;
  }
  if (h.backingFileOffset) {
    if (h.backingFileSize > MAX_BACKING_NAME) {
      throw new DiskError("corrupt", "Backing file name too long");
    }
    const end = h.backingFileOffset + h.backingFileSize;
    if (end > Math.min(clusterSize, fileSize, buf.length)) {
      throw new DiskError("corrupt", "Backing file name is past the end of the header cluster");
    }
    h.backingFile = dec.decode(buf.subarray(h.backingFileOffset, end));
  }
  return h;
}

function ext(type: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + ((data.length + 7) & ~7));
  const v = new DataView(out.buffer);
  v.setUint32(0, type);
  v.setUint32(4, data.length);
  out.set(data, 8);
  return out;
}

/** Encodes the header, extensions and backing file name into one cluster-sized buffer. */
export function serializeHeader(h: Qcow2Header): Uint8Array {
  const clusterSize = 2 ** h.clusterBits;
  const out = new Uint8Array(clusterSize);
  const v = new DataView(out.buffer);
  const enc = new TextEncoder();
  const headerLength = h.version === 3 ? 112 : 72;
  v.setUint32(0, QCOW2_MAGIC);
  v.setUint32(4, h.version);
  v.setUint32(20, h.clusterBits);
  put64(v, 24, h.size);
  v.setUint32(32, h.cryptMethod);
  v.setUint32(36, h.l1Size);
  put64(v, 40, h.l1TableOffset);
  put64(v, 48, h.refcountTableOffset);
  v.setUint32(56, h.refcountTableClusters);
  v.setUint32(60, h.nbSnapshots);
  put64(v, 64, h.snapshotsOffset);
  if (h.version === 3) {
    v.setUint32(76, h.incompatible);
    v.setUint32(84, h.compatible);
    v.setUint32(92, h.autoclear);
    v.setUint32(96, h.refcountOrder);
    v.setUint32(100, headerLength);
    out[104] = h.compressionType;
  }
  let off = headerLength;
  const parts: Uint8Array[] = [];
  if (h.backingFormat !== undefined) {
    parts.push(ext(EXT_BACKING_FORMAT, enc.encode(h.backingFormat)));
  }
  if (h.dataFile !== undefined) parts.push(ext(EXT_DATA_FILE, enc.encode(h.dataFile)));
  // qemu leaves the feature-name table out of headers in clusters smaller than 8 KiB.
  if (h.version === 3 && clusterSize >= 8192) {
    const table = new Uint8Array(48 * FEATURE_NAMES.length);
    FEATURE_NAMES.forEach(([type, bit, name], i) => {
      table[i * 48] = type;
      table[i * 48 + 1] = bit;
      table.set(enc.encode(name), i * 48 + 2);
    });
    parts.push(ext(EXT_FEATURE_TABLE, table));
  }
  for (const e of h.otherExtensions) parts.push(ext(e.type, e.data));
  for (const p of parts) {
    if (off + p.length + 8 > clusterSize) {
      throw new DiskError("usage", "Header extensions do not fit into the first cluster");
    }
    out.set(p, off);
    off += p.length;
  }
  off += 8; // end-of-extensions marker (zeros)
  if (h.backingFile !== undefined) {
    const name = enc.encode(h.backingFile);
    if (name.length > MAX_BACKING_NAME || off + name.length > clusterSize) {
      throw new DiskError("usage", "Backing file name too long");
    }
    out.set(name, off);
    put64(v, 8, off);
    v.setUint32(16, name.length);
    off += name.length;
  }
  return out.subarray(0, off);
}
