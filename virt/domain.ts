// The typed domain API for scripts and plugins: a Domain handle over a Connection, libvirt's flag
// values by name, and virsh's rules for finding a domain from the text a user typed.

import type { Connection } from "./connection.ts";
import { ErrorCode, VirtError } from "./errors.ts";
import type { RemoteDomain } from "./remote/protocol.ts";
import { formatUuid } from "./xml/uuid.ts";

/** virDomainState. */
export const DomainState = {
  NOSTATE: 0,
  RUNNING: 1,
  BLOCKED: 2,
  PAUSED: 3,
  SHUTDOWN: 4,
  SHUTOFF: 5,
  CRASHED: 6,
  PMSUSPENDED: 7,
} as const;

/** virConnectListAllDomainsFlags. */
export const ListFlags = {
  ACTIVE: 1 << 0,
  INACTIVE: 1 << 1,
  PERSISTENT: 1 << 2,
  TRANSIENT: 1 << 3,
  RUNNING: 1 << 4,
  PAUSED: 1 << 5,
  SHUTOFF: 1 << 6,
  OTHER: 1 << 7,
  MANAGEDSAVE: 1 << 8,
  NO_MANAGEDSAVE: 1 << 9,
  AUTOSTART: 1 << 10,
  NO_AUTOSTART: 1 << 11,
  HAS_SNAPSHOT: 1 << 12,
  NO_SNAPSHOT: 1 << 13,
  HAS_CHECKPOINT: 1 << 14,
  NO_CHECKPOINT: 1 << 15,
} as const;

/** virDomainXMLFlags. */
export const XmlFlags = { SECURE: 1, INACTIVE: 2, UPDATE_CPU: 4, MIGRATABLE: 8 } as const;

/** virDomainModificationImpact. */
export const Affect = { CURRENT: 0, LIVE: 1, CONFIG: 2 } as const;

/** virDomainCreateFlags. */
export const StartFlags = {
  PAUSED: 1,
  AUTODESTROY: 2,
  BYPASS_CACHE: 4,
  FORCE_BOOT: 8,
  VALIDATE: 16,
  RESET_NVRAM: 32,
} as const;

/** virDomainDefineFlags. */
export const DefineFlags = { VALIDATE: 1 } as const;

/** virDomainUndefineFlagsValues. */
export const UndefineFlags = {
  MANAGED_SAVE: 1,
  SNAPSHOTS_METADATA: 2,
  NVRAM: 4,
  KEEP_NVRAM: 8,
  CHECKPOINTS_METADATA: 16,
  TPM: 32,
  KEEP_TPM: 64,
} as const;

/** virDomainSaveRestoreFlags. */
export const SaveFlags = { BYPASS_CACHE: 1, RUNNING: 2, PAUSED: 4, RESET_NVRAM: 8 } as const;

/** virDomainDestroyFlagsValues. */
export const DestroyFlags = { GRACEFUL: 1, REMOVE_LOGS: 2 } as const;

/** virDomainShutdownFlagValues (virDomainRebootFlagValues has the same values). */
export const ShutdownFlags = { ACPI: 1, AGENT: 2, INITCTL: 4, SIGNAL: 8, PARAVIRT: 16 } as const;

/** virDomainVcpuFlags beyond the Affect bits. */
export const VcpuFlags = { MAXIMUM: 4, GUEST: 8, HOTPLUGGABLE: 16 } as const;

/** virDomainMemoryModFlags beyond the Affect bits. */
export const MemoryFlags = { MAXIMUM: 4 } as const;

/** virDomainMetadataType. */
export const MetadataType = { DESCRIPTION: 0, TITLE: 1, ELEMENT: 2 } as const;

/** virDomainMemoryStatTags, as virsh's dommemstat names them. */
export const MemoryStatTag = {
  SWAP_IN: 0,
  SWAP_OUT: 1,
  MAJOR_FAULT: 2,
  MINOR_FAULT: 3,
  UNUSED: 4,
  AVAILABLE: 5,
  ACTUAL_BALLOON: 6,
  RSS: 7,
  USABLE: 8,
  LAST_UPDATE: 9,
  DISK_CACHES: 10,
  HUGETLB_PGALLOC: 11,
  HUGETLB_PGFAIL: 12,
} as const;

export { formatUuid };

/**
 * Parse a UUID as libvirt's virUUIDParse does: leading blanks, 32 hex digits with any dashes
 * between them, trailing blanks. Returns null when it is not one.
 *
 * @example
 * ```ts
 * import { formatUuid, parseUuid } from "./domain.ts";
 * const u = parseUuid("6695eb01-f6a4-8304-79aa-97f2502e193f")!;
 * console.assert(formatUuid(u) === "6695eb01-f6a4-8304-79aa-97f2502e193f");
 * ```
 */
export function parseUuid(text: string): Uint8Array | null {
  const bytes = new Uint8Array(16);
  let i = 0;
  while (text[i] === " ") i++;
  for (let n = 0; n < 32;) {
    if (text[i] === "-") {
      i++;
      continue;
    }
    const hi = hexValue(text[i]);
    const lo = hexValue(text[i + 1]);
    if (hi < 0 || lo < 0) return null;
    bytes[n / 2] = hi * 16 + lo;
    n += 2;
    i += 2;
  }
  for (; i < text.length; i++) if (text[i] !== " ") return null;
  return bytes;
}

function hexValue(c: string | undefined): number {
  if (c === undefined) return -1;
  const v = parseInt(c, 16);
  return Number.isNaN(v) ? -1 : v;
}

/**
 * Parse an ID as virsh's virStrToLong_i does for domain IDs: optional blanks and sign, decimal
 * digits to the end, a non-negative 32-bit value. Returns null when it is not one.
 */
export function parseDomainId(text: string): number | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/.exec(text);
  if (!m) return null;
  const v = BigInt(m[2]) * (m[1] === "-" ? -1n : 1n);
  if (v < 0n || v > 2147483647n) return null;
  return Number(v);
}

/** Which ways `lookupDomain` may interpret the text (virsh's VIRSH_BYID/BYUUID/BYNAME). */
export interface LookupBy {
  id?: boolean;
  uuid?: boolean;
  name?: boolean;
}

/**
 * Find a domain the way virsh does: a non-negative integer is tried as an ID, a 36-character
 * string as a UUID, then the text as a name; every failure is silent and the result is null
 * when no interpretation matched.
 *
 * @example
 * ```ts
 * import { Connection } from "./connection.ts";
 * import { lookupDomain } from "./domain.ts";
 * const conn = await Connection.open("test:///default");
 * const dom = await lookupDomain(conn, "1");
 * console.assert(dom?.name === "test");
 * await conn.close();
 * ```
 */
export async function lookupDomain(
  conn: Connection,
  text: string,
  by: LookupBy = { id: true, uuid: true, name: true },
): Promise<Domain | null> {
  if (by.id) {
    const id = parseDomainId(text);
    if (id !== null) {
      const found = await attempt(() => conn.call("domainLookupById", { id }));
      if (found) return new Domain(conn, found.dom);
    }
  }
  if (by.uuid && text.length === 36) {
    const uuid = parseUuid(text);
    if (uuid) {
      const found = await attempt(() => conn.call("domainLookupByUuid", { uuid }));
      if (found) return new Domain(conn, found.dom);
    }
  }
  if (by.name) {
    const found = await attempt(() => conn.call("domainLookupByName", { name: text }));
    if (found) return new Domain(conn, found.dom);
  }
  return null;
}

// libvirt's VIR_FROM_DOMAIN: the origin of the checks its client library makes before a call.
const FROM_DOMAIN = 20;

function invalidArg(message: string): VirtError {
  return new VirtError({ code: ErrorCode.INVALID_ARG, domain: FROM_DOMAIN, message });
}

/** The client library's check on save, managed save and restore flags. */
function checkSaveFlags(flags: number): void {
  if ((flags & SaveFlags.RUNNING) && (flags & SaveFlags.PAUSED)) {
    throw invalidArg(
      "Flags 'VIR_DOMAIN_SAVE_RUNNING' and 'VIR_DOMAIN_SAVE_PAUSED' are mutually exclusive",
    );
  }
}

/** virDomainRestore, or virDomainRestoreFlags when flags or an XML are given. */
export async function restoreDomain(
  conn: Connection,
  from: string,
  xml: string | null = null,
  flags = 0,
): Promise<void> {
  checkSaveFlags(flags);
  if (flags || xml !== null) await conn.call("domainRestoreFlags", { from, dxml: xml, flags });
  else await conn.call("domainRestore", { from });
}

async function attempt<T>(f: () => Promise<T>): Promise<T | null> {
  try {
    return await f();
  } catch {
    return null;
  }
}

/**
 * All domains matching `flags` (ListFlags), in virsh's order: running domains by ID, then
 * inactive ones by name, compared without case.
 */
export async function listDomains(conn: Connection, flags: number): Promise<Domain[]> {
  const { domains } = await conn.call("connectListAllDomains", { need_results: 1, flags });
  return domains.map((d) => new Domain(conn, d)).sort(compareDomains);
}

function compareDomains(a: Domain, b: Domain): number {
  if (a.id >= 0 && b.id >= 0) return a.id - b.id;
  if (a.id >= 0) return -1;
  if (b.id >= 0) return 1;
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** What virDomainGetInfo reports. */
export interface DomainInfo {
  state: number;
  maxMem: bigint;
  memory: bigint;
  nrVirtCpu: number;
  cpuTime: bigint;
}

/** One virtual CPU as virDomainGetVcpus reports it. */
export interface VcpuInfo {
  number: number;
  state: number;
  cpuTime: bigint;
  cpu: number;
}

/**
 * A domain on a connection. The name, ID and UUID are those of the lookup; methods are one
 * libvirt call each, named after the libvirt API they make.
 *
 * @example
 * ```ts
 * import { Connection } from "./connection.ts";
 * import { lookupDomain } from "./domain.ts";
 * const conn = await Connection.open("test:///default");
 * const dom = (await lookupDomain(conn, "test"))!;
 * console.assert((await dom.state()).state === 1);
 * await conn.close();
 * ```
 */
export class Domain {
  constructor(readonly conn: Connection, readonly ref: RemoteDomain) {}

  /** The domain's name. */
  get name(): string {
    return this.ref.name;
  }

  /** The domain's ID, -1 when it is not running. */
  get id(): number {
    return this.ref.id;
  }

  /** The domain's UUID in its text form. */
  get uuid(): string {
    return formatUuid(this.ref.uuid);
  }

  private get dom() {
    return { dom: this.ref };
  }

  /** virDomainGetInfo. */
  async info(): Promise<DomainInfo> {
    return await this.conn.call("domainGetInfo", this.dom);
  }

  /** virDomainGetState. */
  async state(): Promise<{ state: number; reason: number }> {
    return await this.conn.call("domainGetState", { ...this.dom, flags: 0 });
  }

  /** virDomainGetXMLDesc. */
  async xmlDesc(flags = 0): Promise<string> {
    return (await this.conn.call("domainGetXmlDesc", { ...this.dom, flags })).xml;
  }

  /** virDomainGetOSType. */
  async osType(): Promise<string> {
    return (await this.conn.call("domainGetOsType", this.dom)).type;
  }

  /** virDomainIsActive. */
  async isActive(): Promise<boolean> {
    return (await this.conn.call("domainIsActive", this.dom)).active !== 0;
  }

  /** virDomainIsPersistent. */
  async isPersistent(): Promise<boolean> {
    return (await this.conn.call("domainIsPersistent", this.dom)).persistent !== 0;
  }

  /** virDomainGetAutostart. */
  async autostart(): Promise<boolean> {
    return (await this.conn.call("domainGetAutostart", this.dom)).autostart !== 0;
  }

  /** virDomainSetAutostart. */
  async setAutostart(on: boolean): Promise<void> {
    await this.conn.call("domainSetAutostart", { ...this.dom, autostart: on ? 1 : 0 });
  }

  /** virDomainHasManagedSaveImage. */
  async hasManagedSave(): Promise<boolean> {
    return (await this.conn.call("domainHasManagedSaveImage", { ...this.dom, flags: 0 }))
      .result !== 0;
  }

  /** virDomainManagedSave. */
  async managedSave(flags = 0): Promise<void> {
    checkSaveFlags(flags);
    await this.conn.call("domainManagedSave", { ...this.dom, flags });
  }

  /** virDomainManagedSaveRemove. */
  async managedSaveRemove(): Promise<void> {
    await this.conn.call("domainManagedSaveRemove", { ...this.dom, flags: 0 });
  }

  /** virDomainCreate, or virDomainCreateWithFlags when flags are given. */
  async create(flags = 0): Promise<void> {
    if (flags) await this.conn.call("domainCreateWithFlags", { ...this.dom, flags });
    else await this.conn.call("domainCreate", this.dom);
  }

  /** virDomainShutdown, or virDomainShutdownFlags when flags are given. */
  async shutdown(flags = 0): Promise<void> {
    if (flags) await this.conn.call("domainShutdownFlags", { ...this.dom, flags });
    else await this.conn.call("domainShutdown", this.dom);
  }

  /** virDomainReboot. */
  async reboot(flags = 0): Promise<void> {
    await this.conn.call("domainReboot", { ...this.dom, flags });
  }

  /** virDomainReset. */
  async reset(): Promise<void> {
    await this.conn.call("domainReset", { ...this.dom, flags: 0 });
  }

  /** virDomainDestroy, or virDomainDestroyFlags when flags are given. */
  async destroy(flags = 0): Promise<void> {
    if (flags) await this.conn.call("domainDestroyFlags", { ...this.dom, flags });
    else await this.conn.call("domainDestroy", this.dom);
  }

  /** virDomainSuspend. */
  async suspend(): Promise<void> {
    await this.conn.call("domainSuspend", this.dom);
  }

  /** virDomainResume. */
  async resume(): Promise<void> {
    await this.conn.call("domainResume", this.dom);
  }

  /** virDomainUndefine, or virDomainUndefineFlags when flags are given. */
  async undefine(flags = 0): Promise<void> {
    if (flags) await this.conn.call("domainUndefineFlags", { ...this.dom, flags });
    else await this.conn.call("domainUndefine", this.dom);
  }

  /** virDomainSnapshotNum. */
  async snapshotCount(flags = 0): Promise<number> {
    return (await this.conn.call("domainSnapshotNum", { ...this.dom, flags })).num;
  }

  /** virDomainSave, or virDomainSaveFlags when flags or an XML are given. */
  async save(to: string, xml: string | null = null, flags = 0): Promise<void> {
    checkSaveFlags(flags);
    if (flags || xml !== null) {
      await this.conn.call("domainSaveFlags", { ...this.dom, to, dxml: xml, flags });
    } else {
      await this.conn.call("domainSave", { ...this.dom, to });
    }
  }

  /** virDomainRename. */
  async rename(newName: string): Promise<void> {
    await this.conn.call("domainRename", { ...this.dom, new_name: newName, flags: 0 });
  }

  /**
   * virDomainSetMemoryFlags (MemoryFlags.MAXIMUM for the maximum). As libvirt's client library
   * does, a zero size is refused before anything is sent.
   */
  async setMemory(kib: bigint, flags: number): Promise<void> {
    if (kib === 0n) throw invalidArg("memory in virDomainSetMemoryFlags must not be zero");
    await this.conn.call("domainSetMemoryFlags", { ...this.dom, memory: kib, flags });
  }

  /** virDomainSetVcpus (flags undefined) or virDomainSetVcpusFlags. */
  async setVcpus(count: number, flags?: number): Promise<void> {
    if (flags === undefined) await this.conn.call("domainSetVcpus", { ...this.dom, nvcpus: count });
    else await this.conn.call("domainSetVcpusFlags", { ...this.dom, nvcpus: count, flags });
  }

  /** virDomainGetVcpusFlags. */
  async vcpuCount(flags: number): Promise<number> {
    return (await this.conn.call("domainGetVcpusFlags", { ...this.dom, flags })).num;
  }

  /** virDomainGetMaxVcpus. */
  async maxVcpus(): Promise<number> {
    return (await this.conn.call("domainGetMaxVcpus", this.dom)).num;
  }

  /** virDomainGetVcpus: per-vCPU state and the affinity maps (`maplen` bytes each). */
  async vcpus(maxinfo: number, maplen: number): Promise<{ info: VcpuInfo[]; cpumaps: Uint8Array }> {
    const r = await this.conn.call("domainGetVcpus", { ...this.dom, maxinfo, maplen });
    return {
      info: r.info.map((v) => ({
        number: v.number,
        state: v.state,
        cpuTime: v.cpu_time,
        cpu: v.cpu,
      })),
      cpumaps: r.cpumaps,
    };
  }

  /** virDomainGetVcpuPinInfo. */
  async vcpuPinInfo(ncpumaps: number, maplen: number, flags: number): Promise<Uint8Array> {
    const r = await this.conn.call("domainGetVcpuPinInfo", {
      ...this.dom,
      ncpumaps,
      maplen,
      flags,
    });
    return r.cpumaps;
  }

  /** virDomainGetMetadata. */
  async metadata(type: number, uri: string | null, flags: number): Promise<string> {
    return (await this.conn.call("domainGetMetadata", { ...this.dom, type, uri, flags })).metadata;
  }

  /** virDomainSetMetadata. */
  async setMetadata(
    type: number,
    metadata: string | null,
    key: string | null,
    uri: string | null,
    flags: number,
  ): Promise<void> {
    if (type === MetadataType.TITLE && metadata?.includes("\n")) {
      throw invalidArg("metadata title can't contain newlines");
    }
    await this.conn.call("domainSetMetadata", { ...this.dom, type, metadata, key, uri, flags });
  }

  /** virDomainGetSecurityLabel. */
  async securityLabel(): Promise<{ label: string; enforcing: boolean }> {
    const r = await this.conn.call("domainGetSecurityLabel", this.dom);
    return { label: r.label, enforcing: r.enforcing !== 0 };
  }

  /** virDomainGetBlockInfo. */
  async blockInfo(
    path: string,
  ): Promise<{ capacity: bigint; allocation: bigint; physical: bigint }> {
    return await this.conn.call("domainGetBlockInfo", { ...this.dom, path, flags: 0 });
  }

  /** virDomainMemoryStats. */
  async memoryStats(maxStats: number): Promise<{ tag: number; val: bigint }[]> {
    return (await this.conn.call("domainMemoryStats", { ...this.dom, maxStats, flags: 0 })).stats;
  }

  /** virDomainSetMemoryStatsPeriod. */
  async setMemoryStatsPeriod(period: number, flags: number): Promise<void> {
    await this.conn.call("domainSetMemoryStatsPeriod", { ...this.dom, period, flags });
  }
}
