// `qemu-img resize`: grow or (explicitly) shrink raw and qcow2 images.

import { DiskError } from "../errors.ts";
import { openImage } from "../open.ts";

/** qemu-img's warning printed with a refused shrink (after the error). */
export const SHRINK_WARNING: string =
  "Shrinking an image will delete all data beyond the shrunken " +
  "image's end. Before performing such an operation, make sure there is no important data there.";

/** Options for {@link resizeImage}. */
export interface ResizeOptions {
  /** Format name as qemu-img prints it. */
  format?: string;
  /** Allow making the image smaller (`--shrink`). */
  shrink?: boolean;
}

/** Result of {@link resizeImage}. */
export interface ResizeResult {
  /** Virtual size before resizing. */
  oldSize: number;
  /** Virtual size after resizing. */
  newSize: number;
  /** "Image resized.\n" */
  text: string;
}

/**
 * `qemu-img resize [--shrink] PATH [+|-]SIZE`: `size` is absolute, or relative when given as
 * `{ delta }`.
 *
 * @example
 * ```ts
 * import { resizeImage } from "./resize.ts";
 * await resizeImage("disk.qcow2", { delta: 1 << 30 }).catch(() => {});
 * ```
 */
export async function resizeImage(
  path: string,
  size: number | { delta: number },
  opts: ResizeOptions = {},
): Promise<ResizeResult> {
  const dev = await openImage(path, { format: opts.format, backing: false });
  try {
    const oldSize = dev.size;
    const newSize = typeof size === "number" ? size : oldSize + size.delta;
    if (newSize < 0) throw new DiskError("usage", "New image size must be positive");
    if (newSize < oldSize && !opts.shrink) {
      throw new DiskError("usage", "Use the --shrink option to perform a shrink operation.");
    }
    // qcow2 keeps its size in whole sectors and refuses any other, where raw takes any size.
    if (dev.format === "qcow2" && newSize % 512 !== 0) {
      throw new DiskError("usage", "The new size must be a multiple of 512");
    }
    await dev.resize(newSize);
    return { oldSize, newSize: dev.size, text: "Image resized.\n" };
  } finally {
    await dev.close();
  }
}
