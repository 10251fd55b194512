// vol-upload and vol-download: a volume's bytes through the protocol's stream messages, holes
// included with --sparse. Memory stays flat (reused buffers both ways; on the way down the
// client reads the socket on only once the packet it lent has been copied), and a failed
// download leaves nothing behind: data goes to a temporary file beside the target, renamed
// over it only at the end.

import { defineCommand, opt, parseULLOpt, Result, VshError } from "../../shell/mod.ts";
import type { ShellContext } from "../../shell/mod.ts";
import { type DataStream, lendingReader } from "../../virt/driver.ts";
import { VirtError } from "../../virt/errors.ts";
import { VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX } from "../../virt/remote/protocol.ts";
import { type RemoteStorageVol, volInfo } from "../../virt/storage.ts";
import { lookupVol, orFail, volOpt, volPoolOpt } from "./common.ts";
import { withData } from "../common.ts";

// Stream data goes in packets of this size (the daemon's limit); short packets cost a round trip.
const PACKET = VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX;
// Files are read four packets at a time, into two buffers used in turn (read one, send other).
const CHUNK = 4 * PACKET;
// Zero runs shorter than this go as data: a hole message per tiny run would cost more.
const HOLE_GRAIN = 64 * 1024;
// Bytes of a download kept in memory while the previous batch is being written to disk. Two
// batches of 1 MiB stay in the CPU's cache, and each write holds a core only briefly (the daemon
// needs one to keep sending): faster than 4 MiB batches, which measured 10-20% slower.
const WRITE_BATCH = 1024 * 1024;

/** Whether every byte of `b` is zero (words first, then the tail). */
export function isZero(b: Uint8Array): boolean {
  let i = 0;
  while (i < b.length && (b.byteOffset + i) % 4 !== 0) if (b[i++] !== 0) return false;
  const words = (b.length - i) >> 2;
  if (words > 0) {
    const w = new Uint32Array(b.buffer, b.byteOffset + i, words);
    for (let k = 0; k < words; k++) if (w[k] !== 0) return false;
  }
  for (i += words << 2; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/** A one-line progress display on stderr, shown only when stderr is a terminal. */
class Progress {
  #enabled = Deno.stderr.isTerminal();
  #last = 0;
  #encoder = new TextEncoder();

  constructor(readonly label: string, readonly total: bigint) {}

  update(done: bigint, final = false): void {
    if (!this.#enabled) return;
    const now = Date.now();
    if (!final && now - this.#last < 200) return;
    this.#last = now;
    const mib = (n: bigint) => (Number(n) / 1048576).toFixed(1);
    const pct = this.total > 0n ? ` ${Number((done * 100n) / this.total)}%` : "";
    const of = this.total > 0n ? ` / ${mib(this.total)} MiB` : " MiB";
    Deno.stderr.writeSync(this.#encoder.encode(`\r${this.label}:${pct} ${mib(done)}${of}\x1b[K`));
  }

  end(): void {
    if (this.#enabled) Deno.stderr.writeSync(this.#encoder.encode("\r\x1b[K"));
  }
}

async function writeAll(file: Deno.FsFile, data: Uint8Array): Promise<void> {
  for (let off = 0; off < data.length;) off += await file.write(data.subarray(off));
}

// Fill `buf` from the file (short only at the end of the file).
async function readChunk(file: Deno.FsFile, buf: Uint8Array): Promise<Uint8Array> {
  let n = 0;
  while (n < buf.length) {
    const got = await file.read(buf.subarray(n));
    if (got === null) break;
    n += got;
  }
  return buf.subarray(0, n);
}

/**
 * Send a file's bytes up a stream in full packets, reading the next chunk while the current
 * one goes out; with `sparse`, runs of zeros of at least HOLE_GRAIN go as holes (so a sparse
 * file stays sparse on the other side). Returns the bytes covered.
 */
export async function sendFile(
  file: Deno.FsFile,
  stream: DataStream,
  sparse: boolean,
  onProgress: (done: bigint) => void = () => {},
): Promise<bigint> {
  // A buffer is refilled only after the stream has taken (copied) what it held.
  // Sparse reads keep grains at file offsets that are multiples of HOLE_GRAIN.
  const size = sparse ? 16 * HOLE_GRAIN : CHUNK;
  const buffers = [new Uint8Array(size), new Uint8Array(size)];
  let hole = 0n;
  let done = 0n;
  const sendData = async (d: Uint8Array) => {
    if (hole > 0n) await stream.sendHole(hole);
    hole = 0n;
    await stream.write(d);
  };
  let turn = 0;
  let next = readChunk(file, buffers[turn]);
  try {
    for (;;) {
      const data = await next;
      if (data.length === 0) break;
      turn ^= 1;
      next = readChunk(file, buffers[turn]);
      if (!sparse) {
        await sendData(data);
      } else {
        let start = 0;
        for (let off = 0; off < data.length; off += HOLE_GRAIN) {
          const grain = data.subarray(off, Math.min(data.length, off + HOLE_GRAIN));
          if (!isZero(grain)) continue;
          if (off > start) await sendData(data.subarray(start, off));
          hole += BigInt(grain.length);
          start = off + grain.length;
        }
        if (start < data.length) await sendData(data.subarray(start));
      }
      done += BigInt(data.length);
      onProgress(done);
    }
  } finally {
    // A failed send leaves a read in flight: its outcome no longer matters.
    next.catch(() => {});
  }
  if (hole > 0n) await stream.sendHole(hole);
  return done;
}

/** Where a download writes: a temporary file renamed over the target, or the target itself. */
export interface Sink {
  file: Deno.FsFile;
  /** Holes become seeks (regular files) or written zeros (devices, pipes). */
  seekable: boolean;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

async function openSink(path: string): Promise<Sink> {
  let existing: Deno.FileInfo | undefined;
  try {
    existing = await Deno.stat(path);
  } catch {
    existing = undefined;
  }
  if (existing && !existing.isFile) {
    // A device or a pipe cannot be replaced by a rename; write into it as virsh does.
    const file = await Deno.open(path, { write: true });
    return {
      file,
      seekable: false,
      commit: () => Promise.resolve(file.close()),
      discard: () => Promise.resolve(file.close()),
    };
  }
  // Replace what a symbolic link points to, not the link.
  if (existing) path = await Deno.realPath(path);
  const slash = path.lastIndexOf("/");
  const dir = slash < 0 ? "." : path.slice(0, slash + 1);
  const base = path.slice(slash + 1);
  const random = crypto.getRandomValues(new Uint32Array(2)).join("");
  const temp = `${dir}${dir.endsWith("/") ? "" : "/"}.${base}.vsh-${random}.part`;
  const file = await Deno.open(temp, { write: true, createNew: true, mode: 0o666 });
  let closed = false;
  const close = () => {
    if (!closed) file.close();
    closed = true;
  };
  return {
    file,
    seekable: true,
    async commit() {
      close();
      if (existing?.mode != null) await Deno.chmod(temp, existing.mode & 0o7777);
      await Deno.rename(temp, path);
    },
    async discard() {
      close();
      await Deno.remove(temp).catch(() => {});
    },
  };
}

/**
 * Receive a stream into `sink`, writing in batches while the next ones arrive; with holes, a
 * regular file gets seeks and a final truncate so that unwritten ranges stay unallocated.
 * Returns the bytes covered.
 */
export async function receiveInto(
  stream: DataStream,
  sink: Sink,
  onProgress: (done: bigint) => void = () => {},
): Promise<bigint> {
  let pos = 0n;
  let end = 0n;
  // Two batch buffers used in turn: one fills while the other is written.
  const buffers = [new Uint8Array(WRITE_BATCH), new Uint8Array(WRITE_BATCH)];
  let turn = 0;
  let fill = 0;
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    await writing;
    if (fill === 0) return;
    writing = writeAll(sink.file, buffers[turn].subarray(0, fill));
    turn ^= 1;
    fill = 0;
  };
  const append = async (d: Uint8Array) => {
    while (d.length > 0) {
      const k = Math.min(WRITE_BATCH - fill, d.length);
      buffers[turn].set(d.subarray(0, k), fill);
      fill += k;
      d = d.subarray(k);
      if (fill === WRITE_BATCH) await flush();
    }
  };
  try {
    // A stream that can lend its bytes saves a copy per packet: each is copied into the
    // batch before the next read, as readView() asks.
    const read = lendingReader(stream);
    for (let chunk = await read(); chunk !== null; chunk = await read()) {
      if (chunk instanceof Uint8Array) {
        await append(chunk);
        pos += BigInt(chunk.length);
        end = pos;
      } else if (sink.seekable) {
        await flush();
        await writing;
        pos += chunk.hole;
        await sink.file.seek(pos, Deno.SeekMode.Start);
      } else {
        const zeros = new Uint8Array(Math.min(WRITE_BATCH, Number(chunk.hole)));
        for (let left = chunk.hole; left > 0n;) {
          const n = left < BigInt(zeros.length) ? Number(left) : zeros.length;
          await append(zeros.subarray(0, n));
          left -= BigInt(n);
        }
        pos += chunk.hole;
        end = pos;
      }
      onProgress(pos);
    }
    await flush();
  } finally {
    // After a failure the last write's outcome no longer matters; after success it is awaited.
    writing.catch(() => {});
  }
  await writing;
  if (sink.seekable && pos > end) await sink.file.truncate(Number(pos));
  return pos;
}

const transferOptions = (direction: "to" | "from") => ({
  vol: volOpt(),
  file: opt.data("file", { required: true, complete: "file" }),
  pool: volPoolOpt(),
  offset: opt.int(
    direction === "to" ? "volume offset to upload to" : "volume offset to download from",
  ),
  length: opt.int(direction === "to" ? "amount of data to upload" : "amount of data to download"),
  sparse: opt.bool("preserve sparseness of volume"),
});

// What a data failure is reported as: virsh's line, then the libvirt error under it.
function transferError(message: string, e: unknown): unknown {
  return e instanceof VirtError ? new VshError(message, { cause: e }) : e;
}

/** The volume and range a transfer's options name, checked in virsh's order. */
interface Transfer {
  vol: RemoteStorageVol;
  /** The volume as the option named it, for the messages. */
  name: string;
  offset: bigint;
  length: bigint;
  sparse: boolean;
}

async function transferOf(
  ctx: ShellContext,
  opts: { vol?: string; pool?: string; offset?: string; length?: string; sparse: boolean },
): Promise<Transfer> {
  const offset = parseULLOpt(opts.offset, "offset") ?? 0n;
  const length = parseULLOpt(opts.length, "length", true) ?? 0n;
  const vol = await lookupVol(ctx, opts.vol!, opts.pool);
  return { vol, name: opts.vol!, offset, length, sparse: opts.sparse };
}

/** virsh's words for one direction of a transfer. */
interface TransferWords {
  /** The failure to open the stream ("cannot upload to volume"). */
  open: string;
  /** The failure while moving the data ("cannot send data to volume"). */
  move: string;
  /** The progress line's label ("Uploading"). */
  progress: string;
}

/**
 * Open the volume's stream for `proc` and move the data with `move` under a progress line of
 * `total` bytes (none when unknown); a failed move aborts the stream. Each failure is reported
 * under virsh's line for it. Resolves to the bytes moved.
 */
async function streamData(
  ctx: ShellContext,
  proc: "storageVolUpload" | "storageVolDownload",
  t: Transfer,
  words: TransferWords,
  total: bigint,
  move: (stream: DataStream, onProgress: (n: bigint) => void) => Promise<bigint>,
): Promise<bigint> {
  const args = { vol: t.vol, offset: t.offset, length: t.length, flags: t.sparse ? 1 : 0 };
  const { stream } = await orFail(
    `${words.open} ${t.name}`,
    () => ctx.conn.openStream(proc, args),
  );
  const progress = new Progress(`${words.progress} ${t.name}`, total);
  let moved: bigint;
  try {
    moved = await move(stream, (n) => progress.update(n));
    progress.update(moved, true);
  } catch (e) {
    await stream.abort().catch(() => {});
    throw transferError(`${words.move} ${t.name}`, e);
  } finally {
    progress.end();
  }
  await orFail(`cannot close volume ${t.name}`, () => stream.finish());
  return moved;
}

const UPLOAD: TransferWords = {
  open: "cannot upload to volume",
  move: "cannot send data to volume",
  progress: "Uploading",
};

/** `vol-upload`: upload a file's contents to a volume. */
export const volUpload = defineCommand({
  name: "vol-upload",
  group: "volume",
  summary: "upload file contents to a volume",
  description: "Upload file contents to a volume",
  options: transferOptions("to"),
  json: "the number of bytes sent (holes included)",
  async handler(ctx: ShellContext, opts) {
    const t = await transferOf(ctx, opts);
    let file: Deno.FsFile;
    try {
      file = await Deno.open(ctx.resolvePath(opts.file!), { read: true });
    } catch {
      throw new VshError(`cannot read ${opts.file}`);
    }
    try {
      const size = BigInt((await file.stat()).size);
      const sent = await streamData(
        ctx,
        "storageVolUpload",
        t,
        UPLOAD,
        t.length > 0n && t.length < size ? t.length : size,
        (stream, onProgress) => sendFile(file, stream, t.sparse, onProgress),
      );
      return withData(new Result(), sent);
    } finally {
      file.close();
    }
  },
});

const DOWNLOAD: TransferWords = {
  open: "cannot download from volume",
  move: "cannot receive data from volume",
  progress: "Downloading",
};

/** `vol-download`: download a volume's contents to a file. */
export const volDownload = defineCommand({
  name: "vol-download",
  group: "volume",
  summary: "download volume contents to a file",
  description: "Download volume contents to a file",
  options: transferOptions("from"),
  json: "the number of bytes received (holes included)",
  async handler(ctx: ShellContext, opts) {
    const t = await transferOf(ctx, opts);
    let sink: Sink;
    try {
      sink = await openSink(ctx.resolvePath(opts.file!));
    } catch {
      throw new VshError(`cannot create ${opts.file}`);
    }
    let committed = false;
    try {
      // Asked before the stream opens: while a download's data is unread, replies wait behind it.
      let total = t.length;
      if (total === 0n && Deno.stderr.isTerminal()) {
        const info = await volInfo(ctx.conn, t.vol).catch(() => undefined);
        if (info && info.capacity > t.offset) total = info.capacity - t.offset;
      }
      const received = await streamData(
        ctx,
        "storageVolDownload",
        t,
        DOWNLOAD,
        total,
        (stream, onProgress) => receiveInto(stream, sink, onProgress),
      );
      await sink.commit();
      committed = true;
      return withData(new Result(), received);
    } finally {
      if (!committed) await sink.discard();
    }
  },
});
