// Errors raised by the libvirt layer: the daemon's (or the embedded driver's) error, as virsh sees it.

/** The fields of libvirt's `virError`, as carried by the remote protocol's `remote_error`. */
export interface VirtErrorInfo {
  /** libvirt's error code (`virErrorNumber`), e.g. 42 for VIR_ERR_NO_DOMAIN. */
  code: number;
  /** Where the error came from (`virErrorDomain`), e.g. 12 for VIR_FROM_TEST. */
  domain: number;
  /** The full human-readable message, exactly as virsh prints it after `error: `. */
  message: string;
  /** 1 warning, 2 error. */
  level?: number;
  str1?: string | null;
  str2?: string | null;
  str3?: string | null;
  int1?: number;
  int2?: number;
}

/**
 * An error reported by libvirt (remote daemon or embedded driver).
 *
 * @example
 * ```ts
 * import { VirtError } from "./errors.ts";
 * const e = new VirtError({ code: 42, domain: 10, message: "Domain not found" });
 * console.assert(e.code === 42);
 * ```
 */
export class VirtError extends Error {
  readonly code: number;
  readonly domain: number;
  readonly level: number;
  readonly str1: string | null;
  readonly str2: string | null;
  readonly str3: string | null;
  readonly int1: number;
  readonly int2: number;

  constructor(info: VirtErrorInfo) {
    super(info.message);
    this.name = "VirtError";
    this.code = info.code;
    this.domain = info.domain;
    this.level = info.level ?? 2;
    this.str1 = info.str1 ?? null;
    this.str2 = info.str2 ?? null;
    this.str3 = info.str3 ?? null;
    this.int1 = info.int1 ?? 0;
    this.int2 = info.int2 ?? 0;
  }
}

/** libvirt's `virErrorNumber` values that vsh refers to by name. */
export const ErrorCode = {
  INTERNAL_ERROR: 1,
  NO_MEMORY: 2,
  NO_SUPPORT: 3,
  UNKNOWN_HOST: 4,
  NO_CONNECT: 5,
  INVALID_CONN: 6,
  INVALID_DOMAIN: 7,
  INVALID_ARG: 8,
  OPERATION_FAILED: 9,
  GET_FAILED: 10,
  POST_FAILED: 11,
  HTTP_ERROR: 12,
  SEXPR_SERIAL: 13,
  NO_XEN: 14,
  XEN_CALL: 15,
  OS_TYPE: 16,
  NO_KERNEL: 17,
  NO_ROOT: 18,
  NO_SOURCE: 19,
  NO_TARGET: 20,
  NO_NAME: 21,
  NO_OS: 22,
  NO_DEVICE: 23,
  NO_XENSTORE: 24,
  DRIVER_FULL: 25,
  CALL_FAILED: 26,
  XML_ERROR: 27,
  DOM_EXIST: 28,
  OPERATION_DENIED: 29,
  OPEN_FAILED: 30,
  READ_FAILED: 31,
  PARSE_FAILED: 32,
  CONF_SYNTAX: 33,
  WRITE_FAILED: 34,
  XML_DETAIL: 35,
  INVALID_NETWORK: 36,
  NETWORK_EXIST: 37,
  SYSTEM_ERROR: 38,
  RPC: 39,
  GNUTLS_ERROR: 40,
  NO_NETWORK: 43,
  NO_DOMAIN: 42,
  INVALID_NODE_DEVICE: 52,
  NO_NODE_DEVICE: 53,
  NO_SECURITY_MODEL: 54,
  INVALID_INTERFACE: 58,
  INVALID_NWFILTER: 61,
  NO_NWFILTER: 62,
  INVALID_SECRET: 65,
  NO_SECRET: 66,
  INVALID_MAC: 44,
  AUTH_FAILED: 45,
  INVALID_STORAGE_POOL: 46,
  INVALID_STORAGE_VOL: 47,
  NO_STORAGE_POOL: 49,
  NO_STORAGE_VOL: 50,
  OPERATION_INVALID: 55,
  NO_INTERFACE: 57,
  MULTIPLE_INTERFACES: 59,
  INVALID_DOMAIN_SNAPSHOT: 71,
  NO_DOMAIN_SNAPSHOT: 72,
  CONFIG_UNSUPPORTED: 67,
  OPERATION_TIMEOUT: 68,
  MIGRATE_PERSIST_FAILED: 69,
  HOOK_SCRIPT_FAILED: 70,
  INVALID_STREAM: 73,
  ARGUMENT_UNSUPPORTED: 74,
  STORAGE_PROBE_FAILED: 75,
  STORAGE_POOL_BUILT: 76,
  SNAPSHOT_REVERT_RISKY: 77,
  OPERATION_ABORTED: 78,
  AUTH_CANCELLED: 79,
  NO_DOMAIN_METADATA: 80,
  MIGRATE_UNSAFE: 81,
  OVERFLOW: 82,
  BLOCK_COPY_ACTIVE: 83,
  OPERATION_UNSUPPORTED: 84,
  SSH: 85,
  AGENT_UNRESPONSIVE: 86,
  RESOURCE_BUSY: 87,
  ACCESS_DENIED: 88,
  DBUS_SERVICE: 89,
  STORAGE_VOL_EXIST: 90,
  CPU_INCOMPATIBLE: 91,
  XML_INVALID_SCHEMA: 92,
  MIGRATE_FINISH_OK: 93,
  AUTH_UNAVAILABLE: 94,
  NO_SERVER: 95,
  NO_CLIENT: 96,
  AGENT_UNSYNCED: 97,
  LIBSSH: 98,
  DEVICE_MISSING: 99,
  INVALID_NWFILTER_BINDING: 100,
  NO_NWFILTER_BINDING: 101,
  NO_HOSTNAME: 108,
  MULTIPLE_DOMAINS: 110,
} as const;

/** libvirt's `virErrorDomain` values (where an error came from) that vsh refers to. */
export const ErrorDomain = {
  NONE: 0,
  XML: 5,
  DOM: 6,
  RPC: 7,
  CONF: 9,
  QEMU: 10,
  TEST: 12,
  REMOTE: 13,
  STORAGE: 18,
  NETWORK: 19,
  DOMAIN: 20,
  INTERFACE: 26,
  DOMAIN_SNAPSHOT: 35,
  URI: 45,
} as const;
