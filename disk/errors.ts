// Errors raised by the disk-image library: one class, with a kind a caller can branch on.

/** What went wrong, in terms a caller can act on. */
export type DiskErrorKind =
  | "io" // the underlying file failed or ended early
  | "format" // the image is not of the expected format, or an option is invalid
  | "corrupt" // metadata is inconsistent or points outside the image
  | "unsupported" // a valid feature this library does not implement
  | "readonly" // a write to a device opened read-only
  | "usage"; // bad arguments from the caller

/**
 * An error from the disk library. `message` is ready to print after `qemu-img: `-style
 * prefixes; `kind` says which family of failure it is.
 *
 * @example
 * ```ts
 * import { DiskError } from "./errors.ts";
 * const e = new DiskError("corrupt", "L1 table is past the end of the image");
 * console.log(e.kind === "corrupt");
 * ```
 */
export class DiskError extends Error {
  /** The family of failure. */
  readonly kind: DiskErrorKind;
  /** Builds an error of the given kind. */
  constructor(kind: DiskErrorKind, message: string) {
    super(message);
    this.name = "DiskError";
    this.kind = kind;
  }
}
