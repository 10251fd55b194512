// `qemu-img info`: what an image is, as data, as qemu-img's text and as its JSON.

import { DiskError } from "../errors.ts";
import type { FileDevice } from "../file.ts";
import { openImage, resolveBackingPath } from "../open.ts";
import { Qcow2Image } from "../qcow2/image.ts";
import { readBitmaps } from "../qcow2/bitmaps.ts";
import type { VdiImage } from "../formats/vdi.ts";
import type { VmdkImage } from "../formats/vmdk.ts";
import type { VpcImage } from "../formats/vpc.ts";
import type { Qcow2Snapshot } from "../qcow2/snapshot_table.ts";
import { qdictOrder, type QDictValue, qdump, qjson, sizeToStr } from "../qobject.ts";
import { COMPAT_LAZY_REFCOUNTS, INCOMPAT_CORRUPT, INCOMPAT_DIRTY } from "../qcow2/format.ts";

/** One internal snapshot as `qemu-img info` and `snapshot -l` report it. */
export interface SnapshotInfo {
  /** Snapshot ID. */
  id: string;
  /** Snapshot name (tag). */
  name: string;
  /** Size of saved VM state (0 for disk-only snapshots). */
  vmStateSize: number;
  /** Creation time, seconds since the epoch. */
  dateSec: number;
  /** Creation time, nanoseconds part. */
  dateNsec: number;
  /** Guest clock at the snapshot, whole seconds. */
  vmClockSec: number;
  /** Guest clock at the snapshot, nanoseconds (below one second in SnapshotInfo). */
  vmClockNsec: number;
  /** Absent when the image does not record it. */
  icount?: number;
}

/** What `qemu-img info` reports about one image. */
export interface ImageInfo {
  /** Path as given. */
  filename: string;
  /** Format name as qemu-img prints it. */
  format: string;
  /** Virtual (guest) size in bytes. */
  virtualSize: number;
  /** Bytes the image file occupies on disk (st_blocks × 512). */
  actualSize: number;
  /** The image's dirty bit is set (not cleanly shut down). */
  dirty: boolean;
  /** Cluster size in bytes. */
  clusterSize?: number;
  /** Backing file name as stored in the image. */
  backingFilename?: string;
  /** Backing file path resolved against the image's directory. */
  fullBackingFilename?: string;
  /** Backing file format as stored in the image. */
  backingFormat?: string;
  /** Internal snapshots, in table order. */
  snapshots: SnapshotInfo[];
  /** qemu's "format-specific" object ({type, data}) for formats that have one. */
  formatSpecific?: QDictValue;
}

/** Result of {@link imageInfo}: data, qemu-img's text and `--output=json`. */
export interface InfoResult {
  /** The image, then (with `backingChain`) each image below it. */
  images: ImageInfo[];
  /** Byte-identical to `qemu-img info` (with `--backing-chain` when asked). */
  text: string;
  /** The `--output=json` value: one object, or an array with `backingChain`. */
  json: QDictValue | QDictValue[];
  /** Byte-identical to `qemu-img info --output=json` (without the final newline). */
  jsonText: string;
}

/** Options for {@link imageInfo}. */
export interface InfoOptions {
  /** Format of the top image; probed when omitted. */
  format?: string;
  /** Also describe every image in the backing chain. */
  backingChain?: boolean;
}

/** Converts a qcow2 snapshot entry to the reported form. */
export function snapshotInfo(s: Qcow2Snapshot): SnapshotInfo {
  const info: SnapshotInfo = {
    id: s.id,
    name: s.name,
    vmStateSize: s.vmStateSize,
    dateSec: s.dateSec,
    dateNsec: s.dateNsec,
    vmClockSec: Math.floor(s.vmClockNsec / 1e9),
    vmClockNsec: s.vmClockNsec % 1e9,
  };
  if (s.icount >= 0) info.icount = s.icount;
  return info;
}

/** Describes one image (not its backing chain). */
export async function describeImage(path: string, format?: string): Promise<ImageInfo> {
  const dev = await openImage(path, { format, readOnly: true, backing: false });
  try {
    const file = dev instanceof Qcow2Image
      ? dev.file
      : (dev as unknown as { file: FileDevice }).file;
    const info: ImageInfo = {
      filename: path,
      format: dev.format,
      virtualSize: dev.size,
      actualSize: file.allocatedSize(),
      dirty: false,
      snapshots: [],
    };
    if (dev instanceof Qcow2Image) {
      const h = dev.header;
      info.clusterSize = dev.clusterSize;
      info.dirty = (h.incompatible & INCOMPAT_DIRTY) !== 0;
      if (h.backingFile !== undefined) {
        info.backingFilename = h.backingFile;
        info.fullBackingFilename = resolveBackingPath(path, h.backingFile);
        if (h.backingFormat !== undefined) info.backingFormat = h.backingFormat;
      }
      info.snapshots = dev.snapshots.map(snapshotInfo);
      const data: QDictValue = { compat: h.version >= 3 ? "1.1" : "0.10" };
      if (h.version >= 3) {
        data["extended-l2"] = dev.extendedL2;
        data["lazy-refcounts"] = (h.compatible & COMPAT_LAZY_REFCOUNTS) !== 0;
        data["corrupt"] = (h.incompatible & INCOMPAT_CORRUPT) !== 0;
      }
      data["refcount-bits"] = dev.refcountBits;
      data["compression-type"] = h.compressionType === 1 ? "zstd" : "zlib";
      const bitmaps = await readBitmaps(dev);
      if (bitmaps.length) {
        data.bitmaps = bitmaps.map((b) => {
          const flags: string[] = [];
          if (b.flags & 1) flags.push("in-use");
          if (b.flags & 2) flags.push("auto");
          return { name: b.name, granularity: b.granularity, flags };
        });
      }
      info.formatSpecific = { type: "qcow2", data };
    } else if (dev.format === "vdi") {
      // The other formats are told apart by name: their modules load only when one is opened.
      info.clusterSize = (dev as VdiImage).blockSize;
    } else if (dev.format === "vpc") {
      const vpc = dev as VpcImage;
      if (vpc.clusterSize !== undefined) info.clusterSize = vpc.clusterSize;
    } else if (dev.format === "vmdk") {
      const vmdk = dev as VmdkImage;
      info.clusterSize = vmdk.blockSize;
      const extent: QDictValue = {
        filename: path,
        format: "",
        "virtual-size": vmdk.size,
        "cluster-size": vmdk.blockSize,
      };
      info.formatSpecific = {
        type: "vmdk",
        data: {
          "create-type": vmdk.descriptor.createType,
          cid: vmdk.descriptor.cid,
          "parent-cid": vmdk.descriptor.parentCid,
          extents: [extent],
        },
      };
    }
    return info;
  } finally {
    await dev.close();
  }
}

function pad(s: string, n: number, left: boolean): string {
  return left ? s.padEnd(n) : s.padStart(n);
}

function two(n: number): string {
  return String(n).padStart(2, "0");
}

/** One line of qemu's snapshot table (without newline); the header line when `s` is null. */
export function snapshotLine(s: SnapshotInfo | null): string {
  if (!s) {
    return pad("ID", 9, true) + " " + pad("TAG", 16, true) + " " + pad("VM SIZE", 8, false) +
      pad("DATE", 20, false) + pad("VM CLOCK", 13, false) + pad("ICOUNT", 11, false);
  }
  const d = new Date(s.dateSec * 1000);
  const date = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  const secs = s.vmClockSec;
  const clock =
    `${two(Math.floor(secs / 3600))}:${two(Math.floor(secs / 60) % 60)}:${two(secs % 60)}.` +
    String(Math.floor(s.vmClockNsec / 1e6) % 1000).padStart(3, "0");
  return pad(s.id, 9, true) + " " + pad(s.name, 16, true) + " " +
    pad(sizeToStr(s.vmStateSize), 8, false) + pad(date, 20, false) + pad(clock, 13, false) +
    pad(s.icount === undefined ? "" : String(s.icount), 11, false);
}

/** `qemu-img info` text for one image. */
export function infoText(i: ImageInfo): string {
  let out = `image: ${i.filename}\nfile format: ${i.format}\n` +
    `virtual size: ${sizeToStr(i.virtualSize)} (${i.virtualSize} bytes)\n` +
    `disk size: ${sizeToStr(i.actualSize)}\n`;
  if (i.clusterSize !== undefined) out += `cluster_size: ${i.clusterSize}\n`;
  if (i.dirty) out += "cleanly shut down: no\n";
  if (i.backingFilename !== undefined) {
    out += `backing file: ${i.backingFilename}`;
    if (i.fullBackingFilename === undefined) out += " (cannot determine actual path)";
    else if (i.fullBackingFilename !== i.backingFilename) {
      out += ` (actual path: ${i.fullBackingFilename})`;
    }
    out += "\n";
    if (i.backingFormat !== undefined) out += `backing file format: ${i.backingFormat}\n`;
  }
  if (i.snapshots.length) {
    out += "Snapshot list:\n" + snapshotLine(null) + "\n";
    for (const s of i.snapshots) out += snapshotLine(s) + "\n";
  }
  if (i.formatSpecific) {
    out += "Format specific information:\n" + qdump(qdictOrder(i.formatSpecific.data), 1);
  }
  return out;
}

/** The snapshot list as qemu's JSON object (qemu's key order). */
export function snapshotJson(s: SnapshotInfo): QDictValue {
  const o: QDictValue = {
    id: s.id,
    name: s.name,
    "vm-state-size": s.vmStateSize,
    "date-sec": s.dateSec,
    "date-nsec": s.dateNsec,
    "vm-clock-sec": s.vmClockSec,
    "vm-clock-nsec": s.vmClockNsec,
  };
  if (s.icount !== undefined) o.icount = s.icount;
  return qdictOrder(o);
}

/** `qemu-img info --output=json` object for one image, keys in qemu's order. */
export function infoJson(i: ImageInfo): QDictValue {
  const o: QDictValue = {
    filename: i.filename,
    format: i.format,
    "dirty-flag": i.dirty,
    "actual-size": i.actualSize,
    "virtual-size": i.virtualSize,
  };
  if (i.clusterSize !== undefined) o["cluster-size"] = i.clusterSize;
  if (i.backingFilename !== undefined) o["backing-filename"] = i.backingFilename;
  if (i.fullBackingFilename !== undefined) o["full-backing-filename"] = i.fullBackingFilename;
  if (i.backingFormat !== undefined) o["backing-filename-format"] = i.backingFormat;
  if (i.snapshots.length) o.snapshots = i.snapshots.map(snapshotJson);
  if (i.formatSpecific) o["format-specific"] = i.formatSpecific;
  return qdictOrder(o);
}

/**
 * `qemu-img info [--backing-chain] [-f FMT] PATH`.
 *
 * @example
 * ```ts
 * import { imageInfo } from "./info.ts";
 * const r = await imageInfo("disk.qcow2").catch(() => null);
 * if (r) console.log(r.text);
 * ```
 */
export async function imageInfo(path: string, opts: InfoOptions = {}): Promise<InfoResult> {
  const images: ImageInfo[] = [];
  const seen = new Set<string>();
  let cur: string | undefined = path;
  let fmt = opts.format;
  while (cur !== undefined) {
    const key = (() => {
      try {
        return Deno.realPathSync(cur);
      } catch {
        return cur;
      }
    })();
    if (seen.has(key)) {
      throw new DiskError("corrupt", `Backing file '${cur}' creates a loop in the backing chain`);
    }
    seen.add(key);
    const info = await describeImage(cur, fmt);
    images.push(info);
    if (!opts.backingChain) break;
    cur = info.fullBackingFilename;
    fmt = info.backingFormat;
  }
  const objs = images.map(infoJson);
  const json = opts.backingChain ? objs : objs[0];
  return {
    images,
    text: images.map(infoText).join("\n"),
    json,
    jsonText: qjson(json),
  };
}
