// Persistent dirty bitmaps of qcow2 images: only read, to report them (info) and to count the
// clusters they use (check).

import { DiskError } from "../errors.ts";
import { AUTOCLEAR_BITMAPS, readU64 } from "./format.ts";
import type { Qcow2Image } from "./image.ts";

/** One entry of the bitmap directory. */
export interface Qcow2Bitmap {
  /** Bitmap name. */
  name: string;
  /** Bytes of guest data per bit. */
  granularity: number;
  /** Flag bits: 1 in use, 2 auto. */
  flags: number;
  /** Host offset of the bitmap table. */
  tableOffset: number;
  /** Entries in the bitmap table. */
  tableSize: number;
}

const MAX_DIRECTORY = 64 * 1024 * 1024;

/** The bitmaps qemu would use: none unless the extension is present and marked consistent. */
export async function readBitmaps(img: Qcow2Image): Promise<Qcow2Bitmap[]> {
  const ext = img.header.bitmaps;
  if (!ext || !(img.header.autoclear & AUTOCLEAR_BITMAPS) || ext.count === 0) return [];
  if (ext.directorySize > MAX_DIRECTORY || ext.directoryOffset % img.clusterSize) {
    throw new DiskError("corrupt", "bitmaps_ext: invalid bitmap directory");
  }
  const buf = new Uint8Array(ext.directorySize);
  await img.file.read(ext.directoryOffset, buf);
  const v = new DataView(buf.buffer);
  const out: Qcow2Bitmap[] = [];
  let off = 0;
  for (let i = 0; i < ext.count; i++) {
    if (off + 24 > buf.length) throw new DiskError("corrupt", "Bitmap directory is truncated");
    const nameSize = v.getUint16(off + 18), extra = v.getUint32(off + 20);
    const end = off + 24 + extra + nameSize;
    if (end > buf.length) throw new DiskError("corrupt", "Bitmap directory is truncated");
    out.push({
      tableOffset: readU64(v, off),
      tableSize: v.getUint32(off + 8),
      flags: v.getUint32(off + 12),
      granularity: 2 ** buf[off + 17],
      name: new TextDecoder().decode(buf.subarray(off + 24 + extra, end)),
    });
    off = (end + 7) & ~7;
  }
  return out;
}

/** Host clusters a bitmap's data occupies (non-zero bitmap table entries). */
export async function bitmapDataClusters(img: Qcow2Image, b: Qcow2Bitmap): Promise<number[]> {
  if (b.tableSize * 8 > MAX_DIRECTORY) throw new DiskError("corrupt", "Bitmap table too large");
  const t = new Uint8Array(b.tableSize * 8);
  await img.file.read(b.tableOffset, t);
  const v = new DataView(t.buffer);
  const out: number[] = [];
  for (let i = 0; i < b.tableSize; i++) {
    const off =
      (v.getUint32(i * 8) & 0x00ffffff) * 0x100000000 + (v.getUint32(i * 8 + 4) & 0xfffffe00) >>> 0;
    if (off) out.push(off);
  }
  return out;
}
