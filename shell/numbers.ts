// Numeric option values, converted as virsh converts them (strtol-style, whole string, range
// checked, scaled suffixes) and with its messages.

import { VshError } from "./errors.ts";

const malformed = (value: string, name: string) =>
  new VshError(`Numeric value '${value}' for <${name}> option is malformed or out of range`);

// strtol accepts leading white space and a sign; the whole rest must be digits.
const INTEGER = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/;

function parseBig(value: string): bigint | undefined {
  const m = INTEGER.exec(value);
  if (!m) return undefined;
  const v = BigInt(m[2]);
  return m[1] === "-" ? -v : v;
}

/** virsh's vshCommandOptInt: a signed 32-bit integer; undefined when the option is absent. */
export function parseIntOpt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const v = parseBig(value);
  if (v === undefined || v < -2147483648n || v > 2147483647n) throw malformed(value, name);
  return Number(v);
}

/**
 * virsh's vshCommandOptUInt: an unsigned 32-bit integer. With `wrap`, negative values wrap
 * around as C's strtoul does (vshCommandOptUIntWrap); without, they are refused.
 */
export function parseUIntOpt(
  value: string | undefined,
  name: string,
  wrap = false,
): number | undefined {
  if (value === undefined) return undefined;
  const v = parseBig(value);
  if (v === undefined) throw malformed(value, name);
  if (v < 0n) {
    if (!wrap || v < -4294967295n) throw malformed(value, name);
    return Number(4294967296n + v);
  }
  if (v > 4294967295n) throw malformed(value, name);
  return Number(v);
}

/** virsh's vshCommandOptULongLong: an unsigned 64-bit integer, as bigint. */
export function parseULLOpt(
  value: string | undefined,
  name: string,
  wrap = false,
): bigint | undefined {
  if (value === undefined) return undefined;
  const v = parseBig(value);
  if (v === undefined) throw malformed(value, name);
  if (v < 0n) {
    if (!wrap || v < -18446744073709551615n) throw malformed(value, name);
    return 18446744073709551616n + v;
  }
  if (v > 18446744073709551615n) throw malformed(value, name);
  return v;
}

/** virsh's vshCommandOptLongLong: a signed 64-bit integer, as bigint. */
export function parseLLOpt(value: string | undefined, name: string): bigint | undefined {
  if (value === undefined) return undefined;
  const v = parseBig(value);
  if (v === undefined || v < -(2n ** 63n) || v > 2n ** 63n - 1n) throw malformed(value, name);
  return v;
}

/**
 * Scale `value` by a unit suffix as libvirt's virScaleInteger does: none → `scale`;
 * `b` → 1; `k`,`m`,`g`,`t`,`p`,`e` alone or with `iB` → powers of 1024; with `B` → of 1000.
 * Returns "suffix" for an unknown suffix and "overflow" for a result over `max`.
 */
export function scaleInteger(
  value: bigint,
  suffix: string,
  scale: bigint,
  max: bigint,
): bigint | "suffix" | "overflow" {
  let factor: bigint;
  if (suffix === "") {
    factor = scale;
  } else {
    const lower = suffix.toLowerCase();
    let base: bigint;
    if (lower.length === 1 || lower.slice(1) === "ib") base = 1024n;
    else if (lower.slice(1) === "b") base = 1000n;
    else return "suffix";
    const power = "bkmgtpe".indexOf(lower[0]);
    if (power < 0 || (lower[0] === "b" && lower.length > 1)) return "suffix";
    factor = base ** BigInt(power);
  }
  if (factor !== 0n && value > max / factor) return "overflow";
  return value * factor;
}

/**
 * virsh's vshCommandOptScaledInt: a non-negative integer with an optional unit suffix, in
 * bytes, `scale` giving the unit when there is no suffix (1 or 1024); as bigint. A bad suffix
 * or an overflow adds libvirt's own error line, as virsh reports it after its message.
 */
export function parseScaledOpt(
  value: string | undefined,
  name: string,
  scale: number,
  max: bigint = 18446744073709551615n,
): bigint | undefined {
  if (value === undefined) return undefined;
  const message =
    `Scaled numeric value '${value}' for <${name}> option is malformed or out of range`;
  const m = /^[ \t\n\v\f\r]*(\+?)(\d+)(.*)$/s.exec(value);
  if (!m) throw new VshError(message);
  const v = BigInt(m[2]);
  if (v > 18446744073709551615n) throw new VshError(message);
  const scaled = scaleInteger(v, m[3], BigInt(scale), max);
  if (scaled === "suffix") {
    throw new VshError(message, { more: [`invalid argument: unknown suffix '${m[3]}'`] });
  }
  if (scaled === "overflow") {
    throw new VshError(message, { more: [`numerical overflow: value too large: ${value}`] });
  }
  return scaled;
}
