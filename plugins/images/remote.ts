// Storage volumes that are not files on this machine, read through the connection: each file
// of such an image (and of its backing chain, found as volumes of the same connection by
// path) becomes a StreamFile whose bytes come by ranged, sparse volume downloads.

import type { FileDevice, RangeChunk, StreamFile } from "../../disk/mod.ts";
import { DiskError } from "../../disk/errors.ts";
import type { ShellContext } from "../../shell/mod.ts";
import type { Connection } from "../../virt/connection.ts";
import { lendingReader } from "../../virt/driver.ts";
import { ErrorCode, VirtError } from "../../virt/errors.ts";
import type { RemoteStorageVol } from "../../virt/remote/protocol.ts";

// virStorageVolDownloadFlags: report holes rather than send their zeros.
const DOWNLOAD_SPARSE_STREAM = 1;
// virStorageVolInfoFlags: "allocation" is the file's length rather than its disk usage.
const GET_PHYSICAL = 1;

/** A storage volume of the connection that is not a file on this machine. */
export interface RemoteVolume {
  /** The volume, when known (backing files are looked up by path when first opened). */
  vol?: RemoteStorageVol;
}

/**
 * Downloads of a volume's ranges through `conn`, one at a time on the connection (while a
 * download's data is unread, the daemon's other replies wait behind it).
 */
class VolumeReader {
  #queue: Promise<unknown> = Promise.resolve();
  #sparse = true;
  constructor(readonly conn: Connection) {}

  read(
    vol: RemoteStorageVol,
    offset: number,
    length: number,
    onChunk: (c: RangeChunk) => void,
  ): Promise<boolean> {
    const run = this.#queue.then(() => this.#read(vol, offset, length, onChunk));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #read(
    vol: RemoteStorageVol,
    offset: number,
    length: number,
    onChunk: (c: RangeChunk) => void,
  ): Promise<boolean> {
    let received = false;
    const deliver = (c: RangeChunk) => {
      received = true;
      onChunk(c);
    };
    try {
      return await this.#download(vol, offset, length, this.#sparse, deliver);
    } catch (e) {
      // A volume that cannot be read sparsely (not a regular file) is read in full.
      if (!this.#sparse || received || !(e instanceof VirtError)) throw e;
      this.#sparse = false;
      return await this.#download(vol, offset, length, false, onChunk);
    }
  }

  async #download(
    vol: RemoteStorageVol,
    offset: number,
    length: number,
    sparse: boolean,
    onChunk: (c: RangeChunk) => void,
  ): Promise<boolean> {
    const { stream } = await this.conn.openStream("storageVolDownload", {
      vol,
      offset: BigInt(offset),
      length: BigInt(length),
      flags: sparse ? DOWNLOAD_SPARSE_STREAM : 0,
    });
    let done = false;
    try {
      // Each lent packet is copied by onChunk before the next read, as readView() asks.
      const read = lendingReader(stream);
      for (let c = await read(); c !== null; c = await read()) {
        onChunk(c instanceof Uint8Array ? c : { hole: Number(c.hole) });
      }
      done = true;
    } finally {
      if (!done) await stream.abort().catch(() => {});
    }
    await stream.finish();
    return sparse;
  }
}

/** Why a volume cannot be read from here, or undefined when it can. */
export function remoteReadProblem(ctx: ShellContext): string | undefined {
  if (ctx.conn.driver.openStream) return undefined;
  return `connection '${ctx.conn.uri}' cannot download volumes`;
}

/** An image file of a command: `remote` is set when it is a volume on another machine. */
export interface MaybeRemote {
  path: string;
  remote?: RemoteVolume;
}

/**
 * Runs `fn` (library calls on `files`) with the remote files among them, and the backing files
 * of those, opened by volume download. `files` may grow while `fn` runs (a backing chain
 * walked one image at a time).
 */
export async function readVolumes<T>(
  ctx: ShellContext,
  files: MaybeRemote[],
  fn: () => Promise<T>,
): Promise<T> {
  if (!files.some((f) => f.remote)) return await fn();
  const lib = await import("../../disk/mod.ts");
  const reader = new VolumeReader(ctx.conn);
  const ours = new WeakSet<FileDevice>();
  // A file opened again (checked, then worked on) shares what the first opening downloaded.
  const opened = new Map<string, StreamFile>();
  const open = async (path: string, vol: () => Promise<RemoteStorageVol>) => {
    let file = opened.get(path)?.reopen();
    if (!file) {
      file = await volumeFile(lib.StreamFile, reader, path, await vol());
      opened.set(path, file);
    }
    const dev = file.asFileDevice();
    ours.add(dev);
    return dev;
  };
  return await lib.withFileSource(async (path, parent) => {
    const f = files.find((f) => f.remote && f.path === path);
    if (f) {
      return await open(path, async () => f.remote!.vol ??= await lookupByPath(ctx.conn, path));
    }
    // The backing file of a remote image is on the same machine: a volume of the connection.
    if (parent && ours.has(parent)) return await open(path, () => lookupByPath(ctx.conn, path));
    return undefined;
  }, fn);
}

async function lookupByPath(conn: Connection, path: string): Promise<RemoteStorageVol> {
  try {
    return (await conn.call("storageVolLookupByPath", { path })).vol;
  } catch (e) {
    if (!(e instanceof VirtError)) throw e;
    throw new DiskError(
      "io",
      `Could not open '${path}': not a storage volume of the connection, so it cannot be ` +
        `read from this machine (${e.message})`,
    );
  }
}

async function volumeFile(
  Stream: typeof StreamFile,
  reader: VolumeReader,
  path: string,
  vol: RemoteStorageVol,
): Promise<StreamFile> {
  const conn = reader.conn;
  let size: number;
  let allocation: number;
  try {
    const info = await conn.call("storageVolGetInfo", { vol });
    allocation = Number(info.allocation);
    size = await physicalSize(conn, vol, path);
  } catch (e) {
    if (!(e instanceof VirtError)) throw e;
    throw new DiskError("io", `Could not open '${path}': ${e.message}`);
  }
  return new Stream({
    filename: path,
    size,
    allocation,
    read: (offset, length, onChunk) => reader.read(vol, offset, length, onChunk),
  });
}

// The file's length: virStorageVolGetInfoFlags(VIR_STORAGE_VOL_GET_PHYSICAL), or the volume
// XML's <physical> where that call is missing.
async function physicalSize(
  conn: Connection,
  vol: RemoteStorageVol,
  path: string,
): Promise<number> {
  try {
    return Number(
      (await conn.call("storageVolGetInfoFlags", { vol, flags: GET_PHYSICAL }))
        .allocation,
    );
  } catch (e) {
    if (!(e instanceof VirtError && e.code === ErrorCode.NO_SUPPORT)) throw e;
  }
  const { xml } = await conn.call("storageVolGetXmlDesc", { vol, flags: 0 });
  const m = /<physical(?:\s+unit=['"]bytes['"])?>(\d+)<\/physical>/.exec(xml);
  if (!m) throw new DiskError("io", `Could not open '${path}': the volume's size is unknown`);
  return Number(m[1]);
}
