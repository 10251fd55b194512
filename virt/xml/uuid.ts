// UUIDs as libvirt handles them: 16 raw bytes, parsed leniently (dashes anywhere, as
// virUUIDParse allows) and printed in the canonical 8-4-4-4-12 form.

/** Parse a textual UUID into 16 bytes, or undefined when malformed. */
export function parseUuid(s: string): Uint8Array | undefined {
  const t = s.trim();
  const out = new Uint8Array(16);
  let n = 0;
  let i = 0;
  while (n < 16) {
    while (t[i] === "-") i++;
    const pair = t.slice(i, i + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) return undefined;
    out[n++] = parseInt(pair, 16);
    i += 2;
  }
  return i === t.length ? out : undefined;
}

const HEX_PAIRS = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/**
 * The canonical text form of a 16-byte UUID, as libvirt prints it: lower-case hex in
 * 8-4-4-4-12 groups.
 *
 * @example
 * ```ts
 * import { formatUuid } from "./uuid.ts";
 * console.assert(formatUuid(new Uint8Array(16)) === "00000000-0000-0000-0000-000000000000");
 * ```
 */
export function formatUuid(u: Uint8Array): string {
  let s = "";
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += "-";
    s += HEX_PAIRS[u[i]];
  }
  return s;
}

/** A new random (version 4) UUID. */
export function randomUuid(): Uint8Array {
  return parseUuid(crypto.randomUUID())!;
}

/** Whether two UUIDs are equal. */
export function uuidEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
