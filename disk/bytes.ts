// Fast byte-range tests: memcmp through FFI where the program may use it (native speed from the
// first call, where a JavaScript loop runs for milliseconds in the interpreter before it is
// compiled), else JavaScript loops over 32-bit words. Nothing is allocated per call on the common
// paths, so convert can test every 4 KiB unit of a chunk.

import { ffiAllowed, libcBound, libcMem } from "./libc.ts";

const PIECE = 64 * 1024;
const BIG = 16 * 1024;
let zeros: Uint8Array | undefined;

/** True when the bytes of `b` in [from, to) are all zero. */
export function isZero(b: Uint8Array, from = 0, to = b.length): boolean {
  // Data usually shows itself in its first bytes: no call out for those.
  const head = Math.min(to, from + 16);
  for (let i = from; i < head; i++) if (b[i] !== 0) return false;
  if (head >= to) return true;
  // memcmp for large ranges, or once the C library is bound anyway (binding it costs about a
  // millisecond: more than a JavaScript loop over a few small tables, as check walks).
  const n = to - head;
  const m = n >= BIG || (n >= 256 && libcBound()) ? libcMem() : null;
  if (m) {
    const z = zeros ??= new Uint8Array(PIECE);
    for (let p = head; p < to; p += PIECE) {
      const k = Math.min(PIECE, to - p);
      if (m.memcmp(b.subarray(p, p + k), z, k) !== 0) return false;
    }
    return true;
  }
  return wordsZero(b, head, to);
}

// Whole aligned 32-bit words where possible, bytes at the edges.
function wordsZero(b: Uint8Array, from: number, to: number): boolean {
  let i = from;
  const abs = b.byteOffset + i;
  const lead = Math.min(to, i + ((4 - (abs & 3)) & 3));
  for (; i < lead; i++) if (b[i] !== 0) return false;
  const words = (to - i) >> 2;
  if (words > 0) {
    const w = new Int32Array(b.buffer, b.byteOffset + i, words);
    let k = 0;
    for (; k + 8 <= words; k += 8) {
      if (
        (w[k] | w[k + 1] | w[k + 2] | w[k + 3] | w[k + 4] | w[k + 5] | w[k + 6] | w[k + 7]) !== 0
      ) {
        return false;
      }
    }
    for (; k < words; k++) if (w[k] !== 0) return false;
    i += words * 4;
  }
  for (; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

/**
 * Where the first `grain`-byte block of `b` in [from, to) (in steps of `grain` from `from`) that
 * is not all zero starts, or `to`: for walking sparse tables without visiting every entry.
 */
export function skipZeros(b: Uint8Array, from: number, to: number, grain: number): number {
  const coarse = grain * 64;
  let p = from;
  while (p < to) {
    const end = Math.min(to, p + coarse);
    if (isZero(b, p, end)) {
      p = end;
      continue;
    }
    for (; p < end; p += grain) if (!isZero(b, p, Math.min(end, p + grain))) return p;
  }
  return to;
}

/** Index of the first non-zero byte of `b`, or -1. */
export function firstNonZero(b: Uint8Array): number {
  for (let p = 0; p < b.length; p += PIECE) {
    const q = Math.min(b.length, p + PIECE);
    if (isZero(b, p, q)) continue;
    for (let i = p; i < q; i++) if (b[i]) return i;
  }
  return -1;
}

/** True when `a` and `b` hold the same bytes in [from, to). */
function sameRange(a: Uint8Array, b: Uint8Array, from: number, to: number): boolean {
  const n = to - from;
  const m = n >= BIG || (n >= 256 && libcBound()) ? libcMem() : null;
  if (m) return m.memcmp(a.subarray(from, to), b.subarray(from, to), to - from) === 0;
  let i = from;
  if (((a.byteOffset + i) & 3) === ((b.byteOffset + i) & 3)) {
    for (; i < to && ((a.byteOffset + i) & 3) !== 0; i++) if (a[i] !== b[i]) return false;
    const words = (to - i) >> 2;
    if (words > 0) {
      const wa = new Int32Array(a.buffer, a.byteOffset + i, words);
      const wb = new Int32Array(b.buffer, b.byteOffset + i, words);
      for (let k = 0; k < words; k++) if (wa[k] !== wb[k]) return false;
      i += words * 4;
    }
  }
  for (; i < to; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Index of the first byte where `a` and `b` (of equal length) differ, or -1. */
export function firstDiff(a: Uint8Array, b: Uint8Array): number {
  for (let p = 0; p < a.length; p += PIECE) {
    const q = Math.min(a.length, p + PIECE);
    if (sameRange(a, b, p, q)) continue;
    for (let i = p; i < q; i++) if (a[i] !== b[i]) return i;
  }
  return -1;
}

/**
 * A zeroed buffer of `n` bytes whose start is page-aligned when FFI is allowed (plain otherwise).
 * The kernel copies file data to and from a cache-line-aligned buffer several times faster than
 * to one 16 bytes off, which is where V8 puts large array buffers.
 */
export function alignedBuffer(n: number): Uint8Array {
  const ALIGN = 4096;
  try {
    if (!ffiAllowed()) return new Uint8Array(n);
    const raw = new Uint8Array(n + ALIGN);
    const addr = Number(Deno.UnsafePointer.value(Deno.UnsafePointer.of(raw)));
    return raw.subarray((ALIGN - (addr % ALIGN)) % ALIGN).subarray(0, n);
  } catch {
    return new Uint8Array(n);
  }
}
