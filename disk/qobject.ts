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

/**
 * The exact decimal expansion of a finite, positive double: its digits and the power of ten of
 * the first one. JavaScript's own conversions round ties away from zero; glibc's printf works
 * on this exact value, so a tie (only possible when the expansion ends in 5) goes to even.
 */
function exactDecimal(x: number): { digits: string; exp10: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  let exp2 = biased - 1075;
  if (biased === 0) exp2 = -1074;
  else mant |= 1n << 52n;
  let digits: string;
  let fracDigits = 0;
  if (exp2 >= 0) digits = (mant << BigInt(exp2)).toString();
  else {
    // m / 2^k = m * 5^k / 10^k
    digits = (mant * 5n ** BigInt(-exp2)).toString();
    fracDigits = -exp2;
  }
  const trimmed = digits.replace(/^0+/, "");
  return {
    digits: trimmed,
    exp10: digits.length - fracDigits - 1 - (digits.length - trimmed.length),
  };
}

/** `digits` (first digit at 10^exp10) rounded half-to-even to `n` significant digits. */
function roundDigits(
  digits: string,
  exp10: number,
  n: number,
): { digits: string; exp10: number } {
  if (digits.length <= n) return { digits: digits.padEnd(n, "0"), exp10 };
  const head = digits.slice(0, n);
  const rest = digits.slice(n);
  const up = rest[0] > "5" || (rest[0] === "5" &&
    (/[1-9]/.test(rest.slice(1)) || Number(head[head.length - 1]) % 2 === 1));
  if (!up) return { digits: head, exp10 };
  const bumped = (BigInt(head) + 1n).toString();
  if (bumped.length > n) return { digits: bumped.slice(0, n), exp10: exp10 + 1 };
  return { digits: bumped, exp10 };
}

/** C's `%.Ng` for a finite, non-negative number, rounding as glibc does. */
export function formatG(x: number, precision: number): string {
  if (x === 0) return "0";
  const p = Math.max(1, precision);
  const exact = exactDecimal(x);
  const { exp10: e } = roundDigits(exact.digits, exact.exp10, p);
  const strip = (s: string) => s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
  if (e < -4 || e >= p) {
    const r = roundDigits(exact.digits, exact.exp10, p);
    const mant = strip(r.digits[0] + "." + r.digits.slice(1));
    const sign = r.exp10 < 0 ? "-" : "+";
    return `${mant}e${sign}${String(Math.abs(r.exp10)).padStart(2, "0")}`;
  }
  // %f with p - 1 - e decimals: round to that many digits after the point.
  const decimals = p - 1 - e;
  const sig = exact.exp10 + 1 + decimals;
  if (sig <= 0) return strip((0).toFixed(decimals));
  const r = roundDigits(exact.digits, exact.exp10, sig);
  let s = r.digits;
  const intLen = r.exp10 + 1;
  if (intLen <= 0) s = "0." + "0".repeat(-intLen) + s;
  else if (intLen >= s.length) s = s.padEnd(intLen, "0");
  else s = s.slice(0, intLen) + "." + s.slice(intLen);
  return strip(s);
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
