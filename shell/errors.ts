// Errors of the shell layer: what virsh reports with `error: ...` lines.

import { VirtError } from "../virt/errors.ts";

/**
 * A command or parse failure, printed as `error: <message>` on stderr. When `cause` is a
 * VirtError, its message follows on a second `error:` line, as virsh reports the pending
 * libvirt error after the command's own message.
 *
 * @example
 * ```ts
 * import { errorLines, VshError } from "./errors.ts";
 * const e = new VshError("failed to get domain 'x'");
 * console.assert(errorLines(e)[0] === "failed to get domain 'x'");
 * ```
 */
export class VshError extends Error {
  /** Further `error:` lines printed after the message (virsh reports some failures in several). */
  readonly more: string[];

  constructor(message: string, options?: { cause?: unknown; more?: string[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "VshError";
    this.more = options?.more ?? [];
  }
}

/** The `error: ...` lines (without newline) virsh prints for a thrown error. */
export function errorLines(err: unknown): string[] {
  if (err instanceof VshError) {
    const lines = [err.message, ...err.more];
    if (err.cause !== undefined) lines.push(...errorLines(err.cause));
    return lines;
  }
  if (err instanceof VirtError) return [err.message];
  if (err instanceof Error) return [err.message];
  return [String(err)];
}
