// `qemu-img convert`: copy an image (and its backing chain, flattened) into a new raw or
// qcow2 image, skipping zeros, optionally compressing; written beside the target, then renamed.

import type { BlockDevice } from "../block.ts";
import { DiskError } from "../errors.ts";
import { openImage } from "../open.ts";
import { loadZlib, Qcow2Image } from "../qcow2/image.ts";
import { RawImage } from "../raw.ts";
import { alignedBuffer, isZero } from "../bytes.ts";
import { createImage, type CreateOptions } from "./create.ts";
import { statusAbove } from "./map.ts";

/** Options for {@link convertImage}. */
export interface ConvertOptions {
  /** Source format; probed when omitted. */
  sourceFormat?: string;
  /** "raw" (default, as qemu-img) or "qcow2". */
  outputFormat?: string;
  /** Compress every data cluster (`-c`, qcow2 output only). */
  compress?: boolean;
  /** Zero runs at least this long are left unallocated (`-S`, default 4096; 0 = write all). */
  sparseSize?: number;
  /** Creation options of the target (cluster size, compat, preallocation, …). */
  create?: Omit<CreateOptions, "format" | "size">;
  /**
   * fdatasync the target before renaming it into place (default false: like qemu-img's
   * default cache mode for convert, the data is left to the page cache).
   */
  sync?: boolean;
  /** Called after each chunk with (bytes done, total), for a progress display. */
  progress?: (done: number, total: number) => void;
}

/** What {@link convertImage} did. */
export interface ConvertResult {
  /** Guest bytes that were read and written as data. */
  bytesWritten: number;
  /** Virtual size in bytes. */
  size: number;
}

const CHUNK = 2 << 20;

function tempBeside(target: string): string {
  const slash = target.lastIndexOf("/");
  const dir = slash < 0 ? "" : target.slice(0, slash + 1);
  const base = slash < 0 ? target : target.slice(slash + 1);
  return `${dir}.${base}.vsh-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * qemu-img's "TARGET: error while converting FMT: why" for a target that could not be created,
 * naming the target rather than the temporary file it is built in.
 */
function creationFailure(e: unknown, tmp: string, dstPath: string, format: string): DiskError {
  const msg = (e instanceof Error ? e.message : String(e)).replaceAll(tmp, dstPath);
  const why = (msg.startsWith(`${dstPath}: `) ? msg.slice(dstPath.length + 2) : msg)
    .replace(`Could not open '${dstPath}'`, `Could not create '${dstPath}'`);
  const kind = e instanceof DiskError ? e.kind : "io";
  return new DiskError(kind, `${dstPath}: error while converting ${format}: ${why}`);
}

/** Copies `src` into the already-created, zero-initialised device `dst`. */
export async function convertDevices(
  src: BlockDevice,
  dst: BlockDevice,
  opts: Pick<ConvertOptions, "compress" | "sparseSize" | "progress"> = {},
): Promise<number> {
  const size = src.size;
  const qdst = dst instanceof Qcow2Image ? dst : null;
  if (opts.compress && !qdst) {
    throw new DiskError("usage", "Compression not supported for this file format");
  }
  const sparse = opts.sparseSize ?? 4096;
  const unit = qdst ? qdst.clusterSize : Math.max(sparse, 512);
  const chunk = Math.max(unit, Math.floor(CHUNK / unit) * unit);
  // Two buffers: the next chunk is read while the current one is written.
  const bufs = [alignedBuffer(chunk), alignedBuffer(chunk)];
  let which = 0;
  interface Piece {
    start: number;
    data: Uint8Array | null;
    end: number;
  }
  const fetch = async (off: number, buf: Uint8Array): Promise<Piece> => {
    const st = await statusAbove(src, off, Math.min(chunk, size - off));
    if ((st.zero && !st.data) || st.length <= 0) {
      return { start: off, data: null, end: off + Math.max(st.length, 1) };
    }
    // Whole units only, so that zero detection and compression see aligned clusters.
    const start = Math.floor(off / unit) * unit;
    const end = Math.min(size, Math.ceil((off + st.length) / unit) * unit, start + chunk);
    const data = buf.subarray(0, end - start);
    await src.read(start, data);
    return { start, data, end };
  };
  let written = 0;
  let pending: Promise<Piece> | null = size > 0 ? fetch(0, bufs[which]) : null;
  while (pending) {
    const { start, data, end } = await pending;
    which ^= 1;
    pending = end < size ? fetch(end, bufs[which]) : null;
    if (data) written += await store(dst, qdst, start, data, unit, sparse, opts.compress);
    opts.progress?.(end, size);
  }
  return written;
}

/** Writes one chunk of source data, skipping zero units; returns the bytes written. */
async function store(
  dst: BlockDevice,
  qdst: Qcow2Image | null,
  start: number,
  data: Uint8Array,
  unit: number,
  sparse: number,
  compress?: boolean,
): Promise<number> {
  const n = data.length;
  let written = 0;
  if (compress && qdst) {
    const { deflateRawSync } = await loadZlib();
    for (let p = 0; p < n; p += unit) {
      if (isZero(data, p, Math.min(n, p + unit))) continue;
      const piece = data.subarray(p, Math.min(n, p + unit));
      let full = piece;
      if (piece.length < unit) {
        full = new Uint8Array(unit);
        full.set(piece);
      }
      const z = deflateRawSync(full, { windowBits: 12, memLevel: 9 });
      if (z.length > unit - 1) await qdst.write(start + p, piece);
      else {
        await qdst.writeCompressedCluster(
          (start + p) / unit,
          new Uint8Array(z.buffer, z.byteOffset, z.length),
        );
      }
      written += piece.length;
    }
    return written;
  }
  if (sparse === 0) {
    await dst.write(start, data);
    return n;
  }
  // Write maximal runs of non-zero units.
  let p = 0;
  while (p < n) {
    while (p < n && isZero(data, p, Math.min(n, p + unit))) p += unit;
    if (p >= n) break;
    let q = p + unit;
    while (q < n && !isZero(data, q, Math.min(n, q + unit))) q += unit;
    q = Math.min(q, n);
    await dst.write(start + p, data.subarray(p, q));
    written += q - p;
    p = q;
  }
  return written;
}

/**
 * `qemu-img convert [-f FMT] [-O FMT] [-c] [-S SIZE] [-o OPTS] SRC DST`. The source's whole
 * backing chain is flattened into the target. The target is built in a temporary file in the
 * same directory and renamed over `dst` only when complete.
 *
 * @example
 * ```ts
 * import { convertImage } from "./convert.ts";
 * await convertImage("in.qcow2", "out.raw", { outputFormat: "raw" }).catch(() => {});
 * ```
 */
export async function convertImage(
  srcPath: string,
  dstPath: string,
  opts: ConvertOptions = {},
): Promise<ConvertResult> {
  const format = opts.outputFormat ?? "raw";
  if (format !== "raw" && format !== "qcow2") {
    throw new DiskError("unsupported", `Converting to '${format}' is not supported`);
  }
  if (opts.compress && format !== "qcow2") {
    throw new DiskError("usage", "Compression not supported for this file format");
  }
  const src = await openImage(srcPath, { format: opts.sourceFormat, readOnly: true });
  const tmp = tempBeside(dstPath);
  let dst: BlockDevice | undefined;
  try {
    try {
      await createImage(tmp, { ...opts.create, format, size: src.size }, { noFlush: true });
      dst = await openImage(tmp, { format, backing: false, noFlush: true });
    } catch (e) {
      throw creationFailure(e, tmp, dstPath, format);
    }
    if (dst.size !== src.size && dst instanceof RawImage) await dst.resize(src.size);
    const written = await convertDevices(src, dst, opts);
    await dst.close();
    dst = undefined;
    if (opts.sync) {
      const f = await Deno.open(tmp, { read: true, write: true });
      try {
        await f.syncData();
      } finally {
        f.close();
      }
    }
    await Deno.rename(tmp, dstPath);
    return { bytesWritten: written, size: src.size };
  } catch (e) {
    if (dst) await dst.close().catch(() => {});
    await Deno.remove(tmp).catch(() => {});
    throw e;
  } finally {
    await src.close();
  }
}
