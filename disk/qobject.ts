// qemu prints JSON and "Format specific information" from hash-ordered dictionaries (QDict);
// this module reproduces that key order and qemu's exact pretty-printing.

/** A JSON-like value as qemu's QObject models it. */
export type QValue = number | bigint | string | boolean | null | QValue[] | QDictValue;
/** A dictionary; keys print in qemu's hash order, whatever order they were added in. */
export interface QDictValue {
  /** Any key. */
  [key: string]: QValue;
}

const BUCKETS = 512;

/** qemu's QDict hash (tdb_hash) of a key. */
function keyHash(key: string): number {
  const bytes = new TextEncoder().encode(key);
  let value = Math.imul(0x238f13af, bytes.length) >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    value = (value + ((bytes[i] << ((i * 5) % 24)) >>> 0)) >>> 0;
  }
  return (Math.imul(1103515243, value) + 12345) >>> 0;
}

/**
 * Returns a copy of `dict` (recursively) whose keys are in the order qemu iterates a QDict
 * filled in the given insertion order: by bucket, and newest first within a bucket.
 */
export function qdictOrder<T extends QValue>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => qdictOrder(v)) as T;
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value);
  const ordered = keys
    .map((k, i) => ({ k, i, b: keyHash(k) % BUCKETS }))
    .sort((x, y) => x.b - y.b || y.i - x.i);
  const out: QDictValue = {};
  for (const { k } of ordered) out[k] = qdictOrder(value[k]);
  return out as T;
}

function jsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || c === 0x7f) out += "\\u" + c.toString(16).padStart(4, "0");
    else if (c > 0x7f) {
      for (let i = 0; i < ch.length; i++) {
        out += "\\u" + ch.charCodeAt(i).toString(16).padStart(4, "0");
      }
    } else out += ch;
  }
  return out + '"';
}

/**
 * Pretty-prints a value as qemu's JSON writer does (4-space indent, `"key": value`), keeping
 * the key order of the objects given (apply {@link qdictOrder} first for qemu's order).
 */
export function qjson(value: QValue, indent = 0): string {
  const pad = (n: number) => "    ".repeat(n);
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "string") return jsonString(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const items = value.map((v) => "\n" + pad(indent + 1) + qjson(v, indent + 1));
    return "[" + items.join(",") + "\n" + pad(indent) + "]";
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return "{}";
  const items = keys.map((k) =>
    "\n" + pad(indent + 1) + jsonString(k) + ": " + qjson(value[k], indent + 1)
  );
  return "{" + items.join(",") + "\n" + pad(indent) + "}";
}

/** qemu-img's human dump of a QObject ("Format specific information:" and the like). */
export function qdump(value: QValue, indent: number): string {
  if (value === null) return "";
  if (typeof value !== "object") return String(value);
  let out = "";
  const composite = (v: QValue) => v !== null && typeof v === "object";
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out += `${" ".repeat(indent * 4)}[${i}]:${composite(v) ? "\n" : " "}`;
      out += qdump(v, indent + 1) + (composite(v) ? "" : "\n");
    });
    return out;
  }
  for (const [k, v] of Object.entries(value)) {
    out += `${" ".repeat(indent * 4)}${k.replaceAll("-", " ")}:${composite(v) ? "\n" : " "}`;
    out += qdump(v, indent + 1) + (composite(v) ? "" : "\n");
  }
  return out;
}

/** C's `%.Ng` for a finite, non-negative number. */
export function formatG(x: number, precision: number): string {
  if (x === 0) return "0";
  const exp = Math.floor(Math.log10(Math.abs(x)));
  let s = x.toPrecision(precision);
  if (s.includes("e") || exp < -4 || exp >= precision) {
    const [m, e] = x.toExponential(precision - 1).split("e");
    const mant = m.includes(".") ? m.replace(/0+$/, "").replace(/\.$/, "") : m;
    const en = Number(e);
    return `${mant}e${en < 0 ? "-" : "+"}${String(Math.abs(en)).padStart(2, "0")}`;
  }
  if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  return s;
}

/** qemu's size_to_str: "196 KiB", "1 GiB", "1.5 MiB". */
export function sizeToStr(bytes: number): string {
  const suffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
  let i = 0;
  if (bytes > 0) {
    const e = Math.floor(Math.log2(bytes / (1000 / 1024))) + 1;
    i = Math.max(0, Math.floor((e - 1) / 10));
  }
  return `${formatG(bytes / 2 ** (i * 10), 3)} ${suffixes[i]}B`;
}
