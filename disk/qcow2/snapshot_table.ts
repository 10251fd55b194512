// The qcow2 internal-snapshot table: decoding and encoding of its entries.

import { DiskError } from "../errors.ts";
import { readU64, writeU64 } from "./format.ts";

/** One internal snapshot as stored in the image. */
export interface Qcow2Snapshot {
  /** Host offset of the L1 table. */
  l1TableOffset: number;
  /** Entries in the L1 table. */
  l1Size: number;
  /** Snapshot ID. */
  id: string;
  /** Snapshot name (tag). */
  name: string;
  /** Creation time, seconds since the epoch. */
  dateSec: number;
  /** Creation time, nanoseconds part. */
  dateNsec: number;
  /** Guest clock at the snapshot, nanoseconds (below one second in SnapshotInfo). */
  vmClockNsec: number;
  /** Size of saved VM state (0 for disk-only snapshots). */
  vmStateSize: number;
  /** Virtual disk size when the snapshot was taken (from the extra data, else the image's). */
  diskSize: number;
  /** Instruction count, or -1 when not recorded. */
  icount: number;
  /** Extra data beyond the fields above, kept verbatim. */
  extraTail: Uint8Array;
}

const dec = new TextDecoder();
const enc = new TextEncoder();

/** Decodes `count` snapshot entries from `buf`. */
export function parseSnapshots(buf: Uint8Array, count: number, imageSize: number): Qcow2Snapshot[] {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: Qcow2Snapshot[] = [];
  let off = 0;
  for (let i = 0; i < count; i++) {
    if (off + 40 > buf.length) throw new DiskError("corrupt", "Snapshot table is truncated");
    const idLen = v.getUint16(off + 12), nameLen = v.getUint16(off + 14);
    const extra = v.getUint32(off + 36);
    if (extra > 1024) {
      throw new DiskError("corrupt", "Too much extra metadata in snapshot table entry");
    }
    const e = off + 40;
    if (e + extra + idLen + nameLen > buf.length) {
      throw new DiskError("corrupt", "Snapshot table is truncated");
    }
    let vmState = v.getUint32(off + 32);
    let diskSize = imageSize;
    let icount = -1;
    if (extra >= 8) vmState = readU64(v, e);
    if (extra >= 16) diskSize = readU64(v, e + 8);
    if (extra >= 24) {
      icount = v.getUint32(e + 16) === 0xffffffff && v.getUint32(e + 20) === 0xffffffff
        ? -1
        : readU64(v, e + 16);
    }
    out.push({
      l1TableOffset: readU64(v, off),
      l1Size: v.getUint32(off + 8),
      dateSec: v.getUint32(off + 16),
      dateNsec: v.getUint32(off + 20),
      vmClockNsec: readU64(v, off + 24),
      vmStateSize: vmState,
      diskSize,
      icount,
      extraTail: buf.slice(e + Math.min(extra, 24), e + extra),
      id: dec.decode(buf.subarray(e + extra, e + extra + idLen)),
      name: dec.decode(buf.subarray(e + extra + idLen, e + extra + idLen + nameLen)),
    });
    off = (e + extra + idLen + nameLen + 7) & ~7;
  }
  return out;
}

/** Encodes snapshot entries (each padded to 8 bytes), with 24 bytes of extra data each. */
export function serializeSnapshots(list: Qcow2Snapshot[]): Uint8Array {
  const parts = list.map((s) => {
    const id = enc.encode(s.id), name = enc.encode(s.name);
    const extra = 24 + s.extraTail.length;
    const len = (40 + extra + id.length + name.length + 7) & ~7;
    const b = new Uint8Array(len);
    const v = new DataView(b.buffer);
    writeU64(v, 0, s.l1TableOffset);
    v.setUint32(8, s.l1Size);
    v.setUint16(12, id.length);
    v.setUint16(14, name.length);
    v.setUint32(16, s.dateSec);
    v.setUint32(20, s.dateNsec);
    writeU64(v, 24, s.vmClockNsec);
    v.setUint32(32, Math.min(s.vmStateSize, 0xffffffff));
    v.setUint32(36, extra);
    writeU64(v, 40, s.vmStateSize);
    writeU64(v, 48, s.diskSize);
    if (s.icount < 0) {
      v.setUint32(56, 0xffffffff);
      v.setUint32(60, 0xffffffff);
    } else writeU64(v, 56, s.icount);
    b.set(s.extraTail, 64);
    b.set(id, 40 + extra);
    b.set(name, 40 + extra + id.length);
    return b;
  });
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
