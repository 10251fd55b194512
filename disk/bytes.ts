// Fast byte-range comparisons: node:buffer's compare is native memcmp, far faster than a
// JavaScript loop over large buffers.

import { Buffer } from "node:buffer";

const PIECE = 64 * 1024;
const ZEROS = Buffer.alloc(PIECE);

function view(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** Index of the first byte where `a` and `b` (of equal length) differ, or -1. */
export function firstDiff(a: Uint8Array, b: Uint8Array): number {
  const va = view(a), vb = view(b);
  for (let p = 0; p < a.length; p += PIECE) {
    const q = Math.min(a.length, p + PIECE);
    if (Buffer.compare(va.subarray(p, q), vb.subarray(p, q)) === 0) continue;
    for (let i = p; i < q; i++) if (a[i] !== b[i]) return i;
  }
  return -1;
}

/** Index of the first non-zero byte of `b`, or -1. */
export function firstNonZero(b: Uint8Array): number {
  const v = view(b);
  for (let p = 0; p < b.length; p += PIECE) {
    const q = Math.min(b.length, p + PIECE);
    if (Buffer.compare(v.subarray(p, q), ZEROS.subarray(0, q - p)) === 0) continue;
    for (let i = p; i < q; i++) if (b[i]) return i;
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
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return new Uint8Array(n);
    const raw = new Uint8Array(n + ALIGN);
    const addr = Number(Deno.UnsafePointer.value(Deno.UnsafePointer.of(raw)));
    return raw.subarray((ALIGN - (addr % ALIGN)) % ALIGN).subarray(0, n);
  } catch {
    return new Uint8Array(n);
  }
}
