// Commands that read images: info, map, check, compare, measure. Their text is qemu-img 7.2's
// and their --json data has the keys and values of its --output=json.

import type { ImageInfo } from "../../disk/mod.ts";
import { defineCommand, opt, Result, VshError } from "../../shell/mod.ts";
import {
  checkOpens,
  cvtnum,
  disk,
  diskLib,
  type ImageFile,
  inputFormat,
  openFailure,
  optionNumber,
  optionSize,
  outputFormat,
  poolOpt,
  preallocation,
  readVolumes,
  resolveImage,
  showPath,
} from "./common.ts";

const fileOpt = (help = "image file, volume name, path or key") =>
  opt.data(help, { required: true, complete: "file" });
const formatOpt = (help = "image format (probed when omitted)") =>
  opt.string(help, { namedOnly: true });

function canonical(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    return path;
  }
}

/**
 * The image and (with `chain`) its backing files, named as qemu-img names them. The backing
 * files of a remote image are remote too: they join `files` (see readVolumes).
 */
async function describeChain(
  top: ImageFile,
  format: string | undefined,
  chain: boolean,
  files: ImageFile[],
): Promise<ImageInfo[]> {
  // Only what info needs loads (not the whole library): a one-shot image-info starts sooner.
  const [{ describeImage }, { resolveBackingPath }] = await Promise.all([
    import("../../disk/ops/info.ts"),
    import("../../disk/open.ts"),
  ]);
  const images: ImageInfo[] = [];
  const seen = new Set<string>();
  let cur: ImageFile = top;
  let fmt = format;
  for (;;) {
    const key = canonical(cur.path);
    if (seen.has(key)) {
      throw new VshError(`Backing file '${cur.shown}' creates a loop in the backing chain`);
    }
    seen.add(key);
    let info: ImageInfo;
    try {
      info = await describeImage(cur.path, fmt);
    } catch (e) {
      throw openFailure(e, cur);
    }
    info.filename = cur.shown;
    images.push(info);
    if (info.backingFilename === undefined) break;
    info.fullBackingFilename = resolveBackingPath(cur.shown, info.backingFilename);
    if (!chain) break;
    const next: ImageFile = {
      path: resolveBackingPath(cur.path, info.backingFilename),
      shown: info.fullBackingFilename,
    };
    if (cur.remote) {
      next.remote = {};
      files.push(next);
    }
    cur = next;
    fmt = info.backingFormat;
  }
  return images;
}

/** `image-info`: qemu-img info. */
export const imageInfoCmd = defineCommand({
  name: "image-info",
  group: "image",
  summary: "show information about a disk image",
  description: "Shows the format, sizes, backing file, snapshots and format-specific details of " +
    "a disk image, as qemu-img info does.",
  noConnect: true,
  json: "qemu-img info --output=json: one object, or an array with --backing-chain",
  options: {
    file: fileOpt(),
    format: formatOpt(),
    "backing-chain": opt.bool("also describe every image of the backing chain"),
    pool: poolOpt(),
  },
  async handler(ctx, opts) {
    const lib = await import("../../disk/ops/info.ts");
    const f = await resolveImage(ctx, opts.file!, opts.pool);
    const format = inputFormat(opts.format, f);
    const files = [f];
    const images = await readVolumes(
      ctx,
      files,
      () => describeChain(f, format, opts["backing-chain"], files),
    );
    const r = new Result().print(images.map(lib.infoText).join("\n"));
    const objs = images.map(lib.infoJson);
    r.data = opts["backing-chain"] ? objs : objs[0];
    return r;
  },
});

/** `image-map`: qemu-img map. */
export const imageMapCmd = defineCommand({
  name: "image-map",
  group: "image",
  summary: "show where the data of a disk image lives",
  description: "Lists the allocated ranges of an image and where they are stored, following " +
    "its backing chain, as qemu-img map does.",
  noConnect: true,
  json: "qemu-img map --output=json: an array of {start, length, depth, present, zero, data, " +
    "offset}",
  options: {
    file: fileOpt(),
    format: formatOpt(),
    "start-offset": opt.string("first guest offset to map", { namedOnly: true }),
    "max-length": opt.string("map at most this many bytes", { namedOnly: true }),
    pool: poolOpt(),
  },
  async handler(ctx, opts) {
    const lib = await diskLib();
    const start = opts["start-offset"] === undefined
      ? undefined
      : cvtnum("start offset", opts["start-offset"]);
    const max = opts["max-length"] === undefined
      ? undefined
      : cvtnum("max length", opts["max-length"]);
    const f = await resolveImage(ctx, opts.file!, opts.pool);
    const format = inputFormat(opts.format, f);
    const m = await readVolumes(ctx, [f], async () => {
      await checkOpens(f, format);
      return await disk(
        [f],
        () => lib.imageMap(f.path, { format, startOffset: start, maxLength: max }),
      );
    });
    for (const e of m.entries) if (e.filename !== undefined) e.filename = showPath(f, e.filename);
    const shown = lib.renderMap(m.entries);
    const r = new Result();
    r.data = shown.json;
    if (ctx.json) return r;
    r.print(shown.text);
    if (shown.textError) r.error(shown.textError).fail();
    return r;
  },
});

/** `image-check`: qemu-img check. */
export const imageCheckCmd = defineCommand({
  name: "image-check",
  group: "image",
  summary: "check a disk image for consistency",
  description: "Checks the metadata of a qcow2 image and optionally repairs it, as qemu-img " +
    "check does. Fails when errors or leaks are found; --json gives qemu-img's exit code as " +
    '"exit-code" (0 clean, 2 corruptions, 3 leaked clusters only).',
  noConnect: true,
  json: 'qemu-img check --output=json, plus "exit-code": qemu-img\'s exit status',
  options: {
    file: fileOpt(),
    format: formatOpt(),
    repair: opt.string("repair leaked clusters (leaks) or all errors (all)", {
      namedOnly: true,
    }),
    pool: poolOpt(),
  },
  async handler(ctx, opts) {
    const lib = await import("../../disk/ops/check.ts");
    const repair = opts.repair;
    if (repair !== undefined && repair !== "leaks" && repair !== "all") {
      throw new VshError("Invalid option for --repair: expecting 'leaks' or 'all'");
    }
    const f = await resolveImage(
      ctx,
      opts.file!,
      opts.pool,
      repair === undefined ? undefined : "image-check --repair",
    );
    const format = inputFormat(opts.format, f);
    const c = await readVolumes(ctx, [f], async () => {
      await checkOpens(f, format);
      return await disk([f], () => lib.imageCheck(f.path, { format, repair }));
    });
    const r = new Result();
    for (const line of c.stderr.split("\n")) if (line) r.error(line);
    r.print(c.text);
    r.data = { ...c.json, filename: f.shown, "exit-code": c.exitCode };
    if (c.exitCode !== 0) r.fail();
    return r;
  },
});

/** `image-compare`: qemu-img compare. */
export const imageCompareCmd = defineCommand({
  name: "image-compare",
  group: "image",
  summary: "compare the contents of two disk images",
  description: "Compares what a guest would read from two images, as qemu-img compare does. " +
    'Fails when they differ; --json gives qemu-img\'s exit code as "exit-code" (0 identical, ' +
    "1 different).",
  noConnect: true,
  json: "{identical, mismatch-offset, exit-code}",
  options: {
    file1: fileOpt("first image"),
    file2: fileOpt("second image"),
    format: formatOpt("format of the first image (probed when omitted)"),
    format2: formatOpt("format of the second image (probed when omitted)"),
    strict: opt.bool("also fail on different sizes or allocation"),
    pool: poolOpt("pool of the first image when it is a volume"),
    pool2: poolOpt("pool of the second image when it is a volume"),
  },
  async handler(ctx, opts) {
    const lib = await diskLib();
    const f1 = await resolveImage(ctx, opts.file1!, opts.pool);
    const f2 = await resolveImage(ctx, opts.file2!, opts.pool2);
    const format1 = inputFormat(opts.format, f1);
    const format2 = inputFormat(opts.format2, f2);
    const c = await readVolumes(ctx, [f1, f2], async () => {
      await checkOpens(f1, format1);
      await checkOpens(f2, format2);
      return await disk(
        [f1, f2],
        () => lib.imageCompare(f1.path, f2.path, { format1, format2, strict: opts.strict }),
      );
    });
    const r = new Result().print(c.text);
    const data: Record<string, unknown> = { identical: c.identical };
    if (c.mismatchOffset !== undefined) data["mismatch-offset"] = c.mismatchOffset;
    data["exit-code"] = c.exitCode;
    r.data = data;
    if (c.exitCode !== 0) r.fail();
    return r;
  },
});

/** `image-measure`: qemu-img measure. */
export const imageMeasureCmd = defineCommand({
  name: "image-measure",
  group: "image",
  summary: "compute the size a new disk image needs",
  description: "Computes how much space an image of a given size, or a conversion of an " +
    "existing image, needs in the output format, as qemu-img measure does.",
  noConnect: true,
  json: "qemu-img measure --output=json: {required, fully-allocated[, bitmaps]}",
  options: {
    file: opt.string("image to be converted (instead of --size)", { complete: "file" }),
    size: opt.string("virtual size of a new image (instead of a file)", { namedOnly: true }),
    format: formatOpt("output format: raw (default) or qcow2"),
    "source-format": formatOpt("format of the source image (probed when omitted)"),
    "cluster-size": opt.string("qcow2 cluster size", { namedOnly: true }),
    "refcount-bits": opt.string("qcow2 refcount width", { namedOnly: true }),
    preallocation: opt.string("off, metadata, falloc or full", { namedOnly: true }),
    pool: poolOpt(),
  },
  async handler(ctx, opts) {
    const lib = await diskLib();
    const format = outputFormat(opts.format);
    if (opts.file === undefined && opts.size === undefined) {
      throw new VshError("Either --size N or one filename must be specified.");
    }
    if (opts.file !== undefined && opts.size !== undefined) {
      throw new VshError("--size N cannot be used together with a filename.");
    }
    const size = opts.size === undefined ? undefined : cvtnum("image size", opts.size);
    const clusterSize = opts["cluster-size"] === undefined
      ? undefined
      : optionSize("cluster_size", opts["cluster-size"]);
    if (clusterSize !== undefined) {
      const bits = Math.log2(clusterSize);
      if (!Number.isInteger(bits) || bits < 9 || bits > 21) {
        throw new VshError("Cluster size must be a power of two between 512 and 2048k");
      }
    }
    const refcountBits = opts["refcount-bits"] === undefined
      ? undefined
      : optionNumber("refcount_bits", opts["refcount-bits"]);
    if (refcountBits !== undefined && (refcountBits > 64 || refcountBits & (refcountBits - 1))) {
      throw new VshError("Refcount width must be a power of two and may not exceed 64 bits");
    }
    const prealloc = preallocation(opts.preallocation);
    const files: ImageFile[] = [];
    let sourceFormat: string | undefined;
    if (opts.file !== undefined) {
      const f = await resolveImage(ctx, opts.file, opts.pool);
      sourceFormat = inputFormat(opts["source-format"], f);
      files.push(f);
    }
    const m = await readVolumes(ctx, files, async () => {
      if (files[0]) await checkOpens(files[0], sourceFormat);
      return await disk(files, () =>
        lib.imageMeasure({
          source: files[0]?.path,
          sourceFormat,
          size,
          outputFormat: format,
          clusterSize,
          refcountBits,
          preallocation: prealloc,
        }));
    });
    const r = new Result().print(m.text);
    r.data = m.json;
    return r;
  },
});
