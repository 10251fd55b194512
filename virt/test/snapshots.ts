// Snapshot procedures of the embedded test driver: each domain's snapshot tree (current
// snapshot, parent links, children in libvirt's order) and test_driver.c's create, revert and
// delete semantics, with libvirt's error texts.

import { ErrorCode, VirtError } from "../errors.ts";
import type { RemoteDomain, RemoteDomainSnapshot } from "../remote/protocol.ts";
import { cloneDomainDef, type DomainDef, domainDisks } from "../xml/domain.ts";
import { formatUuid, uuidEqual } from "../xml/uuid.ts";
import {
  formatSnapshotXml,
  isExternalSnapshot,
  parseSnapshotElement,
  parseSnapshotXml,
  SNAPSHOT_STATES,
  type SnapshotDef,
  type SnapshotDiskDef,
  type SnapshotLocation,
} from "../xml/snapshot.ts";
import { child, text } from "../xml/tree.ts";
import {
  checkFlags,
  From,
  invalidArg,
  operationFailed,
  operationInvalid,
  virtError,
} from "./errors.ts";
import { definitionToVirtError, type DomainObj, State, type TestState } from "./state.ts";

// deno-lint-ignore no-explicit-any
type Args = any;

/** virDomainSnapshotCreateFlags. */
const Create = {
  REDEFINE: 1,
  CURRENT: 2,
  HALT: 8,
  QUIESCE: 64,
  ATOMIC: 128,
  LIVE: 256,
  VALIDATE: 512,
} as const;

/** virDomainSnapshotListFlags. */
const List = {
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
const FILTERS_STATUS = List.INACTIVE | List.ACTIVE | List.DISK_ONLY;
const FILTERS_LOCATION = List.INTERNAL | List.EXTERNAL;
const FILTERS_ALL = List.METADATA | List.NO_METADATA | List.LEAVES | List.NO_LEAVES |
  FILTERS_STATUS | FILTERS_LOCATION;

const REVERT_RUNNING = 1;
const REVERT_PAUSED = 2;
const REVERT_FORCE = 4;
const DELETE_CHILDREN = 1;
const DELETE_CHILDREN_ONLY = 4;
const XML_SECURE = 1;

const RUNNING_FROM_SNAPSHOT = 4;
const PAUSED_FROM_SNAPSHOT = 7;
const SHUTOFF_FROM_SNAPSHOT = 7;

/** One snapshot in a domain's tree (virDomainMomentObj). */
export interface SnapshotObj {
  def: SnapshotDef & { name: string };
  parent?: SnapshotObj;
  /** Most recently linked first, as libvirt keeps them. */
  children: SnapshotObj[];
}

/** A domain's snapshots: a metaroot whose children are the roots, and the current one. */
export class SnapshotTree {
  readonly root: SnapshotObj = { def: { name: "", disks: [] }, children: [] };
  /** In creation order. */
  readonly all: SnapshotObj[] = [];
  current?: SnapshotObj;

  /** The snapshot named `name`. */
  find(name: string): SnapshotObj | undefined {
    return this.all.find((s) => s.def.name === name);
  }

  /** Add a snapshot (virDomainSnapshotAssignDef); links it to nothing yet. */
  add(def: SnapshotDef & { name: string }): SnapshotObj {
    if (this.find(def.name)) {
      throw operationFailed(`domain moment ${def.name} already exists`, From.DOMAIN_SNAPSHOT);
    }
    const s: SnapshotObj = { def, children: [] };
    this.all.push(s);
    return s;
  }

  /** Put `s` under the snapshot its definition names as parent, first among its siblings. */
  link(s: SnapshotObj): void {
    const p = (s.def.parent !== undefined ? this.find(s.def.parent) : undefined) ?? this.root;
    s.parent = p;
    p.children.unshift(s);
  }

  /** Take `s` out of its parent's children. */
  unlink(s: SnapshotObj): void {
    if (s.parent) s.parent.children = s.parent.children.filter((c) => c !== s);
    s.parent = undefined;
  }

  /** Forget `s`; returns whether it was the current snapshot. */
  remove(s: SnapshotObj): boolean {
    const i = this.all.indexOf(s);
    if (i >= 0) this.all.splice(i, 1);
    if (this.current === s) {
      this.current = undefined;
      return true;
    }
    return false;
  }

  /** Every descendant of `s`, parents before children (libvirt's topological order). */
  descendants(s: SnapshotObj): SnapshotObj[] {
    const out: SnapshotObj[] = [];
    const walk = (n: SnapshotObj) => {
      for (const c of n.children) {
        out.push(c);
        walk(c);
      }
    };
    walk(s);
    return out;
  }

  /**
   * Delete a snapshot as testDomainSnapshotDelete does: with `children`, its descendants too;
   * with `childrenOnly`, only them; otherwise its children move up to its parent.
   */
  delete(s: SnapshotObj, children: boolean, childrenOnly: boolean): void {
    if (children || childrenOnly) {
      let wasCurrent = false;
      for (const d of this.descendants(s)) wasCurrent = this.remove(d) || wasCurrent;
      if (wasCurrent) this.current = s;
    } else if (s.children.length) {
      const up = s.parent ?? this.root;
      for (const c of s.children) {
        c.def.parent = up === this.root ? undefined : up.def.name;
        c.parent = up;
      }
      up.children = [...s.children, ...up.children];
    }
    if (childrenOnly) {
      s.children = [];
      return;
    }
    this.unlink(s);
    if (this.current === s) {
      this.current = s.def.parent !== undefined ? this.find(s.def.parent) : undefined;
    }
    this.remove(s);
  }

  /**
   * The snapshots a listing with `flags` returns (virDomainSnapshotObjListGetNames): all of
   * them, the roots, or the children or descendants of `from`, then filtered.
   */
  select(from: SnapshotObj | undefined, flags: number): SnapshotObj[] {
    if ((flags & (List.METADATA | List.NO_METADATA)) === List.NO_METADATA) return [];
    let candidates: SnapshotObj[];
    const topological = (flags & List.TOPOLOGICAL) !== 0;
    if (from) {
      if (flags & List.DESCENDANTS) {
        const desc = this.descendants(from);
        candidates = topological ? desc : this.all.filter((s) => desc.includes(s));
      } else candidates = [...from.children];
    } else if (flags & List.ROOTS) candidates = [...this.root.children];
    else candidates = topological ? this.descendants(this.root) : [...this.all];
    let f = flags;
    if ((f & FILTERS_STATUS) === FILTERS_STATUS) f &= ~FILTERS_STATUS;
    if ((f & FILTERS_LOCATION) === FILTERS_LOCATION) f &= ~FILTERS_LOCATION;
    return candidates.filter((s) => {
      if ((f & List.LEAVES) && s.children.length) return false;
      if ((f & List.NO_LEAVES) && !s.children.length) return false;
      const st = s.def.state;
      if (f & FILTERS_STATUS) {
        if (!(f & List.INACTIVE) && st === "shutoff") return false;
        if (!(f & List.DISK_ONLY) && st === "disk-snapshot") return false;
        if (!(f & List.ACTIVE) && st !== "shutoff" && st !== "disk-snapshot") return false;
      }
      if ((f & List.INTERNAL) && isExternalSnapshot(s.def)) return false;
      if ((f & List.EXTERNAL) && !isExternalSnapshot(s.def)) return false;
      return true;
    });
  }
}

const trees = new WeakMap<DomainObj, SnapshotTree>();

/**
 * The snapshot tree of a domain. A domain from a node file starts with the snapshots its
 * <test:domainsnapshot> elements describe (the one with <active>1</active> is current).
 */
export function snapshotTree(o: DomainObj): SnapshotTree {
  let t = trees.get(o);
  if (t) return t;
  t = new SnapshotTree();
  trees.set(o, t);
  for (const e of o.snapshots) {
    const def = parseSnapshotElement(e, { redefine: true }) as SnapshotDef & { name: string };
    const s = t.add(def);
    if ((text(child(e, "active")) ?? "").trim() === "1") t.current = s;
  }
  for (const s of t.all) t.link(s);
  return t;
}

/** How many snapshots a domain has (what undefine and list --with-snapshot look at). */
export function snapshotCount(o: DomainObj): number {
  return snapshotTree(o).all.length;
}

function noSnapshot(name: string): VirtError {
  return virtError(
    ErrorCode.NO_DOMAIN_SNAPSHOT,
    `no domain snapshot with matching name '${name}'`,
    From.TEST,
  );
}

function isActive(o: DomainObj): boolean {
  return o.def.id !== -1;
}

function isOnline(state: string | undefined): boolean {
  return state === "running" || state === "paused";
}

const unsupported = (m: string) => virtError(ErrorCode.CONFIG_UNSUPPORTED, m, From.DOMAIN_SNAPSHOT);

/** Find a domain disk by target or source path, as virDomainDiskByName does. */
function domainDiskIndex(dom: DomainDef, name: string): number {
  const disks = domainDisks(dom);
  const byTarget = disks.findIndex((d) => d.target === name);
  return byTarget >= 0 ? byTarget : disks.findIndex((d) => d.source === name);
}

/** Name the new image of each external disk after its source and the snapshot. */
function assignExternalNames(def: SnapshotDef & { name: string }, dom: DomainDef): void {
  const disks = domainDisks(dom);
  def.disks.forEach((d, i) => {
    if (d.snapshot !== "external" || d.source !== undefined) return;
    if (d.type !== "file") {
      throw unsupported(
        `cannot generate external snapshot name for disk '${d.name}' on a '${d.type}' device`,
      );
    }
    const orig = disks[i]?.source;
    if (orig === undefined) {
      throw unsupported(
        `cannot generate external snapshot name for disk '${d.name}' without source`,
      );
    }
    let regular = false;
    try {
      regular = Deno.statSync(orig).isFile;
    } catch {
      regular = false;
    }
    if (!regular) {
      throw unsupported(
        `source for disk '${d.name}' is not a regular file; refusing to generate external snapshot name`,
      );
    }
    const dot = orig.lastIndexOf(".");
    const base = dot >= 0 && !orig.slice(dot).includes("/") ? orig.slice(0, dot) : orig;
    d.source = `${base}.${def.name}`;
    const clash = def.disks.slice(0, i).find((o) => o.source === d.source);
    if (clash) {
      throw unsupported(
        `cannot generate external snapshot name for disk '${d.name}': collision with disk '${clash.name}'`,
      );
    }
  });
}

/** virDomainSnapshotAlignDisks: one entry per domain disk, in the domain's order. */
function alignDisks(
  def: SnapshotDef & { name: string },
  dom: DomainDef | undefined,
  fallback: SnapshotLocation,
  uniformInternal: boolean,
): void {
  if (!dom) throw missingDomain();
  const domDisks = domainDisks(dom);
  if (def.disks.length > domDisks.length) {
    throw unsupported("too many disk snapshot requests for domain");
  }
  const requireMatch = uniformInternal && fallback === "internal";
  if (!domDisks.length) return;
  const byTarget = new Map<string, SnapshotDiskDef>();
  for (const d of def.disks) {
    const i = domainDiskIndex(dom, d.name);
    if (i < 0) throw unsupported(`no disk named '${d.name}'`);
    const target = domDisks[i].target;
    if (byTarget.has(target)) throw unsupported(`disk '${d.name}' specified twice`);
    byTarget.set(target, d);
    const domMode = domDisks[i].el.attrs.snapshot as SnapshotLocation | undefined;
    if (d.snapshot === undefined) {
      d.snapshot = domMode !== undefined && (!requireMatch || domMode === "no")
        ? domMode
        : fallback;
    } else if (
      requireMatch && d.snapshot !== fallback && !(d.snapshot === "no" && domMode === "no")
    ) {
      throw unsupported(`disk '${d.name}' must use snapshot mode '${fallback}'`);
    }
    if (d.source !== undefined && d.snapshot !== "external") {
      throw unsupported(
        `file '${d.source}' for disk '${d.name}' requires use of external snapshot mode`,
      );
    }
    d.name = target;
  }
  def.disks = domDisks.map((dd) => {
    const given = byTarget.get(dd.target);
    if (given) return given;
    const mode = dd.source === undefined
      ? "no"
      : (dd.el.attrs.snapshot as SnapshotLocation | undefined) ?? fallback;
    return { name: dd.target, snapshot: mode, type: "file" };
  });
  assignExternalNames(def, dom);
}

/** The snapshot procedures of one embedded connection. */
export class SnapshotProcs {
  constructor(
    private readonly s: TestState,
    private readonly domainOf: (dom: RemoteDomain) => DomainObj,
  ) {}

  private ref(o: DomainObj, snap: SnapshotObj): RemoteDomainSnapshot {
    return { name: snap.def.name, dom: { name: o.def.name, uuid: o.def.uuid, id: o.def.id } };
  }

  private lookup(ref: RemoteDomainSnapshot): { o: DomainObj; t: SnapshotTree; snap: SnapshotObj } {
    const o = this.domainOf(ref.dom);
    const t = snapshotTree(o);
    const snap = t.find(ref.name);
    if (!snap) throw noSnapshot(ref.name);
    return { o, t, snap };
  }

  num(a: Args) {
    checkFlags(a.flags, List.ROOTS | List.TOPOLOGICAL | FILTERS_ALL, "testDomainSnapshotNum");
    const t = snapshotTree(this.domainOf(a.dom));
    return { num: t.select(undefined, a.flags).length };
  }

  listNames(a: Args) {
    checkFlags(a.flags, List.ROOTS | List.TOPOLOGICAL | FILTERS_ALL, "testDomainSnapshotListNames");
    const t = snapshotTree(this.domainOf(a.dom));
    const names = t.select(undefined, a.flags).map((s) => s.def.name);
    return { names: names.slice(0, Math.max(0, a.maxnames)) };
  }

  listAll(a: Args) {
    checkFlags(a.flags, List.ROOTS | List.TOPOLOGICAL | FILTERS_ALL, "testDomainListAllSnapshots");
    const o = this.domainOf(a.dom);
    const found = snapshotTree(o).select(undefined, a.flags);
    return {
      snapshots: a.need_results ? found.map((s) => this.ref(o, s)) : [],
      ret: found.length,
    };
  }

  numChildren(a: Args) {
    checkFlags(
      a.flags,
      List.DESCENDANTS | List.TOPOLOGICAL | FILTERS_ALL,
      "testDomainSnapshotNumChildren",
    );
    const { t, snap } = this.lookup(a.snap);
    return { num: t.select(snap, a.flags).length };
  }

  listChildrenNames(a: Args) {
    checkFlags(
      a.flags,
      List.DESCENDANTS | List.TOPOLOGICAL | FILTERS_ALL,
      "testDomainSnapshotListChildrenNames",
    );
    const { t, snap } = this.lookup(a.snap);
    const names = t.select(snap, a.flags).map((s) => s.def.name);
    return { names: names.slice(0, Math.max(0, a.maxnames)) };
  }

  listAllChildren(a: Args) {
    checkFlags(
      a.flags,
      List.DESCENDANTS | List.TOPOLOGICAL | FILTERS_ALL,
      "testDomainSnapshotListAllChildren",
    );
    const { o, t, snap } = this.lookup(a.snapshot);
    const found = t.select(snap, a.flags);
    return {
      snapshots: a.need_results ? found.map((s) => this.ref(o, s)) : [],
      ret: found.length,
    };
  }

  lookupByName(a: Args) {
    checkFlags(a.flags, 0, "testDomainSnapshotLookupByName");
    const o = this.domainOf(a.dom);
    const snap = snapshotTree(o).find(a.name);
    if (!snap) throw noSnapshot(a.name);
    return { snap: this.ref(o, snap) };
  }

  hasCurrent(a: Args) {
    checkFlags(a.flags, 0, "testDomainHasCurrentSnapshot");
    return { result: snapshotTree(this.domainOf(a.dom)).current ? 1 : 0 };
  }

  getParent(a: Args) {
    checkFlags(a.flags, 0, "testDomainSnapshotGetParent");
    const { o, snap } = this.lookup(a.snap);
    if (snap.def.parent === undefined) {
      throw virtError(
        ErrorCode.NO_DOMAIN_SNAPSHOT,
        `snapshot '${snap.def.name}' does not have a parent`,
      );
    }
    return { snap: { name: snap.def.parent, dom: this.ref(o, snap).dom } };
  }

  current(a: Args) {
    checkFlags(a.flags, 0, "testDomainSnapshotCurrent");
    const o = this.domainOf(a.dom);
    const cur = snapshotTree(o).current;
    if (!cur) {
      throw virtError(ErrorCode.NO_DOMAIN_SNAPSHOT, "the domain does not have a current snapshot");
    }
    return { snap: this.ref(o, cur) };
  }

  getXmlDesc(a: Args) {
    checkFlags(a.flags, XML_SECURE, "testDomainSnapshotGetXMLDesc");
    const { o, snap } = this.lookup(a.snap);
    const xml = formatSnapshotXml(snap.def, {
      secure: (a.flags & XML_SECURE) !== 0,
      domainUuid: formatUuid(o.def.uuid),
    });
    return { xml };
  }

  isCurrent(a: Args) {
    checkFlags(a.flags, 0, "testDomainSnapshotIsCurrent");
    const { t, snap } = this.lookup(a.snap);
    return { current: t.current === snap ? 1 : 0 };
  }

  hasMetadata(a: Args) {
    checkFlags(a.flags, 0, "testDomainSnapshotHasMetadata");
    this.lookup(a.snap);
    return { metadata: 1 };
  }

  createXml(a: Args) {
    const flags = a.flags >>> 0;
    checkFlags(
      flags,
      Create.REDEFINE | Create.CURRENT | Create.HALT | Create.QUIESCE | Create.ATOMIC |
        Create.LIVE | Create.VALIDATE,
      "testDomainSnapshotCreateXML",
    );
    const redefine = (flags & Create.REDEFINE) !== 0;
    const o = this.domainOf(a.dom);
    const t = snapshotTree(o);
    if (!o.persistent && (flags & Create.HALT)) {
      throw operationInvalid("cannot halt after transient domain snapshot");
    }
    let def: SnapshotDef;
    try {
      def = parseSnapshotXml(a.xml_desc, { redefine, validate: (flags & Create.VALIDATE) !== 0 });
    } catch (e) {
      throw definitionToVirtError(e);
    }
    let snap: SnapshotObj | undefined;
    if (redefine) {
      const named = def as SnapshotDef & { name: string };
      snap = this.prepareRedefine(o, t, named);
      if (snap) {
        t.unlink(snap);
        snap.def = named;
      }
    } else {
      const now = BigInt(Math.floor(Date.now() / 1000));
      def.creationTime = now;
      def.name ??= String(now);
      def.domain = cloneDomainDef(o.def);
      def.domain.id = -1;
      def.state = SNAPSHOT_STATES[o.state];
      let location: SnapshotLocation = "internal";
      let uniform = true;
      if (def.memory === "external") {
        location = "external";
        uniform = false;
      } else {
        def.memory = def.state === "shutoff" ? "no" : "internal";
      }
      try {
        alignDisks(def as SnapshotDef & { name: string }, def.domain, location, uniform);
      } catch (e) {
        throw definitionToVirtError(e);
      }
    }
    snap ??= t.add(def as SnapshotDef & { name: string });
    if (!redefine) {
      if (t.current) snap.def.parent = t.current.def.name;
      if ((flags & Create.HALT) && isActive(o)) this.s.stopDomain(o, SHUTOFF_FROM_SNAPSHOT);
    }
    if (!redefine || (flags & Create.CURRENT)) t.current = snap;
    t.link(snap);
    return { snap: this.ref(o, snap) };
  }

  /** The checks of virDomainSnapshotRedefinePrep; returns the snapshot being redefined. */
  private prepareRedefine(
    o: DomainObj,
    t: SnapshotTree,
    def: SnapshotDef & { name: string },
  ): SnapshotObj | undefined {
    if (def.parent !== undefined) {
      if (def.parent === def.name) {
        throw invalidArg(`cannot set moment ${def.name} as its own parent`, From.DOMAIN_SNAPSHOT);
      }
      let other = t.find(def.parent);
      if (!other) {
        throw invalidArg(
          `parent ${def.parent} for moment ${def.name} not found`,
          From.DOMAIN_SNAPSHOT,
        );
      }
      while (other?.def.parent !== undefined) {
        if (other.def.parent === def.name) {
          throw invalidArg(
            `parent ${other.def.name} would create cycle to ${def.name}`,
            From.DOMAIN_SNAPSHOT,
          );
        }
        other = t.find(other.def.parent);
      }
    }
    const existing = t.find(def.name);
    if (def.domain && !uuidEqual(def.domain.uuid, o.def.uuid)) {
      throw invalidArg(
        `definition for snapshot ${def.name} must use uuid ${formatUuid(o.def.uuid)}`,
        From.DOMAIN_SNAPSHOT,
      );
    }
    if (existing) {
      if (isOnline(existing.def.state) !== isOnline(def.state)) {
        throw invalidArg(
          `cannot change between online and offline snapshot state in snapshot ${def.name}`,
          From.DOMAIN_SNAPSHOT,
        );
      }
      if ((existing.def.state === "disk-snapshot") !== (def.state === "disk-snapshot")) {
        throw invalidArg(
          `cannot change between disk only and full system in snapshot ${def.name}`,
          From.DOMAIN_SNAPSHOT,
        );
      }
    }
    const location = def.state === "disk-snapshot" || isExternalSnapshot(def)
      ? "external"
      : "internal";
    try {
      alignDisks(def, def.domain ?? existing?.def.domain, location, true);
    } catch (e) {
      throw definitionToVirtError(e);
    }
    return existing;
  }

  revert(a: Args) {
    const flags = a.flags >>> 0;
    checkFlags(flags, REVERT_RUNNING | REVERT_PAUSED | REVERT_FORCE, "testDomainRevertToSnapshot");
    const { o, t, snap } = this.lookup(a.snap);
    const def = snap.def;
    const online = isOnline(def.state);
    const startFlags = flags & (REVERT_RUNNING | REVERT_PAUSED);
    if (!o.persistent && !online && !startFlags) {
      throw operationInvalid(
        "transient domain needs to request run or pause to revert to inactive snapshot",
      );
    }
    // libvirt 9.0's test driver lets a running domain revert to a shut-off snapshot with
    // --running or --paused without --force: it stops the domain and leaves it stopped.
    if (!(flags & REVERT_FORCE) && !def.domain) {
      throw revertRisky(`snapshot '${def.name}' lacks domain '${o.def.name}' rollback info`);
    }
    t.current = undefined;
    if (!def.domain) throw missingDomain();
    // libvirt 9.0's test driver restarts a running domain (with a new ID) to load a running or
    // paused snapshot; a shut-off snapshot becomes the definition the domain stops to.
    const config = cloneDomainDef(def.domain);
    config.id = -1;
    if (online) {
      if (isActive(o)) this.s.stopDomain(o, SHUTOFF_FROM_SNAPSHOT);
      o.def = config;
      this.s.startDomain(o, RUNNING_FROM_SNAPSHOT);
      if (!(flags & REVERT_RUNNING) && (def.state === "paused" || (flags & REVERT_PAUSED))) {
        o.state = State.PAUSED;
        o.reason = PAUSED_FROM_SNAPSHOT;
      }
    } else if (isActive(o)) {
      o.newDef = config;
      this.s.stopDomain(o, SHUTOFF_FROM_SNAPSHOT);
    } else {
      o.def = config;
    }
    t.current = snap;
  }

  delete(a: Args) {
    const flags = a.flags >>> 0;
    checkFlags(flags, DELETE_CHILDREN | DELETE_CHILDREN_ONLY, "testDomainSnapshotDelete");
    const { t, snap } = this.lookup(a.snap);
    t.delete(snap, (flags & DELETE_CHILDREN) !== 0, (flags & DELETE_CHILDREN_ONLY) !== 0);
  }
}

function missingDomain(): VirtError {
  return virtError(ErrorCode.INTERNAL_ERROR, "missing domain in snapshot", From.DOMAIN_SNAPSHOT);
}

function revertRisky(detail: string): VirtError {
  return new VirtError({
    code: ErrorCode.SNAPSHOT_REVERT_RISKY,
    domain: From.TEST,
    message: `revert requires force: ${detail}`,
    str1: detail,
  });
}
