// The typed snapshot API for scripts and plugins: libvirt's snapshot flag values by name, and a
// DomainSnapshot handle whose methods are one libvirt call each, with the checks libvirt's client
// library makes before sending them.

import type { Connection } from "./connection.ts";
import { ErrorCode, VirtError } from "./errors.ts";
import type { RemoteDomain, RemoteDomainSnapshot } from "./remote/protocol.ts";

/** virDomainSnapshotCreateFlags. */
export const SnapshotCreateFlags = {
  REDEFINE: 1,
  CURRENT: 2,
  NO_METADATA: 4,
  HALT: 8,
  DISK_ONLY: 16,
  REUSE_EXT: 32,
  QUIESCE: 64,
  ATOMIC: 128,
  LIVE: 256,
  VALIDATE: 512,
} as const;

/** virDomainSnapshotListFlags (ROOTS and DESCENDANTS share a bit). */
export const SnapshotListFlags = {
  ROOTS: 1,
  DESCENDANTS: 1,
  METADATA: 2,
  LEAVES: 4,
  NO_LEAVES: 8,
  NO_METADATA: 16,
  INACTIVE: 32,
  ACTIVE: 64,
  DISK_ONLY: 128,
  INTERNAL: 256,
  EXTERNAL: 512,
  TOPOLOGICAL: 1024,
} as const;

/** virDomainSnapshotRevertFlags. */
export const SnapshotRevertFlags = { RUNNING: 1, PAUSED: 2, FORCE: 4, RESET_NVRAM: 8 } as const;

/** virDomainSnapshotDeleteFlags. */
export const SnapshotDeleteFlags = { CHILDREN: 1, METADATA_ONLY: 2, CHILDREN_ONLY: 4 } as const;

/** virDomainSnapshotXMLFlags. */
export const SnapshotXmlFlags = { SECURE: 1 } as const;

const FROM_DOMAIN_SNAPSHOT = 35;

function flagName(group: Record<string, number>, prefix: string, bit: number): string {
  const name = Object.entries(group).find(([, v]) => v === bit)?.[0] ?? String(bit);
  return `VIR_DOMAIN_SNAPSHOT_${prefix}_${name}`;
}

/** The client library's VIR_EXCLUSIVE_FLAGS check. */
function exclusiveFlags(
  flags: number,
  group: Record<string, number>,
  prefix: string,
  a: number,
  b: number,
): void {
  if ((flags & a) && (flags & b)) {
    throw new VirtError({
      code: ErrorCode.INVALID_ARG,
      domain: FROM_DOMAIN_SNAPSHOT,
      message: `Flags '${flagName(group, prefix, a)}' and '${
        flagName(group, prefix, b)
      }' are mutually exclusive`,
    });
  }
}

/**
 * A snapshot of a domain on a connection.
 *
 * @example
 * ```ts
 * import { Connection } from "./connection.ts";
 * import { lookupDomain } from "./domain.ts";
 * import { DomainSnapshot } from "./snapshot.ts";
 * const conn = await Connection.open("test:///default");
 * const dom = (await lookupDomain(conn, "test"))!;
 * const snap = await DomainSnapshot.create(conn, dom.ref, "<domainsnapshot><name>s1</name></domainsnapshot>");
 * console.assert(snap.name === "s1");
 * console.assert((await DomainSnapshot.current(conn, dom.ref)).name === "s1");
 * await conn.close();
 * ```
 */
export class DomainSnapshot {
  constructor(readonly conn: Connection, readonly ref: RemoteDomainSnapshot) {}

  /** The snapshot's name. */
  get name(): string {
    return this.ref.name;
  }

  /** virDomainSnapshotCreateXML. */
  static async create(
    conn: Connection,
    dom: RemoteDomain,
    xml: string,
    flags = 0,
  ): Promise<DomainSnapshot> {
    const F = SnapshotCreateFlags;
    if ((flags & F.CURRENT) && !(flags & F.REDEFINE)) {
      throw new VirtError({
        code: ErrorCode.INVALID_ARG,
        domain: FROM_DOMAIN_SNAPSHOT,
        message: "Flag 'VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE' is required by flag " +
          "'VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT'",
      });
    }
    exclusiveFlags(flags, F, "CREATE", F.REDEFINE, F.NO_METADATA);
    exclusiveFlags(flags, F, "CREATE", F.REDEFINE, F.HALT);
    const { snap } = await conn.call("domainSnapshotCreateXml", { dom, xml_desc: xml, flags });
    return new DomainSnapshot(conn, snap);
  }

  /** virDomainSnapshotLookupByName. */
  static async lookup(conn: Connection, dom: RemoteDomain, name: string): Promise<DomainSnapshot> {
    const { snap } = await conn.call("domainSnapshotLookupByName", { dom, name, flags: 0 });
    return new DomainSnapshot(conn, snap);
  }

  /** virDomainSnapshotCurrent. */
  static async current(conn: Connection, dom: RemoteDomain): Promise<DomainSnapshot> {
    const { snap } = await conn.call("domainSnapshotCurrent", { dom, flags: 0 });
    return new DomainSnapshot(conn, snap);
  }

  /** virDomainHasCurrentSnapshot. */
  static async hasCurrent(conn: Connection, dom: RemoteDomain): Promise<boolean> {
    return (await conn.call("domainHasCurrentSnapshot", { dom, flags: 0 })).result !== 0;
  }

  /** virDomainListAllSnapshots. */
  static async list(conn: Connection, dom: RemoteDomain, flags = 0): Promise<DomainSnapshot[]> {
    const r = await conn.call("domainListAllSnapshots", { dom, need_results: 1, flags });
    return r.snapshots.map((s) => new DomainSnapshot(conn, s));
  }

  /** virDomainSnapshotNum. */
  static async count(conn: Connection, dom: RemoteDomain, flags = 0): Promise<number> {
    return (await conn.call("domainSnapshotNum", { dom, flags })).num;
  }

  private get snap() {
    return { snap: this.ref };
  }

  /** virDomainSnapshotGetXMLDesc. */
  async xmlDesc(flags = 0): Promise<string> {
    return (await this.conn.call("domainSnapshotGetXmlDesc", { ...this.snap, flags })).xml;
  }

  /** virDomainSnapshotGetParent. */
  async parent(): Promise<DomainSnapshot> {
    const { snap } = await this.conn.call("domainSnapshotGetParent", { ...this.snap, flags: 0 });
    return new DomainSnapshot(this.conn, snap);
  }

  /** virDomainSnapshotListAllChildren. */
  async children(flags = 0): Promise<DomainSnapshot[]> {
    const r = await this.conn.call("domainSnapshotListAllChildren", {
      snapshot: this.ref,
      need_results: 1,
      flags,
    });
    return r.snapshots.map((s) => new DomainSnapshot(this.conn, s));
  }

  /** virDomainSnapshotNumChildren. */
  async childCount(flags = 0): Promise<number> {
    return (await this.conn.call("domainSnapshotNumChildren", { ...this.snap, flags })).num;
  }

  /** virDomainSnapshotIsCurrent. */
  async isCurrent(): Promise<boolean> {
    return (await this.conn.call("domainSnapshotIsCurrent", { ...this.snap, flags: 0 }))
      .current !== 0;
  }

  /** virDomainSnapshotHasMetadata. */
  async hasMetadata(): Promise<boolean> {
    return (await this.conn.call("domainSnapshotHasMetadata", { ...this.snap, flags: 0 }))
      .metadata !== 0;
  }

  /** virDomainRevertToSnapshot. */
  async revert(flags = 0): Promise<void> {
    const F = SnapshotRevertFlags;
    exclusiveFlags(flags, F, "REVERT", F.RUNNING, F.PAUSED);
    await this.conn.call("domainRevertToSnapshot", { ...this.snap, flags });
  }

  /** virDomainSnapshotDelete. */
  async delete(flags = 0): Promise<void> {
    const F = SnapshotDeleteFlags;
    exclusiveFlags(flags, F, "DELETE", F.CHILDREN, F.CHILDREN_ONLY);
    await this.conn.call("domainSnapshotDelete", { ...this.snap, flags });
  }
}
