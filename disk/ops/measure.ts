// `qemu-img measure`: how big a new image would be, with qemu's arithmetic.

import { DiskError } from "../errors.ts";
import { openImage } from "../open.ts";
import { Qcow2Image } from "../qcow2/image.ts";
import { qdictOrder, type QDictValue, qjson } from "../qobject.ts";
import type { Preallocation } from "./create.ts";
import { statusAbove } from "./map.ts";

/** Options for {@link imageMeasure}: measure a source image, or a bare `size`. */
export interface MeasureOptions {
  /** Path of the image to be converted (exclusive with `size`). */
  source?: string;
  /** Format of `source`; probed when omitted. */
  sourceFormat?: string;
  /** Virtual size, when measuring a new empty image. */
  size?: number;
  /** Output format (`-O`), default "raw". */
  outputFormat?: string;
  /** Cluster size in bytes. */
  clusterSize?: number;
  /** Refcount width in bits. */
  refcountBits?: number;
  /** Preallocation mode (default off). */
  preallocation?: Preallocation;
}

/** Result of {@link imageMeasure}. */
export interface MeasureResult {
  /** Bytes a converted image needs. */
  required: number;
  /** Bytes the image would take fully allocated. */
  fullyAllocated: number;
  /** Only when both source and target could hold persistent bitmaps. */
  bitmaps?: number;
  /** Byte-identical to qemu-img's human output. */
  text: string;
  /** `--output=json` value. */
  json: QDictValue;
  /** Byte-identical to qemu-img's JSON output (without the final newline). */
  jsonText: string;
}

/** qemu's fixed point for refcount table + blocks covering `clusters` clusters (bytes). */
export function refcountMetadataSize(clusters: number, clusterSize: number, refcountOrder: number) {
  const perTable = clusterSize / 8;
  const perBlock = clusterSize * 8 / 2 ** refcountOrder;
  let table = 0, blocks = 0, n = 0, last: number;
  do {
    last = n;
    blocks = Math.ceil((clusters + table + blocks) / perBlock);
    table = Math.ceil(blocks / perTable);
    n = clusters + blocks + table;
  } while (n !== last);
  return (blocks + table) * clusterSize;
}

/** Size of a fully preallocated qcow2 image of `size` bytes (metadata plus data). */
export function qcow2PreallocSize(
  size: number,
  clusterSize: number,
  refcountOrder: number,
): number {
  const aligned = Math.ceil(size / clusterSize) * clusterSize;
  let meta = clusterSize;
  let nl2e = aligned / clusterSize;
  nl2e = Math.ceil(nl2e / (clusterSize / 8)) * (clusterSize / 8);
  meta += nl2e * 8;
  let nl1e = nl2e * 8 / clusterSize;
  nl1e = Math.ceil(nl1e / (clusterSize / 8)) * (clusterSize / 8);
  meta += nl1e * 8;
  meta += refcountMetadataSize((meta + aligned) / clusterSize, clusterSize, refcountOrder);
  return meta + aligned;
}

/**
 * `qemu-img measure [--output=json] (--size SIZE | [-f FMT] SRC) -O FMT [-o OPTS]`.
 *
 * @example
 * ```ts
 * import { imageMeasure } from "./measure.ts";
 * const r = await imageMeasure({ size: 1 << 30, outputFormat: "qcow2" });
 * console.log(r.text); // required size: 393216 …
 * ```
 */
export async function imageMeasure(opts: MeasureOptions): Promise<MeasureResult> {
  const fmt = opts.outputFormat ?? "raw";
  if (fmt !== "raw" && fmt !== "qcow2") {
    throw new DiskError("unsupported", `Measuring '${fmt}' images is not supported`);
  }
  if ((opts.source === undefined) === (opts.size === undefined)) {
    throw new DiskError("usage", "Either --size N or one filename must be specified.");
  }
  const cs = opts.clusterSize ?? 65536;
  const order = Math.log2(opts.refcountBits ?? 16);
  let virtualSize = fmt === "qcow2"
    ? Math.ceil((opts.size ?? 0) / cs) * cs
    : Math.ceil((opts.size ?? 0) / 512) * 512;
  let data = 0;
  let bitmaps: number | undefined;
  if (opts.source !== undefined) {
    const src = await openImage(opts.source, { format: opts.sourceFormat, readOnly: true });
    try {
      const ssize = src.size;
      virtualSize = fmt === "qcow2" ? Math.ceil(ssize / cs) * cs : Math.ceil(ssize / 512) * 512;
      if (fmt === "qcow2") {
        for (let off = 0; off < ssize;) {
          const st = await statusAbove(src, off, ssize - off);
          let pnum = st.length;
          if (!st.zero && st.data && st.present) {
            pnum = Math.ceil((off + pnum) / cs) * cs - off;
            data += (off % cs) + pnum;
          }
          off += pnum;
        }
        if (src instanceof Qcow2Image && src.header.version >= 3) bitmaps = 0;
      }
    } finally {
      await src.close();
    }
  }
  let required: number, fully: number;
  if (fmt === "raw") {
    required = fully = virtualSize;
  } else {
    if (opts.preallocation === "full" || opts.preallocation === "falloc") data = virtualSize;
    fully = qcow2PreallocSize(virtualSize, cs, order);
    required = fully - virtualSize + data;
  }
  let text = `required size: ${required}\nfully allocated size: ${fully}\n`;
  if (bitmaps !== undefined) text += `bitmaps size: ${bitmaps}\n`;
  const o: QDictValue = { required, "fully-allocated": fully };
  if (bitmaps !== undefined) o.bitmaps = bitmaps;
  const json = qdictOrder(o);
  return { required, fullyAllocated: fully, bitmaps, text, json, jsonText: qjson(json) };
}
