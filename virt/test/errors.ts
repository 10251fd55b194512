// libvirt's error texts for the embedded test driver: each helper builds the VirtError that the
// real driver (or libvirt's public API layer around it) reports, prefix included.

import { ErrorCode, VirtError } from "../errors.ts";

/** libvirt's `virErrorDomain` values used by the test driver. */
export const From = {
  NONE: 0,
  XML: 5,
  DOM: 6,
  TEST: 12,
  NETWORK: 19,
  DOMAIN: 20,
  INTERFACE: 26,
  STORAGE: 18,
  DOMAIN_SNAPSHOT: 35,
} as const;

/** The prefixes libvirt's virErrorMsg puts in front of a detail message, per error code. */
const PREFIX: Record<number, string> = {
  [ErrorCode.INTERNAL_ERROR]: "internal error: ",
  [ErrorCode.NO_SUPPORT]: "this function is not supported by the connection driver: ",
  [ErrorCode.INVALID_ARG]: "invalid argument: ",
  [ErrorCode.OPERATION_FAILED]: "operation failed: ",
  [ErrorCode.XML_ERROR]: "XML error: ",
  [ErrorCode.NO_NAME]: "missing name information in ",
  [ErrorCode.OPERATION_DENIED]: "operation forbidden: ",
  [ErrorCode.NO_DOMAIN]: "Domain not found: ",
  [ErrorCode.NO_NETWORK]: "Network not found: ",
  [ErrorCode.OPERATION_INVALID]: "Requested operation is not valid: ",
  [ErrorCode.NO_INTERFACE]: "Interface not found: ",
  [ErrorCode.NO_STORAGE_POOL]: "Storage pool not found: ",
  [ErrorCode.NO_STORAGE_VOL]: "Storage volume not found: ",
  [ErrorCode.ARGUMENT_UNSUPPORTED]: "argument unsupported: ",
  [ErrorCode.OPERATION_UNSUPPORTED]: "Operation not supported: ",
  [ErrorCode.NO_DOMAIN_SNAPSHOT]: "Domain snapshot not found: ",
  [ErrorCode.CONFIG_UNSUPPORTED]: "unsupported configuration: ",
  [ErrorCode.NO_DOMAIN_METADATA]: "metadata not found: ",
  [ErrorCode.STORAGE_VOL_EXIST]: "storage volume already exists: ",
};

/** The message libvirt prints for a code without detail. */
const BARE: Record<number, string> = {
  [ErrorCode.NO_NAME]: "missing name information",
  [ErrorCode.NO_DOMAIN]: "Domain not found",
  [ErrorCode.NO_NETWORK]: "Network not found",
  [ErrorCode.NO_INTERFACE]: "Interface not found",
  [ErrorCode.NO_STORAGE_POOL]: "Storage pool not found",
  [ErrorCode.NO_STORAGE_VOL]: "Storage volume not found",
  [ErrorCode.MULTIPLE_INTERFACES]: "multiple matching interfaces found",
  [ErrorCode.OPERATION_INVALID]: "Requested operation is not valid",
  [ErrorCode.XML_ERROR]: "XML description is invalid or not well formed",
};

/** A VirtError with libvirt's prefix for `code` in front of `detail`. */
export function virtError(
  code: number,
  detail: string | null,
  domain: number = From.TEST,
): VirtError {
  const message = detail === null ? (BARE[code] ?? "") : `${PREFIX[code] ?? ""}${detail}`;
  return new VirtError({ code, domain, message, str1: detail });
}

/** `internal error: ...` */
export const internalError = (d: string, from: number = From.TEST) =>
  virtError(ErrorCode.INTERNAL_ERROR, d, from);
/** `invalid argument: ...` */
export const invalidArg = (d: string, from: number = From.TEST) =>
  virtError(ErrorCode.INVALID_ARG, d, from);
/** `Requested operation is not valid: ...` */
export const operationInvalid = (d: string, from: number = From.TEST) =>
  virtError(ErrorCode.OPERATION_INVALID, d, from);
/** `operation failed: ...` */
export const operationFailed = (d: string, from: number = From.TEST) =>
  virtError(ErrorCode.OPERATION_FAILED, d, from);
/** `XML error: ...` from the domain XML parser. */
export const xmlError = (d: string, from: number = From.DOMAIN) =>
  virtError(ErrorCode.XML_ERROR, d, from);

/** virCheckFlags' report for flags a driver function does not accept. */
export function unsupportedFlags(flags: number, fn: string): VirtError {
  return new VirtError({
    code: ErrorCode.INVALID_ARG,
    domain: From.TEST,
    message: `unsupported flags (0x${flags.toString(16)}) in function ${fn}`,
  });
}

/** Reject flags outside `allowed`, as virCheckFlags does. */
export function checkFlags(flags: number, allowed: number, fn: string): void {
  const extra = (flags >>> 0) & ~allowed;
  if (extra) throw unsupportedFlags(extra >>> 0, fn);
}

/** The error domain of libvirt's public API file that defines `api` (libvirt-network.c, ...). */
function apiFrom(api: string): number {
  if (api.startsWith("virNetwork")) return From.NETWORK;
  if (api.startsWith("virStorage")) return From.STORAGE;
  if (api.startsWith("virInterface")) return From.INTERFACE;
  return From.DOMAIN;
}

/** The error for an API the test driver does not implement. */
export function noSupport(api: string): VirtError {
  return virtError(ErrorCode.NO_SUPPORT, api, apiFrom(api));
}

/** The error a read-only connection gives for a mutating API. */
export function readOnly(api: string): VirtError {
  return virtError(ErrorCode.OPERATION_DENIED, `read only access prevents ${api}`, apiFrom(api));
}
