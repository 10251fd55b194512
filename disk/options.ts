// Parsing qemu-img's size arguments and `-o key=value,…` option strings, with its messages.
// A message spanning lines carries qemu-img's "qemu-img: " prefix on the lines that have it,
// so printing "qemu-img: " + message reproduces qemu-img's stderr.

import { DiskError } from "./errors.ts";
import type { CreateOptions, Preallocation } from "./ops/create.ts";

const UNITS: Record<string, number> = {
  b: 1,
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
  p: 2 ** 50,
  e: 2 ** 60,
};

/** Parses "10G", "1.5M", "512" (bytes) like qemu_strtosz; null when malformed. */
export function parseSizeValue(text: string): number | null {
  const m = /^\s*(\d+)(\.\d+)?\s*([bkmgtpe])?\s*$/i.exec(text);
  if (!m) return null;
  const unit = UNITS[(m[3] ?? "b").toLowerCase()];
  if (m[2] && unit === 1) return null;
  return Math.floor(Number(m[1] + (m[2] ?? "")) * unit);
}

/**
 * An image size argument as `qemu-img create` and `measure --size` take it.
 *
 * @example
 * ```ts
 * import { parseSize } from "./options.ts";
 * console.log(parseSize("1.5M")); // 1572864
 * ```
 */
export function parseSize(text: string, what = "image size"): number {
  const v = parseSizeValue(text);
  if (v === null) {
    throw new DiskError(
      "usage",
      `Invalid ${what} specified. You may use k, M, G, T, P or E suffixes for\n` +
        "qemu-img: kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.",
    );
  }
  if (v > 2 ** 63 - 1) {
    throw new DiskError(
      "usage",
      `Invalid ${what} specified. Must be between 0 and 9223372036854775807.`,
    );
  }
  return v;
}

/** A `qemu-img resize` size: absolute, or relative with a leading + or -. */
export function parseResizeSize(text: string): number | { delta: number } {
  const sign = text[0] === "+" ? 1 : text[0] === "-" ? -1 : 0;
  const v = parseSize(sign ? text.slice(1) : text);
  return sign ? { delta: sign * v } : v;
}

/** Splits "a=1,b=x,,y" into pairs (",," is an escaped comma), in order. */
export function splitOptions(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let cur = "";
  for (let i = 0; i < text.length; i++) {
    if (text[i] === ",") {
      if (text[i + 1] === ",") {
        cur += ",";
        i++;
        continue;
      }
      out.push(pair(cur));
      cur = "";
    } else cur += text[i];
  }
  if (cur !== "" || text.endsWith(",")) out.push(pair(cur));
  return out;
}

function pair(s: string): [string, string] {
  const eq = s.indexOf("=");
  return eq < 0 ? [s, "on"] : [s.slice(0, eq), s.slice(eq + 1)];
}

const QCOW2_KEYS = new Set([
  "size",
  "compat",
  "backing_file",
  "backing_fmt",
  "cluster_size",
  "preallocation",
  "lazy_refcounts",
  "refcount_bits",
  "extended_l2",
  "compression_type",
  "data_file",
  "data_file_raw",
  "encryption",
]);
const RAW_KEYS = new Set(["size", "preallocation"]);

/**
 * Parses `-o` options for `create`/`convert`/`measure` of `format` into {@link CreateOptions}
 * (plus `size`), with qemu-img's errors (prefixed by the image path, as qemu-img does).
 *
 * @example
 * ```ts
 * import { parseImageOptions } from "./options.ts";
 * const o = parseImageOptions("qcow2", "cluster_size=4k,lazy_refcounts=on", "x.qcow2");
 * console.log(o.clusterSize, o.lazyRefcounts); // 4096 true
 * ```
 */
export function parseImageOptions(format: string, text: string, path: string): CreateOptions {
  const keys = format === "qcow2" ? QCOW2_KEYS : RAW_KEYS;
  const o: CreateOptions = {};
  const fail = (msg: string) => new DiskError("usage", `${path}: ${msg}`);
  const bool = (k: string, v: string) => {
    if (v === "on") return true;
    if (v === "off") return false;
    throw fail(`Parameter '${k}' expects 'on' or 'off'`);
  };
  const size = (k: string, v: string) => {
    const n = parseSizeValue(v);
    if (n === null) {
      throw fail(
        `Parameter '${k}' expects a non-negative number below 2^64\n` +
          "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\n" +
          "and exabytes, respectively.",
      );
    }
    return n;
  };
  for (const [k, v] of splitOptions(text)) {
    if (!keys.has(k)) throw fail(`Invalid parameter '${k}'`);
    switch (k) {
      case "size":
        o.size = size(k, v);
        break;
      case "compat":
        o.compat = v;
        break;
      case "backing_file":
        o.backingFile = v;
        break;
      case "backing_fmt":
        o.backingFormat = v;
        break;
      case "cluster_size":
        o.clusterSize = size(k, v);
        break;
      case "preallocation":
        o.preallocation = v as Preallocation;
        break;
      case "lazy_refcounts":
        o.lazyRefcounts = bool(k, v);
        break;
      case "refcount_bits": {
        const n = /^\d+$/.test(v) ? Number(v) : NaN;
        if (!Number.isFinite(n)) throw fail(`Parameter '${k}' expects a number`);
        o.refcountBits = n;
        break;
      }
      case "extended_l2":
        if (bool(k, v)) {
          throw new DiskError("unsupported", `${path}: extended_l2=on is not supported`);
        }
        break;
      case "compression_type":
        if (v !== "zlib") {
          throw new DiskError("unsupported", `${path}: compression_type=${v} is not supported`);
        }
        break;
      default:
        throw new DiskError("unsupported", `${path}: option '${k}' is not supported`);
    }
  }
  return o;
}
