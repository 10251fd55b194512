// Commands that write new images or change an image's size: create, convert, resize.

import type { CreateOptions } from "../../disk/mod.ts";
import { defineCommand, opt, Result, VshError } from "../../shell/mod.ts";
import type { ShellContext } from "../../shell/mod.ts";
import {
  backingFormatProblem,
  checkOpens,
  cvtnum,
  disk,
  diskFailure,
  diskLib,
  guardOverwrite,
  type ImageFile,
  inputFormat,
  optionNumber,
  optionSize,
  outputFormat,
  poolOpt,
  PREALLOCATION,
  progressBar,
  readVolumes,
  refreshPool,
  resolveImage,
  resolveTarget,
} from "./common.ts";

const named = (help: string) => opt.string(help, { namedOnly: true });

/** The qcow2 creation options shared by image-create and image-convert. */
interface QcowOptionValues {
  "cluster-size"?: string;
  compat?: string;
  "lazy-refcounts"?: boolean;
  "refcount-bits"?: string;
}

function creationOptions(o: QcowOptionValues): Omit<CreateOptions, "format" | "size"> {
  const c: Omit<CreateOptions, "format" | "size"> = {};
  if (o["cluster-size"] !== undefined) {
    c.clusterSize = optionSize("cluster_size", o["cluster-size"]);
  }
  if (o.compat !== undefined) c.compat = o.compat;
  if (o["lazy-refcounts"]) c.lazyRefcounts = true;
  if (o["refcount-bits"] !== undefined) {
    c.refcountBits = optionNumber("refcount_bits", o["refcount-bits"]);
  }
  return c;
}

// The size of the backing image, or qemu-img's two-line failure to open it.
async function backingSize(
  target: ImageFile,
  backing: string,
  format: string,
): Promise<number> {
  const lib = await diskLib();
  const path = lib.resolveBackingPath(target.path, backing);
  const shown = lib.resolveBackingPath(target.shown, backing);
  try {
    const dev = await lib.openImage(path, { format, readOnly: true });
    const size = dev.size;
    await dev.close();
    return size;
  } catch (e) {
    // qemu-img create names the backing file once: "Could not open 'B': why".
    const msg = (diskFailure(e, [{ path, shown }]) as Error).message
      .replace(
        `Could not open '${shown}': Could not open '${shown}': `,
        `Could not open '${shown}': `,
      );
    throw new VshError(`${target.shown}: ${msg}`, { more: ["Could not open backing image."] });
  }
}

/** `image-create`: qemu-img create. */
export const imageCreateCmd = defineCommand({
  name: "image-create",
  group: "image",
  summary: "create a disk image",
  description: "Creates a raw or qcow2 image, optionally over a backing file, as qemu-img " +
    "create does. An existing file is replaced only with --force.",
  noConnect: true,
  json: "{filename, format, virtual-size}",
  options: {
    file: opt.data("image file, or volume name with --pool", { required: true, complete: "file" }),
    size: opt.string("virtual size (k, M, G, T, P or E suffixes); default: the backing file's"),
    format: named("raw (default) or qcow2"),
    backing: named("backing file, relative to the new image's directory"),
    "backing-format": named("format of the backing file"),
    "cluster-size": named("qcow2 cluster size (default 64k)"),
    preallocation: named("off (default), metadata, falloc or full"),
    compat: named("qcow2 compatibility level: 1.1 (default) or 0.10"),
    "lazy-refcounts": opt.bool("delay qcow2 refcount updates"),
    "refcount-bits": named("qcow2 refcount width (default 16)"),
    force: opt.bool("replace an existing file"),
    pool: poolOpt("pool to create the volume in"),
  },
  async handler(ctx, opts) {
    const lib = await diskLib();
    const target = await resolveTarget(ctx, opts.file!, opts.pool, "image-create");
    const format = outputFormat(opts.format, `${target.shown}: `);
    const backingFormat = opts["backing-format"];
    guardOverwrite(target, opts.force);
    let size = opts.size === undefined ? undefined : cvtnum("image size", opts.size);
    const create: CreateOptions = {
      format,
      ...(format === "qcow2" ? creationOptions(opts) : {}),
    };
    if (opts.preallocation !== undefined) {
      create.preallocation = opts.preallocation as CreateOptions["preallocation"];
    }
    if (opts.backing !== undefined) {
      if (format !== "qcow2") {
        throw new VshError(
          `${target.shown}: Backing files are not supported by format '${format}'`,
        );
      }
      create.backingFile = opts.backing;
      if (backingFormat === undefined) {
        const more: string[] = [];
        const probed = await lib.probeFile(lib.resolveBackingPath(target.path, opts.backing)).catch(
          () => undefined,
        );
        if (probed) more.push(`Detected format of ${probed}.`);
        throw new VshError(`${target.shown}: Backing file specified without backing format`, {
          more,
        });
      }
      const why = backingFormatProblem(backingFormat);
      if (why) {
        throw new VshError(`${target.shown}: ${why}`, { more: ["Could not open backing image."] });
      }
      create.backingFormat = backingFormat;
      const bsize = await backingSize(target, opts.backing, backingFormat);
      size ??= bsize;
    }
    if (size === undefined) {
      throw new VshError(`${target.shown}: Image creation needs a size parameter`);
    }
    create.size = size;
    const r = new Result().print(lib.formattingLine(target.shown, create, size) + "\n");
    try {
      if (opts.preallocation !== undefined && !PREALLOCATION.includes(opts.preallocation)) {
        throw new VshError(
          `${target.shown}: Parameter 'preallocation' does not accept value '${opts.preallocation}'`,
        );
      }
      await disk([target], () => lib.createImage(target.path, create));
    } catch (e) {
      return r.error((diskFailure(e, [target]) as Error).message).fail();
    }
    await refreshPool(ctx, target.newInPool);
    r.data = { filename: target.shown, format, "virtual-size": size };
    return r;
  },
});

/** `image-convert`: qemu-img convert. */
export const imageConvertCmd = defineCommand({
  name: "image-convert",
  group: "image",
  summary: "convert a disk image to another format",
  description: "Copies an image (its backing chain flattened) into a new raw or qcow2 image, " +
    "as qemu-img convert does. The target is written beside its final name and renamed when " +
    "complete; an existing target is replaced only with --force.",
  noConnect: true,
  json: "{source, target, format, virtual-size, bytes-written}",
  options: {
    source: opt.data("source image, volume name, path or key", {
      required: true,
      complete: "file",
    }),
    target: opt.data("target image, or volume name with --target-pool", {
      required: true,
      complete: "file",
    }),
    format: named("target format: raw (default) or qcow2"),
    "source-format": named("source format (probed when omitted)"),
    compress: opt.bool("compress the data clusters (qcow2 only)"),
    "sparse-size": named("zero runs of at least this size stay unallocated (default 4k, 0 = off)"),
    progress: opt.bool("show progress on a terminal"),
    force: opt.bool("replace an existing target"),
    "cluster-size": named("qcow2 cluster size of the target (default 64k)"),
    compat: named("qcow2 compatibility level of the target: 1.1 (default) or 0.10"),
    "lazy-refcounts": opt.bool("delay qcow2 refcount updates in the target"),
    "refcount-bits": named("qcow2 refcount width of the target (default 16)"),
    pool: poolOpt("pool of the source volume"),
    "target-pool": poolOpt("pool to write the target volume in"),
  },
  async handler(ctx, opts) {
    const lib = await import("../../disk/ops/convert.ts");
    const format = outputFormat(opts.format);
    let sparseSize: number | undefined;
    if (opts["sparse-size"] !== undefined) {
      sparseSize = cvtnum("buffer size for sparse output", opts["sparse-size"]);
      if (sparseSize % 512 !== 0 || sparseSize > 16 << 20) {
        throw new VshError(
          "Invalid buffer size for sparse output specified. Valid sizes are multiples of 512 " +
            "up to 16777216. Select 0 to disable sparse detection (fully allocates output).",
        );
      }
    }
    if (opts.compress && format !== "qcow2") {
      throw new VshError("Compression not supported for this file format");
    }
    const create = format === "qcow2" ? creationOptions(opts) : {};
    const source = await resolveImage(ctx, opts.source!, opts.pool);
    const sourceFormat = inputFormat(opts["source-format"], source);
    const done = await readVolumes(ctx, [source], async () => {
      await checkOpens(source, sourceFormat);
      const target = await resolveTarget(ctx, opts.target!, opts["target-pool"], "image-convert");
      guardOverwrite(target, opts.force);
      const bar = progressBar(opts.progress);
      try {
        const r = await disk([source, target], () =>
          lib.convertImage(source.path, target.path, {
            sourceFormat,
            outputFormat: format,
            compress: opts.compress,
            sparseSize,
            create,
            progress: bar.update,
          }));
        return { ...r, target };
      } finally {
        bar.end();
      }
    });
    const target = done.target;
    await refreshPool(ctx, target.newInPool);
    const r = new Result();
    r.data = {
      source: source.shown,
      target: target.shown,
      format,
      "virtual-size": done.size,
      "bytes-written": done.bytesWritten,
    };
    return r;
  },
});

// "+SIZE" and "-SIZE" are relative to the current size, as in qemu-img resize.
function parseResize(text: string): number | { delta: number } {
  if (text.startsWith("+")) return { delta: optionSize("size", text.slice(1)) };
  if (text.startsWith("-")) return { delta: -optionSize("size", text.slice(1)) };
  return optionSize("size", text);
}

/** `image-resize`: qemu-img resize. */
export const imageResizeCmd = defineCommand({
  name: "image-resize",
  group: "image",
  summary: "change the virtual size of a disk image",
  description: "Grows or shrinks the virtual size of an image to SIZE, or by +SIZE or -SIZE, " +
    "as qemu-img resize does. Shrinking needs --shrink.",
  noConnect: true,
  json: "{filename, old-size, new-size}",
  options: {
    file: opt.data("image file, volume name, path or key", { required: true, complete: "file" }),
    size: opt.data("new size, or +SIZE / -SIZE relative to the current one", { required: true }),
    format: named("image format (probed when omitted)"),
    shrink: opt.bool("allow making the image smaller"),
    pool: poolOpt(),
  },
  async handler(ctx: ShellContext, opts) {
    const lib = await diskLib();
    const size = parseResize(opts.size!);
    const f = await resolveImage(ctx, opts.file!, opts.pool, "image-resize");
    const format = inputFormat(opts.format, f);
    await checkOpens(f, format, false);
    const res = await disk(
      [f],
      () => lib.resizeImage(f.path, size, { format, shrink: opts.shrink }),
    );
    const r = new Result().print(res.text);
    r.data = { filename: f.shown, "old-size": res.oldSize, "new-size": res.newSize };
    return r;
  },
});
