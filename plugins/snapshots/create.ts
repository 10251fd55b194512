// snapshot-create and snapshot-create-as: a snapshot from an XML file or from options.

import { defineCommand, opt, Result, splitCommaList, VshError } from "../../shell/mod.ts";
import type { ShellContext } from "../../shell/mod.ts";
import type { Domain } from "../../virt/domain.ts";
import { ErrorCode, VirtError } from "../../virt/errors.ts";
import { DomainSnapshot, SnapshotCreateFlags as F } from "../../virt/snapshot.ts";
import { escapeXml } from "../../virt/xml/tree.ts";
import { commandDomain } from "../domain_lookup.ts";
import { valueLine } from "../common.ts";

/** The flag options both create commands share, in virsh's order after their own. */
const createFlagOptions = {
  "no-metadata": opt.bool("take snapshot but create no metadata"),
  halt: opt.bool("halt domain after snapshot is created"),
  "disk-only": opt.bool("capture disk state but not vm state"),
  "reuse-external": opt.bool("reuse any existing external files"),
  quiesce: opt.bool("quiesce guest's file systems"),
  atomic: opt.bool("require atomic operation"),
  live: opt.bool("take a live snapshot"),
  validate: opt.bool("validate the XML against the schema"),
};

function createFlags(opts: Record<string, unknown>): number {
  const table: [string, number][] = [
    ["no-metadata", F.NO_METADATA],
    ["halt", F.HALT],
    ["disk-only", F.DISK_ONLY],
    ["reuse-external", F.REUSE_EXT],
    ["quiesce", F.QUIESCE],
    ["atomic", F.ATOMIC],
    ["live", F.LIVE],
    ["validate", F.VALIDATE],
  ];
  return table.reduce((f, [name, bit]) => opts[name] ? f | bit : f, 0);
}

/**
 * virsh's virshSnapshotCreate: create, and when a server rejects --halt as an invalid argument,
 * create without it and destroy the domain afterwards.
 */
async function createSnapshot(
  ctx: ShellContext,
  dom: Domain,
  xml: string,
  flags: number,
  from: string | undefined,
): Promise<Result> {
  let snap: DomainSnapshot;
  let halt = false;
  try {
    snap = await DomainSnapshot.create(ctx.conn, dom.ref, xml, flags);
  } catch (e) {
    if (!(e instanceof VirtError && e.code === ErrorCode.INVALID_ARG && (flags & F.HALT))) {
      throw e;
    }
    const { persistent } = await ctx.conn.call("domainIsPersistent", { dom: dom.ref });
    if (!persistent) throw new VshError("cannot halt after snapshot of transient domain");
    halt = (await ctx.conn.call("domainIsActive", { dom: dom.ref })).active === 1;
    snap = await DomainSnapshot.create(ctx.conn, dom.ref, xml, flags & ~F.HALT);
  }
  if (halt) await ctx.conn.call("domainDestroy", { dom: dom.ref });
  const r = new Result();
  r.extra(
    from === undefined
      ? `Domain snapshot ${snap.name} created`
      : `Domain snapshot ${snap.name} created from '${from}'`,
  );
  r.data = { name: snap.name };
  return r;
}

/** `snapshot-create`: a snapshot from an XML description (or an empty one). */
export const snapshotCreate = defineCommand({
  name: "snapshot-create",
  group: "snapshot",
  summary: "Create a snapshot from XML",
  description: "Create a snapshot (disk and RAM) from XML",
  json: "the new snapshot's name",
  options: {
    domain: opt.domain(),
    xmlfile: opt.string("domain snapshot XML", { complete: "file" }),
    redefine: opt.bool("redefine metadata for existing snapshot"),
    current: opt.bool("with redefine, set current snapshot"),
    ...createFlagOptions,
  },
  async handler(ctx, opts) {
    let flags = createFlags(opts);
    if (opts.redefine) flags |= F.REDEFINE;
    if (opts.current) flags |= F.CURRENT;
    const dom = await commandDomain(ctx, opts.domain);
    const xml = opts.xmlfile === undefined ? "<domainsnapshot/>" : await ctx.readFile(opts.xmlfile);
    return await createSnapshot(ctx, dom, xml, flags, opts.xmlfile);
  },
});

/** virsh's --memspec: `[file=]name[,snapshot=type]` as a <memory> element. */
function memspecXml(spec: string): string {
  let snapshot: string | undefined;
  let file: string | undefined;
  for (const part of splitCommaList(spec)) {
    if (snapshot === undefined && part.startsWith("snapshot=")) {
      snapshot = part.slice("snapshot=".length);
    } else if (file === undefined && part.startsWith("file=")) file = part.slice("file=".length);
    else if (file === undefined && part.startsWith("/")) file = part;
    else throw new VshError(`unable to parse memspec: ${spec}`);
  }
  let out = "  <memory";
  if (snapshot !== undefined) out += ` snapshot='${escapeXml(snapshot)}'`;
  if (file !== undefined) out += ` file='${escapeXml(file)}'`;
  return out + "/>\n";
}

/** virsh's --diskspec: `disk[,snapshot=type][,driver=type][,stype=type][,file=name]`. */
function diskspecXml(spec: string): string {
  const parts = spec === "" ? [] : splitCommaList(spec);
  const [name, ...rest] = parts;
  const fields: Record<string, string> = {};
  for (const part of rest) {
    const key = ["snapshot", "driver", "stype", "file"].find((k) =>
      part.startsWith(`${k}=`) && fields[k] === undefined
    );
    if (key === undefined) throw new VshError(`unable to parse diskspec: ${spec}`);
    fields[key] = part.slice(key.length + 1);
  }
  const { snapshot, driver, stype, file } = fields;
  if (stype !== undefined && stype !== "file" && stype !== "block") {
    throw new VshError(`Unknown storage type: '${stype}'`, {
      more: [`unable to parse diskspec: ${spec}`],
    });
  }
  let out = "    ";
  if (name !== undefined) out += `<disk name='${escapeXml(name)}'`;
  if (snapshot !== undefined) out += ` snapshot='${snapshot}'`;
  if (stype !== undefined) out += ` type='${stype}'`;
  if (driver === undefined && file === undefined) return `${out}/>\n`;
  out += ">\n";
  if (driver !== undefined) out += `      <driver type='${driver}'/>\n`;
  if (file !== undefined) {
    out += `      <source ${stype === "block" ? "dev" : "file"}='${escapeXml(file)}'/>\n`;
  }
  return `${out}    </disk>\n`;
}

/** `snapshot-create-as`: a snapshot described by options. */
export const snapshotCreateAs = defineCommand({
  name: "snapshot-create-as",
  group: "snapshot",
  summary: "Create a snapshot from a set of args",
  description: "Create a snapshot (disk and RAM) from arguments",
  json: "the new snapshot's name, or with --print-xml the XML as a string",
  options: {
    domain: opt.domain(),
    name: opt.string("name of snapshot"),
    description: opt.string("description of snapshot"),
    "print-xml": opt.bool("print XML document rather than create"),
    ...createFlagOptions,
    memspec: opt.string("memory attributes: [file=]name[,snapshot=type]", { namedOnly: true }),
    diskspec: opt.argv(
      "disk attributes: disk[,snapshot=type][,driver=type][,stype=type][,file=name]",
    ),
  },
  async handler(ctx, opts) {
    const flags = createFlags(opts);
    const dom = await commandDomain(ctx, opts.domain);
    let xml = "<domainsnapshot>\n";
    if (opts.name !== undefined) xml += `  <name>${escapeXml(opts.name)}</name>\n`;
    if (opts.description !== undefined) {
      xml += `  <description>${escapeXml(opts.description)}</description>\n`;
    }
    if (opts.memspec !== undefined) xml += memspecXml(opts.memspec);
    if (opts.diskspec.length) {
      xml += `  <disks>\n${opts.diskspec.map(diskspecXml).join("")}  </disks>\n`;
    }
    xml += "</domainsnapshot>\n";
    if (opts["print-xml"]) {
      return valueLine(xml);
    }
    return await createSnapshot(ctx, dom, xml, flags, undefined);
  },
});
