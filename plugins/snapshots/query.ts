// The snapshot commands that read: snapshot-list, snapshot-info, snapshot-dumpxml,
// snapshot-current (which also sets the current snapshot) and snapshot-parent.

import { defineCommand, exclusive, opt, Result, VshError } from "../../shell/mod.ts";
import type { ShellContext } from "../../shell/mod.ts";
import { ErrorCode, VirtError } from "../../virt/errors.ts";
import {
  DomainSnapshot,
  SnapshotCreateFlags,
  SnapshotListFlags as L,
  SnapshotXmlFlags,
} from "../../virt/snapshot.ts";
import { commandDomain } from "../domain_lookup.ts";
import { dumpXml, xpathOptions } from "../../shell/xml_output.ts";
import {
  commandDomainSnapshot,
  commandSnapshot,
  formatCreationTime,
  snapshotNameOption,
  summarize,
} from "./common.ts";
import { printTree } from "./tree.ts";
import { withData } from "../common.ts";

/** The name of a snapshot's parent, or undefined for a root (virshGetSnapshotParent). */
async function parentName(snap: DomainSnapshot): Promise<string | undefined> {
  try {
    return (await snap.parent()).name;
  } catch (e) {
    if (e instanceof VirtError && e.code === ErrorCode.NO_DOMAIN_SNAPSHOT) return undefined;
    throw new VshError("unable to determine if snapshot has parent", { cause: e });
  }
}

/** ASCII case-insensitive order, as strcasecmp sorts snapshot names. */
function compareNames(a: string, b: string): number {
  const x = a.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const y = b.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `snapshot-list`: the snapshots of a domain, as a table, names or a tree. */
export const snapshotList = defineCommand({
  name: "snapshot-list",
  group: "snapshot",
  summary: "List snapshots for a domain",
  description: "Snapshot List",
  json: "an array of snapshots: name, creationTime (seconds), state and parent",
  options: {
    domain: opt.domain(),
    parent: opt.bool("add a column showing parent snapshot"),
    roots: opt.bool("list only snapshots without parents"),
    leaves: opt.bool("list only snapshots without children"),
    "no-leaves": opt.bool("list only snapshots that are not leaves (with children)"),
    metadata: opt.bool("list only snapshots that have metadata that would prevent undefine"),
    "no-metadata": opt.bool("list only snapshots that have no metadata managed by libvirt"),
    inactive: opt.bool("filter by snapshots taken while inactive"),
    active: opt.bool("filter by snapshots taken while active (full system snapshots)"),
    "disk-only": opt.bool("filter by disk-only snapshots"),
    internal: opt.bool("filter by internal snapshots"),
    external: opt.bool("filter by external snapshots"),
    tree: opt.bool("list snapshots in a tree"),
    from: opt.string("limit list to children of given snapshot", { complete: "snapshot" }),
    current: opt.bool("limit list to children of current snapshot"),
    descendants: opt.bool("with --from, list all descendants"),
    name: opt.bool("list snapshot names only"),
    topological: opt.bool("sort list topologically rather than by name"),
  },
  async handler(ctx, opts) {
    const { tree, name, parent, roots, current } = opts;
    const from = opts.from !== undefined;
    exclusive("tree", tree, "name", name);
    exclusive("parent", parent, "roots", roots);
    exclusive("parent", parent, "tree", tree);
    exclusive("roots", roots, "tree", tree);
    exclusive("roots", roots, "from", from);
    exclusive("roots", roots, "current", current);
    let flags = 0;
    const filters: [string, boolean, number][] = [
      ["leaves", opts.leaves, L.LEAVES],
      ["no-leaves", opts["no-leaves"], L.NO_LEAVES],
      ["inactive", opts.inactive, L.INACTIVE],
      ["active", opts.active, L.ACTIVE],
      ["disk-only", opts["disk-only"], L.DISK_ONLY],
      ["internal", opts.internal, L.INTERNAL],
      ["external", opts.external, L.EXTERNAL],
    ];
    for (const [option, given, bit] of filters) {
      if (!given) continue;
      if (tree) throw new VshError(`--${option} and --tree are mutually exclusive`);
      flags |= bit;
    }
    if (roots) flags |= L.ROOTS;
    if (opts.metadata) flags |= L.METADATA;
    if (opts["no-metadata"]) flags |= L.NO_METADATA;
    if (opts.descendants) {
      if (!from && !current) {
        throw new VshError("--descendants requires either --from or --current");
      }
      flags |= L.DESCENDANTS;
    }
    if (opts.topological) flags |= L.TOPOLOGICAL;
    const dom = await commandDomain(ctx, opts.domain);
    const start = from || current
      ? await commandSnapshot(ctx, dom, "from", opts.from, current, true)
      : undefined;
    const snaps = start
      ? await start.children(flags)
      : await DomainSnapshot.list(ctx.conn, dom.ref, flags);
    const entries: { snap: DomainSnapshot; parent?: string }[] = [];
    for (const snap of snaps) {
      entries.push({ snap, parent: tree ? await parentName(snap) : undefined });
    }
    if (tree && start) entries.push({ snap: start });
    if (!opts.topological) entries.sort((a, b) => compareNames(a.snap.name, b.snap.name));
    const r = new Result();
    if (tree) {
      const nodes = entries.map((e) => ({ name: e.snap.name, parent: e.parent }));
      r.print(printTree(nodes));
      r.data = nodes;
      return r;
    }
    if (name) {
      for (const e of entries) r.print(`${e.snap.name}\n`);
      r.data = entries.map((e) => e.snap.name);
      return r;
    }
    const rows: string[][] = [];
    const data = [];
    for (const e of entries) {
      const info = summarize(await e.snap.xmlDesc());
      const seconds = Number(info.creationTime ?? "0");
      const row = [e.snap.name, formatCreationTime(seconds), info.state ?? ""];
      if (parent) row.push(info.parent ?? "");
      rows.push(row);
      data.push({
        name: e.snap.name,
        creationTime: seconds,
        state: info.state,
        parent: info.parent,
      });
    }
    const header = ["Name", "Creation Time", "State"];
    if (parent) header.push("Parent");
    r.table(header, rows);
    r.data = data;
    return r;
  },
});

/** `snapshot-info`: name, state, location, family and metadata of one snapshot. */
export const snapshotInfo = defineCommand({
  name: "snapshot-info",
  group: "snapshot",
  summary: "snapshot information",
  description: "Returns basic information about a snapshot.",
  json: "an object with the fields virsh prints",
  options: {
    domain: opt.domain(),
    snapshotname: snapshotNameOption(),
    current: opt.bool("info on current snapshot"),
  },
  async handler(ctx, opts) {
    const { dom, snap } = await commandDomainSnapshot(ctx, opts);
    const info = summarize(await snap.xmlDesc());
    if (info.state === undefined) throw new VshError("unexpected problem reading snapshot xml");
    const data = {
      name: snap.name,
      domain: dom.name,
      current: await snap.isCurrent(),
      state: info.state,
      location: info.external ? "external" : "internal",
      parent: info.parent ?? null,
      children: await snap.childCount(0),
      descendants: await snap.childCount(L.DESCENDANTS),
      metadata: await snap.hasMetadata(),
    };
    const line = (label: string, value: string | number) => `${label.padEnd(15)} ${value}\n`;
    const r = new Result();
    r.print(
      line("Name:", data.name) + line("Domain:", data.domain) +
        line("Current:", data.current ? "yes" : "no") + line("State:", data.state) +
        line("Location:", data.location) + line("Parent:", data.parent ?? "-") +
        line("Children:", data.children) + line("Descendants:", data.descendants) +
        line("Metadata:", data.metadata ? "yes" : "no"),
    );
    r.data = data;
    return r;
  },
});

/** `snapshot-dumpxml`: a snapshot's XML, or the nodes an XPath selects from it. */
export const snapshotDumpxml = defineCommand({
  name: "snapshot-dumpxml",
  group: "snapshot",
  summary: "Dump XML for a domain snapshot",
  description: "Snapshot Dump XML",
  json: "the XML as a string (with --xpath, an array of strings)",
  options: {
    domain: opt.domain(),
    snapshotname: opt.data("snapshot name", { required: true, complete: "snapshot" }),
    "security-info": opt.bool("include security sensitive information in XML dump"),
    ...xpathOptions,
  },
  async handler(ctx, opts) {
    const dom = await commandDomain(ctx, opts.domain);
    const snap = await DomainSnapshot.lookup(ctx.conn, dom.ref, opts.snapshotname ?? "");
    const xml = await snap.xmlDesc(opts["security-info"] ? SnapshotXmlFlags.SECURE : 0);
    return dumpXml(xml, opts.xpath, opts.wrap);
  },
});

/** Make `name` the current snapshot by redefining it with CURRENT, as virsh does. */
async function setCurrent(ctx: ShellContext, dom: DomainSnapshot["ref"]["dom"], name: string) {
  const snap = await DomainSnapshot.lookup(ctx.conn, dom, name);
  const xml = await snap.xmlDesc(SnapshotXmlFlags.SECURE);
  let flags = SnapshotCreateFlags.REDEFINE | SnapshotCreateFlags.CURRENT;
  if (xml.includes("<state>disk-snapshot</state>")) flags |= SnapshotCreateFlags.DISK_ONLY;
  await DomainSnapshot.create(ctx.conn, dom, xml, flags);
}

/** `snapshot-current`: show the current snapshot, or make another one current. */
export const snapshotCurrent = defineCommand({
  name: "snapshot-current",
  group: "snapshot",
  summary: "Get or set the current snapshot",
  description: "Get or set the current snapshot",
  json: "the current snapshot's name, or its XML as a string",
  options: {
    domain: opt.domain(),
    name: opt.bool("list the name, rather than the full xml"),
    "security-info": opt.bool("include security sensitive information in XML dump"),
    snapshotname: snapshotNameOption("name of existing snapshot to make current"),
  },
  async handler(ctx, opts) {
    exclusive("name", opts.name, "snapshotname", opts.snapshotname !== undefined);
    const dom = await commandDomain(ctx, opts.domain);
    const r = new Result();
    if (opts.snapshotname !== undefined) {
      await setCurrent(ctx, dom.ref, opts.snapshotname);
      r.extra(`Snapshot ${opts.snapshotname} set as current`);
      r.data = opts.snapshotname;
      return r;
    }
    if (!(await DomainSnapshot.hasCurrent(ctx.conn, dom.ref))) {
      throw new VshError(`domain '${opts.domain}' has no current snapshot`);
    }
    const snap = await DomainSnapshot.current(ctx.conn, dom.ref);
    if (opts.name) {
      r.print(snap.name);
      r.data = snap.name;
      return r;
    }
    const xml = await snap.xmlDesc(opts["security-info"] ? SnapshotXmlFlags.SECURE : 0);
    r.print(xml);
    r.data = xml;
    return r;
  },
});

/** `snapshot-parent`: the name of a snapshot's parent. */
export const snapshotParent = defineCommand({
  name: "snapshot-parent",
  group: "snapshot",
  summary: "Get the name of the parent of a snapshot",
  description: "Extract the snapshot's parent, if any",
  json: "the parent's name",
  options: {
    domain: opt.domain(),
    snapshotname: snapshotNameOption("find parent of snapshot name"),
    current: opt.bool("find parent of current snapshot"),
  },
  async handler(ctx, opts) {
    const { snap } = await commandDomainSnapshot(ctx, opts);
    const parent = await parentName(snap);
    if (parent === undefined) throw new VshError(`snapshot '${snap.name}' has no parent`);
    return withData(new Result().print(parent), parent);
  },
});
