// `qemu-img map`: where each guest range of an image (and its backing chain) lives.

import type { BlockDevice } from "../block.ts";
import { DiskError } from "../errors.ts";
import { openImage } from "../open.ts";

/** One run of `qemu-img map` output. */
export interface MapEntry {
  /** Guest offset of the run. */
  start: number;
  /** Length in bytes. */
  length: number;
  /** How many backing levels down the run was resolved (0 = the image itself). */
  depth: number;
  /** Some layer at `depth` defines the run. */
  present: boolean;
  /** The run reads as zeros. */
  zero: boolean;
  /** The run's bytes are stored in a file. */
  data: boolean;
  /** Host offset in `filename`, when the bytes are stored uncompressed. */
  offset?: number;
  /** Path as given. */
  filename?: string;
}

/** Result of {@link imageMap}. */
export interface MapResult {
  /** The merged runs. */
  entries: MapEntry[];
  /** `qemu-img map` human output (stdout); cut short where `textError` stops it. */
  text: string;
  /** The error qemu-img prints after the header and exits 1 for (compressed clusters). */
  textError?: string;
  /** `--output=json` value. */
  json: Array<Record<string, number | boolean>>;
  /** Byte-identical to `qemu-img map --output=json` (including the final newline). */
  jsonText: string;
}

/** Options for {@link imageMap}. */
export interface MapOptions {
  /** Format name as qemu-img prints it. */
  format?: string;
  /** Guest offset to start at (default 0). */
  startOffset?: number;
  /** Map at most this many bytes. */
  maxLength?: number;
}

/** Resolves the allocation state at `offset` through the backing chain, as qemu-img map does. */
export async function statusAbove(
  top: BlockDevice,
  offset: number,
  length: number,
): Promise<MapEntry> {
  let dev: BlockDevice | undefined = top;
  let depth = 0;
  let n = length;
  for (;;) {
    const ext = await dev.blockStatus(offset, n);
    n = Math.min(n, ext.length);
    if (ext.zero || ext.data || !dev.backing) {
      const e: MapEntry = {
        start: offset,
        length: n,
        depth,
        present: ext.allocated,
        zero: ext.zero || (!ext.data && !dev.backing),
        data: ext.data,
      };
      if (ext.hostOffset !== undefined) {
        e.offset = ext.hostOffset;
        e.filename = ext.file;
      }
      return e;
    }
    dev = dev.backing;
    depth++;
  }
}

function mergeable(a: MapEntry, b: MapEntry): boolean {
  if (a.zero !== b.zero || a.data !== b.data || a.depth !== b.depth || a.present !== b.present) {
    return false;
  }
  if ((a.offset === undefined) !== (b.offset === undefined)) return false;
  if (a.filename !== b.filename) return false;
  return a.offset === undefined || a.offset + a.length === b.offset;
}

/** Computes the merged map of an opened device. */
export async function mapDevice(
  dev: BlockDevice,
  start = 0,
  maxLength?: number,
): Promise<MapEntry[]> {
  const end = Math.min(dev.size, maxLength === undefined ? dev.size : start + maxLength);
  const out: MapEntry[] = [];
  let off = start;
  while (off < end) {
    const e = await statusAbove(dev, off, Math.min(2 ** 30, end - off));
    if (e.length <= 0) throw new DiskError("corrupt", "Block status made no progress");
    const last = out[out.length - 1];
    if (last && mergeable(last, e)) last.length += e.length;
    else out.push(e);
    off += e.length;
  }
  return out;
}

function hex(n: number): string {
  return n === 0 ? "0" : "0x" + n.toString(16);
}

/** Renders map entries as qemu-img's human and JSON outputs. */
export function renderMap(entries: MapEntry[]): MapResult {
  let text = `${"Offset".padEnd(16)}${"Length".padEnd(16)}${"Mapped to".padEnd(16)}File\n`;
  let textError: string | undefined;
  for (const e of entries) {
    if (e.data && e.offset === undefined) {
      textError = "File contains external, encrypted or compressed clusters.";
      break;
    }
    if (!e.data || e.zero) continue;
    text += `${hex(e.start).padEnd(16)}${hex(e.length).padEnd(16)}${hex(e.offset!).padEnd(16)}` +
      `${e.filename}\n`;
  }
  const json = entries.map((e) => {
    const o: Record<string, number | boolean> = {
      start: e.start,
      length: e.length,
      depth: e.depth,
      present: e.present,
      zero: e.zero,
      data: e.data,
    };
    if (e.offset !== undefined) o.offset = e.offset;
    return o;
  });
  const lines = json.map((o) =>
    "{ " + Object.entries(o).map(([k, v]) => `"${k}": ${v}`).join(", ") + "}"
  );
  const jsonText = "[" + lines.join(",\n") + "]\n";
  return { entries, text, textError, json, jsonText };
}

/**
 * `qemu-img map [--output=json] [-f FMT] PATH`.
 *
 * @example
 * ```ts
 * import { imageMap } from "./map.ts";
 * const r = await imageMap("disk.qcow2").catch(() => null);
 * if (r) console.log(r.jsonText);
 * ```
 */
export async function imageMap(path: string, opts: MapOptions = {}): Promise<MapResult> {
  const dev = await openImage(path, { format: opts.format, readOnly: true });
  try {
    return renderMap(await mapDevice(dev, opts.startOffset ?? 0, opts.maxLength));
  } finally {
    await dev.close();
  }
}
