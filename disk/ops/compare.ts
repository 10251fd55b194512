// `qemu-img compare`: are two images' guest-visible contents equal?

import type { BlockDevice } from "../block.ts";
import { DiskError } from "../errors.ts";
import { openImage } from "../open.ts";
import { type MapEntry, statusAbove } from "./map.ts";
import { firstDiff, firstNonZero } from "../bytes.ts";

/** Result of {@link imageCompare}. */
export interface CompareResult {
  /** True when the contents are equal (sizes may differ outside strict mode). */
  identical: boolean;
  /** Offset of the first differing 512-byte sector, when they differ. */
  mismatchOffset?: number;
  /** qemu-img compare's stdout. */
  text: string;
  /** 0 identical, 1 different. (qemu-img exits 2 on errors: those are thrown.) */
  exitCode: number;
}

/** Options for {@link imageCompare}. */
export interface CompareOptions {
  /** Format of the first image (`-f`); probed when omitted. */
  format1?: string;
  /** Format of the second image (`-F`); probed when omitted. */
  format2?: string;
  /** Fail on different sizes or allocation (`-s`). */
  strict?: boolean;
}

const CHUNK = 4 << 20;
const PIECE = 256 << 10;

/** The block-status flags qemu compares in strict mode, as one string. */
function statusWord(e: MapEntry, size: number): string {
  const eof = e.start + e.length >= size;
  return [e.present, e.zero, e.data, e.offset !== undefined, eof].map(Number).join("");
}

/** Compares two opened devices; see {@link imageCompare}. */
export async function compareDevices(
  d1: BlockDevice,
  d2: BlockDevice,
  strict = false,
): Promise<CompareResult> {
  const mismatch = (off: number, prefix = ""): CompareResult => {
    const at = Math.floor(off / 512) * 512;
    return {
      identical: false,
      mismatchOffset: at,
      text: `${prefix}Content mismatch at offset ${at}!\n`,
      exitCode: 1,
    };
  };
  if (strict && d1.size !== d2.size) {
    return { identical: false, text: "Strict mode: Image size mismatch!\n", exitCode: 1 };
  }
  const common = Math.min(d1.size, d2.size);
  const b1 = new Uint8Array(CHUNK), b2 = new Uint8Array(PIECE);
  let off = 0;
  while (off < common) {
    // In strict mode each image is asked up to its end, as qemu does: the EOF flag counts.
    const s1 = await statusAbove(d1, off, strict ? d1.size - off : Math.min(CHUNK, common - off));
    const s2 = await statusAbove(d2, off, strict ? d2.size - off : Math.min(CHUNK, common - off));
    const n = Math.min(s1.length, s2.length, common - off, CHUNK);
    const zero1 = s1.zero && !s1.data, zero2 = s2.zero && !s2.data;
    if (strict && statusWord(s1, d1.size) !== statusWord(s2, d2.size)) {
      return {
        identical: false,
        mismatchOffset: off,
        text: `Strict mode: Offset ${off} block status mismatch!\n`,
        exitCode: 1,
      };
    }
    if (!(zero1 && zero2)) {
      // Compared piece by piece, so that both pieces are still in the CPU cache.
      for (let p = 0; p < n; p += PIECE) {
        const len = Math.min(PIECE, n - p);
        const a = b1.subarray(0, len), b = b2.subarray(0, len);
        if (zero1) a.fill(0);
        else await d1.read(off + p, a);
        if (zero2) b.fill(0);
        else await d2.read(off + p, b);
        const d = firstDiff(a, b);
        if (d >= 0) return mismatch(off + p + d);
      }
    }
    off += n;
  }
  let prefix = "";
  if (d1.size !== d2.size) {
    prefix = "Warning: Image size mismatch!\n";
    const big = d1.size > d2.size ? d1 : d2;
    while (off < big.size) {
      const s = await statusAbove(big, off, Math.min(CHUNK, big.size - off));
      if (!(s.zero && !s.data)) {
        const a = b1.subarray(0, s.length);
        await big.read(off, a);
        const d = firstNonZero(a);
        if (d >= 0) return mismatch(off + d, prefix);
      }
      off += s.length;
    }
  }
  return { identical: true, text: `${prefix}Images are identical.\n`, exitCode: 0 };
}

/**
 * `qemu-img compare [-f FMT] [-F FMT] [-s] A B`.
 *
 * @example
 * ```ts
 * import { imageCompare } from "./compare.ts";
 * const r = await imageCompare("a.qcow2", "b.raw").catch(() => null);
 * if (r) console.log(r.text, r.exitCode);
 * ```
 */
export async function imageCompare(
  path1: string,
  path2: string,
  opts: CompareOptions = {},
): Promise<CompareResult> {
  const d1 = await openImage(path1, { format: opts.format1, readOnly: true });
  let d2: BlockDevice;
  try {
    d2 = await openImage(path2, { format: opts.format2, readOnly: true });
  } catch (e) {
    await d1.close();
    throw e instanceof DiskError ? e : new DiskError("io", String(e));
  }
  try {
    return await compareDevices(d1, d2, opts.strict);
  } finally {
    await d1.close();
    await d2.close();
  }
}
