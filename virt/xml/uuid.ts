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

/** The canonical lower-case text form of a 16-byte UUID. */
export function formatUuid(u: Uint8Array): string {
  const h = Array.from(u, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
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
