// `qemu-img create`: new raw and qcow2 images laid out as qemu-img 7.2 lays them out.

import { DiskError } from "../errors.ts";
import { FileDevice } from "../file.ts";
import { openImage, resolveBackingPath } from "../open.ts";
import { MAX_L1_BYTES, serializeHeader, writeU64 } from "../qcow2/format.ts";
import { Qcow2Image } from "../qcow2/image.ts";

/** Preallocation modes of qemu-img create. */
export type Preallocation = "off" | "metadata" | "falloc" | "full";

/** Options for {@link createImage}, named after qemu-img's `-o` options. */
export interface CreateOptions {
  /** "raw" or "qcow2" (default "raw", as qemu-img). */
  format?: string;
  /** Virtual size in bytes; for qcow2 with a backing file, defaults to the backing size. */
  size?: number;
  /** Backing file name as it will be stored (relative to the new image's directory). */
  backingFile?: string;
  /** Format of the backing file; required with `backingFile`, as in qemu-img 7.2. */
  backingFormat?: string;
  /** Cluster size in bytes (qcow2; default 65536). */
  clusterSize?: number;
  /** Preallocation mode (default off). */
  preallocation?: Preallocation;
  /** "0.10" or "1.1" (also "v2"/"v3"); default "1.1". */
  compat?: string;
  /** Set the lazy-refcounts compatible bit (compat 1.1 only). */
  lazyRefcounts?: boolean;
  /** Refcount width in bits: 1, 2, 4, 8, 16, 32 or 64 (default 16). */
  refcountBits?: number;
}

/** Result of {@link createImage}. */
export interface CreateResult {
  /** qemu-img's "Formatting '…', fmt=…" line (without newline). */
  formatting: string;
  /** The virtual size the image got. */
  size: number;
}

function compatVersion(c: string | undefined, path: string): number {
  if (c === undefined || c === "1.1" || c === "v3") return 3;
  if (c === "0.10" || c === "v2") return 2;
  throw new DiskError("usage", `${path}: Parameter 'version' does not accept value '${c}'`);
}

/**
 * The "Formatting '…'" line qemu-img prints before creating (before any validation error).
 * `size` is the resolved virtual size.
 */
export function formattingLine(path: string, opts: CreateOptions, size: number): string {
  const fmt = opts.format ?? "raw";
  const parts = [`Formatting '${path}', fmt=${fmt}`];
  if (fmt === "qcow2") {
    parts.push(`cluster_size=${opts.clusterSize ?? 65536}`, "extended_l2=off");
    if (opts.preallocation && opts.preallocation !== "off") {
      parts.push(`preallocation=${opts.preallocation}`);
    }
    parts.push("compression_type=zlib", `size=${BigInt(size)}`);
    if (opts.compat !== undefined) parts.push(`compat=${opts.compat}`);
    if (opts.backingFile !== undefined) parts.push(`backing_file=${opts.backingFile}`);
    if (opts.backingFormat !== undefined) parts.push(`backing_fmt=${opts.backingFormat}`);
    parts.push(`lazy_refcounts=${opts.lazyRefcounts ? "on" : "off"}`);
    parts.push(`refcount_bits=${opts.refcountBits ?? 16}`);
  } else {
    parts.push(`size=${BigInt(size)}`);
    if (opts.preallocation && opts.preallocation !== "off") {
      parts.push(`preallocation=${opts.preallocation}`);
    }
  }
  return parts.join(" ");
}

async function backingSize(path: string, opts: CreateOptions): Promise<number> {
  const bpath = resolveBackingPath(path, opts.backingFile!);
  const dev = await openImage(bpath, { format: opts.backingFormat, readOnly: true });
  try {
    return dev.size;
  } finally {
    await dev.close();
  }
}

async function zeroFill(file: FileDevice, off: number, len: number): Promise<void> {
  const chunk = new Uint8Array(Math.min(len, 4 << 20));
  for (let done = 0; done < len; done += chunk.length) {
    await file.write(off + done, chunk.subarray(0, Math.min(chunk.length, len - done)));
  }
}

/**
 * `qemu-img create`: writes a new image at `path` (replacing any file there). With
 * `how.noFlush` nothing is fdatasync'ed: for a scratch file whose durability is settled later
 * (convert builds its target beside the destination and renames it into place).
 *
 * @example
 * ```ts
 * import { createImage } from "./create.ts";
 * const dir = await Deno.makeTempDir();
 * const r = await createImage(`${dir}/new.qcow2`, { format: "qcow2", size: 1 << 30 });
 * console.log(r.formatting); // Formatting '…/new.qcow2', fmt=qcow2 cluster_size=65536 …
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function createImage(
  path: string,
  opts: CreateOptions,
  how: { noFlush?: boolean } = {},
): Promise<CreateResult> {
  const fmt = opts.format ?? "raw";
  let size = opts.size;
  if (size === undefined && fmt === "qcow2" && opts.backingFile !== undefined) {
    if (opts.backingFormat === undefined) {
      throw new DiskError("usage", `${path}: Backing file specified without backing format`);
    }
    size = await backingSize(path, opts);
  }
  if (size === undefined) throw new DiskError("usage", "Image creation needs a size parameter");
  if (size < 0 || !Number.isInteger(size) || size > 2 ** 63 - 1) {
    throw new DiskError(
      "usage",
      "Invalid image size specified. Must be between 0 and 9223372036854775807.",
    );
  }
  const formatting = formattingLine(path, opts, size);
  try {
    await build(path, fmt, opts, size, how.noFlush ?? false);
  } catch (e) {
    if (!(e instanceof DiskError)) throw e;
    throw new CreateFailed(e, formatting);
  }
  return { formatting, size };
}

/**
 * A creation error raised after qemu-img would already have printed its "Formatting …"
 * line: print {@link CreateFailed.formatting} first, then the message.
 */
export class CreateFailed extends DiskError {
  /** The "Formatting '…'" line qemu-img prints before this error. */
  readonly formatting: string;
  /** Wraps the underlying error. */
  constructor(cause: DiskError, formatting: string) {
    super(cause.kind, cause.message);
    this.name = "CreateFailed";
    this.formatting = formatting;
  }
}

async function build(
  path: string,
  fmt: string,
  opts: CreateOptions,
  size: number,
  noFlush: boolean,
) {
  const prealloc = opts.preallocation ?? "off";
  if (!["off", "metadata", "falloc", "full"].includes(prealloc)) {
    throw new DiskError(
      "usage",
      `${path}: Parameter 'preallocation' does not accept value '${prealloc}'`,
    );
  }
  if (fmt === "raw") {
    if (prealloc === "metadata") {
      throw new DiskError("usage", `${path}: Unsupported preallocation mode: metadata`);
    }
    const f = FileDevice.open(path, { create: true, noFlush });
    try {
      f.truncateSync(size);
      if (prealloc !== "off") await zeroFill(f, 0, size);
      else if (size > 0) await f.write(0, new Uint8Array(Math.min(size, 4096)));
      f.flushSync();
    } finally {
      f.closeSync();
    }
    return;
  }
  if (fmt !== "qcow2") {
    throw new DiskError("unsupported", `Creating '${fmt}' images is not supported`);
  }
  await createQcow2(path, opts, size, prealloc, noFlush);
}

async function createQcow2(
  path: string,
  opts: CreateOptions,
  size: number,
  prealloc: Preallocation,
  noFlush: boolean,
): Promise<void> {
  const cs = opts.clusterSize ?? 65536;
  const bits = Math.log2(cs);
  if (!Number.isInteger(bits) || bits < 9 || bits > 21) {
    throw new DiskError(
      "usage",
      `${path}: Cluster size must be a power of two between 512 and 2048k`,
    );
  }
  const version = compatVersion(opts.compat, path);
  const rbits = opts.refcountBits ?? 16;
  const order = Math.log2(rbits);
  if (!Number.isInteger(order) || order < 0 || order > 6) {
    throw new DiskError(
      "usage",
      `${path}: Refcount width must be a power of two and may not exceed 64 bits`,
    );
  }
  if (version < 3 && opts.lazyRefcounts) {
    throw new DiskError(
      "usage",
      `${path}: Lazy refcounts only supported with compatibility level 1.1 and above (use version=v3 or greater)`,
    );
  }
  if (version < 3 && rbits !== 16) {
    throw new DiskError(
      "usage",
      `${path}: Different refcount widths than 16 bits require compatibility level 1.1 or above (use version=v3 or greater)`,
    );
  }
  if (opts.backingFile !== undefined && opts.backingFormat === undefined) {
    throw new DiskError("usage", `${path}: Backing file specified without backing format`);
  }
  if (opts.backingFile !== undefined && prealloc !== "off") {
    throw new DiskError(
      "usage",
      `${path}: Backing file and preallocation can only be used at the same time if extended_l2 is on`,
    );
  }
  size = Math.ceil(size / 512) * 512;
  if (Math.ceil(size / (cs * cs / 8)) * 8 > MAX_L1_BYTES) {
    throw new DiskError(
      "usage",
      `${path}: The image size is too large for file format 'qcow2' (try using a larger cluster size)`,
    );
  }
  const header = serializeHeader({
    version,
    backingFileOffset: 0,
    backingFileSize: 0,
    clusterBits: bits,
    size: 0,
    cryptMethod: 0,
    l1Size: 0,
    l1TableOffset: 0,
    refcountTableOffset: cs,
    refcountTableClusters: 1,
    nbSnapshots: 0,
    snapshotsOffset: 0,
    incompatible: 0,
    compatible: opts.lazyRefcounts ? 1 : 0,
    autoclear: 0,
    refcountOrder: order,
    headerLength: version === 3 ? 112 : 72,
    compressionType: 0,
    backingFile: opts.backingFile,
    backingFormat: opts.backingFile !== undefined ? opts.backingFormat : undefined,
    hasFeatureTable: version === 3,
    otherExtensions: [],
  });
  const file = FileDevice.open(path, { create: true, noFlush });
  try {
    // The header last: a file cut short before it is no qcow2 image rather than a broken one.
    const rt = new Uint8Array(cs);
    writeU64(new DataView(rt.buffer), 0, 2 * cs);
    file.writeSync(cs, rt);
    // Refcount block: clusters 0 (header), 1 (table) and 2 (the block itself) are in use.
    const rb = new Uint8Array(cs);
    for (let c = 0; c < 3; c++) {
      const bit = c * rbits;
      if (rbits < 8) rb[bit >> 3] |= 1 << (bit & 7);
      else rb[(bit >> 3) + rbits / 8 - 1] = 1;
    }
    file.writeSync(2 * cs, rb);
    file.flushSync();
    const first = new Uint8Array(cs);
    first.set(header);
    file.writeSync(0, first);
    file.flushSync();
  } catch (e) {
    file.closeSync();
    throw e;
  }
  file.closeSync();
  const img = await Qcow2Image.open(FileDevice.open(path, { noFlush }), {});
  try {
    await img.resize(size);
    if (prealloc !== "off") {
      const ranges = await img.preallocate();
      if (prealloc !== "metadata") {
        for (const [off, len] of ranges) await zeroFill(img.file, off, len);
      }
    }
  } finally {
    await img.close();
  }
}
