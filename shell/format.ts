// Numbers printed as virsh prints them through C's printf and its capacity scaling.

/**
 * C's printf `%.Nf`: the exact binary value rounded half to even at N decimals (JavaScript's
 * toFixed rounds such ties up instead).
 */
export function cFixed(value: number, digits: number): string {
  // Only an exact tie rounds differently, and a product that is exactly k + 0.5 is computed
  // exactly; anything else is toFixed's answer.
  const scaled = Math.abs(value) * 10 ** digits;
  if (Math.abs(value) < 1e21 && !Object.is(value, -0) && scaled - Math.floor(scaled) !== 0.5) {
    return value.toFixed(digits);
  }
  return cFixedExact(value, digits);
}

/** {@link cFixed} the slow way, from the exact decimal expansion of the value. */
export function cFixedExact(value: number, digits: number): string {
  const exact = Math.abs(value).toFixed(100);
  const dot = exact.indexOf(".");
  const kept = exact.slice(0, dot + 1 + digits);
  const rest = exact.slice(dot + 1 + digits);
  const last = Number(
    kept[kept.length - 1] === "." ? kept[kept.length - 2] : kept[kept.length - 1],
  );
  const up = rest[0] > "5" || (rest[0] === "5" && (/[1-9]/.test(rest.slice(1)) || last % 2 === 1));
  let out = kept;
  if (up) {
    const digitsOnly = kept.replace(".", "");
    const bumped = (BigInt(digitsOnly) + 1n).toString().padStart(digitsOnly.length, "0");
    out = digits > 0
      ? `${bumped.slice(0, bumped.length - digits)}.${bumped.slice(-digits)}`
      : bumped;
  }
  if (out.endsWith(".")) out = out.slice(0, -1);
  return (value < 0 || Object.is(value, -0) ? "-" : "") + out;
}

/** vshPrettyCapacity: a byte count scaled to the largest unit under 1024 of it. */
export function prettyCapacity(bytes: bigint): [number, string] {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let i = 0;
  let limit = 1024n;
  while (i < units.length - 1 && bytes >= limit) {
    i++;
    limit *= 1024n;
  }
  return [Number(bytes) / Number(limit / 1024n), units[i]];
}
