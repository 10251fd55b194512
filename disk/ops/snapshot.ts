// `qemu-img snapshot -l/-c/-a/-d`: internal snapshots of qcow2 images.

import { DiskError } from "../errors.ts";
import { openImage } from "../open.ts";
import { Qcow2Image } from "../qcow2/image.ts";
import { type SnapshotInfo, snapshotInfo, snapshotLine } from "./info.ts";

/** Result of {@link snapshotList}. */
export interface SnapshotListResult {
  /** Internal snapshots, in table order. */
  snapshots: SnapshotInfo[];
  /** Byte-identical to `qemu-img snapshot -l` (empty when there are none). */
  text: string;
}

async function withQcow2<T>(
  path: string,
  readOnly: boolean,
  verb: string,
  name: string,
  fn: (img: Qcow2Image) => Promise<T>,
  format?: string,
): Promise<T> {
  const dev = await openImage(path, { format, readOnly, backing: false });
  try {
    if (!(dev instanceof Qcow2Image)) {
      if (verb === "list") return await fn(null as unknown as Qcow2Image);
      const why = verb === "create"
        ? "-95 (Operation not supported)"
        : verb === "apply"
        ? "Block driver does not support snapshots"
        : "snapshot not found";
      throw new DiskError("unsupported", `Could not ${verb} snapshot '${name}': ${why}`);
    }
    return await fn(dev);
  } finally {
    await dev.close();
  }
}

/**
 * `qemu-img snapshot -l PATH`.
 *
 * @example
 * ```ts
 * import { snapshotList } from "./snapshot.ts";
 * const r = await snapshotList("disk.qcow2").catch(() => null);
 * if (r) console.log(r.text);
 * ```
 */
export async function snapshotList(path: string, format?: string): Promise<SnapshotListResult> {
  return await withQcow2(path, true, "list", "", (img) => {
    const snapshots = img ? img.snapshots.map(snapshotInfo) : [];
    const text = snapshots.length
      ? "Snapshot list:\n" + snapshotLine(null) + "\n" +
        snapshots.map((s) => snapshotLine(s) + "\n").join("")
      : "";
    return Promise.resolve({ snapshots, text });
  }, format);
}

/** `qemu-img snapshot -c NAME PATH`; returns the new snapshot. */
export async function snapshotCreate(
  path: string,
  name: string,
  format?: string,
): Promise<SnapshotInfo> {
  return await withQcow2(
    path,
    false,
    "create",
    name,
    async (img) => snapshotInfo(await img.createSnapshot(name)),
    format,
  );
}

/** `qemu-img snapshot -a NAME PATH` (NAME is an ID or a name). */
export async function snapshotApply(path: string, name: string, format?: string): Promise<void> {
  await withQcow2(path, false, "apply", name, (img) => img.applySnapshot(name), format);
}

/** `qemu-img snapshot -d NAME PATH` (by name, as qemu-img). */
export async function snapshotDelete(path: string, name: string, format?: string): Promise<void> {
  await withQcow2(path, false, "delete", name, (img) => img.deleteSnapshot(name), format);
}
