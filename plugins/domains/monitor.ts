// virsh's "Domain Monitoring" commands: listing domains and reading their state, devices and
// statistics.

import { defineCommand, exclusive, opt, parseIntOpt, Result, VshError } from "../../shell/mod.ts";
import {
  Affect,
  type Domain,
  DomainState,
  listDomains,
  ListFlags,
  MemoryStatTag,
  MetadataType,
} from "../../virt/domain.ts";
import { ErrorCode } from "../../virt/errors.ts";
import { TypedParamType } from "../../virt/remote/typed_param_type.ts";
import type { TypedParam } from "../../virt/remote/protocol.ts";
import { child, childText, parseXml, type XmlElement } from "../../virt/xml/tree.ts";
import { commandDomain, devices, errorCode, firstAttr, reasonName, stateName } from "./common.ts";
import { cFixed, prettyCapacity } from "../../shell/format.ts";

/** The `%-15s %s` lines of dominfo and friends. */
function field(label: string, value: string | number): string {
  return `${label.padEnd(15)} ${value}\n`;
}

/** A domain's title or description as virsh reads it: metadata first, the XML as fallback. */
export async function domainDescription(dom: Domain, title: boolean, flags: number) {
  try {
    return await dom.metadata(title ? MetadataType.TITLE : MetadataType.DESCRIPTION, null, flags);
  } catch (e) {
    const code = errorCode(e);
    if (code === ErrorCode.NO_DOMAIN_METADATA) return "";
    if (code !== ErrorCode.NO_SUPPORT) throw e;
  }
  const doc = parseXml(await dom.xmlDesc(flags), "(domain_definition)");
  return childText(doc, title ? "title" : "description") ?? "";
}

/** The domain's XML, parsed, for the commands that read devices out of it. */
export async function domainXml(dom: Domain, flags: number): Promise<XmlElement> {
  return parseXml(await dom.xmlDesc(flags), "(domain_definition)");
}

export const list = defineCommand({
  name: "list",
  group: "monitor",
  summary: "list domains",
  description: "Returns list of domains.",
  json: "an array of domains: id (-1 when inactive), name, state, and title or uuid when asked",
  options: {
    inactive: opt.bool("list inactive domains"),
    all: opt.bool("list inactive & active domains"),
    transient: opt.bool("list transient domains"),
    persistent: opt.bool("list persistent domains"),
    "with-snapshot": opt.bool("list domains with existing snapshot"),
    "without-snapshot": opt.bool("list domains without a snapshot"),
    "with-checkpoint": opt.bool("list domains with existing checkpoint"),
    "without-checkpoint": opt.bool("list domains without a checkpoint"),
    "state-running": opt.bool("list domains in running state"),
    "state-paused": opt.bool("list domains in paused state"),
    "state-shutoff": opt.bool("list domains in shutoff state"),
    "state-other": opt.bool("list domains in other states"),
    autostart: opt.bool("list domains with autostart enabled"),
    "no-autostart": opt.bool("list domains with autostart disabled"),
    "with-managed-save": opt.bool("list domains with managed save state"),
    "without-managed-save": opt.bool("list domains without managed save"),
    uuid: opt.bool("list uuid's only"),
    name: opt.bool("list domain names only"),
    id: opt.bool("list domain IDs only"),
    table: opt.bool("list table (default)"),
    "managed-save": opt.bool("mark inactive domains with managed save state"),
    title: opt.bool("show domain title"),
  },
  async handler(ctx, opts) {
    let flags: number = ListFlags.ACTIVE;
    if (opts.inactive || opts["state-shutoff"]) flags = ListFlags.INACTIVE;
    if (opts.all) flags = ListFlags.INACTIVE | ListFlags.ACTIVE;
    const filters: [boolean, number][] = [
      [opts.persistent, ListFlags.PERSISTENT],
      [opts.transient, ListFlags.TRANSIENT],
      [opts["with-managed-save"], ListFlags.MANAGEDSAVE],
      [opts["without-managed-save"], ListFlags.NO_MANAGEDSAVE],
      [opts.autostart, ListFlags.AUTOSTART],
      [opts["no-autostart"], ListFlags.NO_AUTOSTART],
      [opts["with-snapshot"], ListFlags.HAS_SNAPSHOT],
      [opts["without-snapshot"], ListFlags.NO_SNAPSHOT],
      [opts["with-checkpoint"], ListFlags.HAS_CHECKPOINT],
      [opts["without-checkpoint"], ListFlags.NO_CHECKPOINT],
      [opts["state-running"], ListFlags.RUNNING],
      [opts["state-paused"], ListFlags.PAUSED],
      [opts["state-shutoff"], ListFlags.SHUTOFF],
      [opts["state-other"], ListFlags.OTHER],
    ];
    for (const [on, bit] of filters) if (on) flags |= bit;
    exclusive("table", opts.table, "name", opts.name);
    exclusive("table", opts.table, "uuid", opts.uuid);
    exclusive("table", opts.table, "id", opts.id);
    const table = opts.table || (!opts.uuid && !opts.name && !opts.id);

    let domains: Domain[];
    try {
      domains = await listDomains(ctx.conn, flags);
    } catch (e) {
      throw new VshError("Failed to list domains", { cause: e });
    }
    const r = new Result();
    const rows: string[][] = [];
    const data: Record<string, unknown>[] = [];
    for (const dom of domains) {
      const id = dom.id >= 0 ? String(dom.id) : "-";
      if (table) {
        let state: number;
        try {
          state = (await dom.state()).state;
        } catch {
          continue; // the domain went away meanwhile
        }
        const saved = opts["managed-save"] && state === DomainState.SHUTOFF &&
          await dom.hasManagedSave().catch(() => false);
        const row = [id, dom.name, saved ? "saved" : stateName(state)];
        const entry: Record<string, unknown> = { id: dom.id, name: dom.name, state: row[2] };
        if (opts.title) {
          const title = await domainDescription(dom, true, 0);
          row.push(title);
          entry.title = title;
        }
        if (opts.uuid) {
          row.push(dom.uuid);
          entry.uuid = dom.uuid;
        }
        rows.push(row);
        data.push(entry);
      } else {
        const parts: string[] = [];
        if (opts.uuid) parts.push(dom.uuid);
        if (opts.id) {
          if (dom.id < 0 && !opts.uuid && !opts.name) continue;
          parts.push(id);
        }
        if (opts.name) parts.push(dom.name);
        r.print(parts.join(" ") + "\n");
        data.push({ id: dom.id, name: dom.name, uuid: dom.uuid });
      }
    }
    if (table) {
      const header = ["Id", "Name", "State"];
      if (opts.title) header.push("Title");
      if (opts.uuid) header.push("UUID");
      r.table(header, rows);
    }
    r.data = data;
    return r;
  },
});

export const dominfo = defineCommand({
  name: "dominfo",
  group: "monitor",
  summary: "domain information",
  description: "Returns basic information about the domain.",
  json:
    "id, name, uuid, osType, state, cpus, cpuTime (ns), maxMemory and usedMemory (KiB), persistent, autostart, managedSave, security",
  options: { domain: opt.domain() },
  async handler(ctx, opts) {
    const dom = await commandDomain(ctx, opts.domain);
    // The calls are independent: all go out at once (one round trip on a remote connection
    // instead of nine), and their answers are printed in virsh's order.
    const [osType, info, persistent, auto, saved, model, label, messages] = await Promise.all([
      settle(dom.osType()),
      settle(dom.info()),
      settle(dom.isPersistent()),
      settle(dom.autostart()),
      settle(dom.hasManagedSave()),
      settle(ctx.conn.call("nodeGetSecurityModel", undefined as never)),
      settle(dom.securityLabel()),
      settle(ctx.conn.call("domainGetMessages", { dom: dom.ref, flags: 0 })),
    ]);
    const r = new Result();
    const data: Record<string, unknown> = { id: dom.id, name: dom.name, uuid: dom.uuid };
    r.print(field("Id:", dom.id >= 0 ? dom.id : "-"));
    r.print(field("Name:", dom.name));
    r.print(field("UUID:", data.uuid as string));
    // virsh leaves out the lines whose call failed, or says "unknown".
    if (osType.ok) {
      data.osType = osType.value;
      r.print(field("OS Type:", osType.value));
    }
    if (info.ok) {
      const i = info.value;
      r.print(field("State:", stateName(i.state)));
      r.print(field("CPU(s):", i.nrVirtCpu));
      if (i.cpuTime !== 0n) {
        r.print(`${"CPU time:".padEnd(15)} ${cFixed(Number(i.cpuTime) / 1e9, 1)}s\n`);
      }
      r.print(
        i.maxMem !== 4294967295n
          ? field("Max memory:", `${i.maxMem} KiB`)
          : field("Max memory:", "no limit"),
      );
      r.print(field("Used memory:", `${i.memory} KiB`));
      Object.assign(data, {
        state: stateName(i.state),
        cpus: i.nrVirtCpu,
        cpuTime: i.cpuTime,
        maxMemory: i.maxMem,
        usedMemory: i.memory,
      });
    }
    const isPersistent = persistent.ok ? persistent.value : undefined;
    r.print(
      field("Persistent:", isPersistent === undefined ? "unknown" : isPersistent ? "yes" : "no"),
    );
    if (auto.ok) {
      r.print(field("Autostart:", auto.value ? "enable" : "disable"));
      data.autostart = auto.value;
    }
    const hasSave = saved.ok ? saved.value : undefined;
    r.print(field("Managed save:", hasSave === undefined ? "unknown" : hasSave ? "yes" : "no"));
    Object.assign(data, { persistent: isPersistent ?? null, managedSave: hasSave ?? null });

    if (!model.ok && errorCode(model.error) !== ErrorCode.NO_SUPPORT) {
      return failWith(r, model.error);
    }
    if (model.ok && model.value.model !== "") {
      r.print(field("Security model:", model.value.model));
      r.print(field("Security DOI:", model.value.doi));
      if (!label.ok) return failWith(r, label.error);
      const l = label.value;
      if (l.label !== "") {
        r.print(
          field("Security label:", `${l.label} (${l.enforcing ? "enforcing" : "permissive"})`),
        );
      }
      data.security = { model: model.value.model, doi: model.value.doi, label: l.label };
    }
    // Older daemons have no messages.
    if (messages.ok) {
      const { msgs } = messages.value;
      msgs.forEach((m, i) => r.print(field(i === 0 ? "Messages:" : "", m)));
      if (msgs.length) data.messages = msgs;
    }
    r.data = data;
    if (!info.ok) return failWith(r, info.error);
    return r;
  },
});

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise's outcome as a value, so that independent calls can be awaited together. */
function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then((value) => ({ ok: true, value }), (error) => ({ ok: false, error }));
}

/** End a command that already produced output with a libvirt error, as virsh's loop reports it. */
function failWith(r: Result, e: unknown): Result {
  r.error(e instanceof Error ? e.message : String(e));
  return r.fail();
}

export const domstate = defineCommand({
  name: "domstate",
  group: "monitor",
  summary: "domain state",
  description: "Returns state about a domain.",
  json: "state and reason",
  options: {
    domain: opt.domain(),
    reason: opt.bool("also print reason for the state"),
  },
  async handler(ctx, opts) {
    const dom = await commandDomain(ctx, opts.domain);
    const { state, reason } = await dom.state();
    const r = new Result();
    if (opts.reason) r.print(`${stateName(state)} (${reasonName(state, reason)})\n`);
    else r.print(`${stateName(state)}\n`);
    r.data = { state: stateName(state), reason: reasonName(state, reason) };
    return r;
  },
});

export const domid = defineCommand({
  name: "domid",
  group: "domain",
  summary: "convert a domain name or UUID to domain id",
  description: "",
  json: "the ID (null when inactive)",
  options: { domain: opt.domain("domain name or uuid") },
  async handler(ctx, opts) {
    const dom = await commandDomain(ctx, opts.domain, { name: true, uuid: true });
    const r = new Result().print(`${dom.id >= 0 ? dom.id : "-"}\n`);
    r.data = { id: dom.id >= 0 ? dom.id : null };
    return r;
  },
});

export const domname = defineCommand({
  name: "domname",
  group: "domain",
  summary: "convert a domain id or UUID to domain name",
  description: "",
  json: "the name",
  options: { domain: opt.domain("domain id or uuid") },
  async handler(ctx, opts) {
    const dom = await commandDomain(ctx, opts.domain, { id: true, uuid: true });
    const r = new Result().print(`${dom.name}\n`);
    r.data = { name: dom.name };
    return r;
  },
});

export const domuuid = defineCommand({
  name: "domuuid",
  group: "domain",
  summary: "convert a domain name or id to domain UUID",
  description: "",
  json: "the UUID",
  options: { domain: opt.domain("domain id or name") },
  async handler(ctx, opts) {
    const dom = await commandDomain(ctx, opts.domain, { name: true, id: true });
    const r = new Result().print(`${dom.uuid}\n`);
    r.data = { uuid: dom.uuid };
    return r;
  },
});

export const domblklist = defineCommand({
  name: "domblklist",
  group: "monitor",
  summary: "list all domain blocks",
  description: "Get the summary of block devices for a domain.",
  json: "an array of disks: type, device, target, source",
  options: {
    domain: opt.domain(),
    inactive: opt.bool("get inactive rather than running configuration"),
    details: opt.bool("additionally display the type and device value"),
  },
  async handler(ctx, opts) {
    const dom = await commandDomain(ctx, opts.domain);
    const doc = await domainXml(dom, opts.inactive ? 2 : 0);
    const r = new Result();
    const rows: string[][] = [];
    const data: Record<string, string | null>[] = [];
    for (const disk of devices(doc, "disk")) {
      const type = disk.attrs.type || undefined;
      const device = disk.attrs.device || undefined;
      if (opts.details && (!type || !device)) {
        return r.print("unable to query block list details").fail();
      }
      const target = child(disk, "target")?.attrs.dev || undefined;
      if (!target) return r.error("unable to query block list").fail();
      const src = child(disk, "source");
      let source: string | undefined;
      if (type === "nvme") {
        const ns = src?.attrs.namespace;
        const addr = src ? child(src, "address") : undefined;
        if (!ns || !addr) return r.error("Unable to query NVMe disk address").fail();
        const num = (k: string) =>
          parseInt(addr.attrs[k] ?? "0", addr.attrs[k]?.startsWith("0x") ? 16 : 10);
        source = `nvme://${hex(num("domain"), 4)}:${hex(num("bus"), 2)}:${hex(num("slot"), 2)}.${
          num("function")
        }/${ns}`;
      } else {
        source = firstAttr(src, ["file", "dev", "dir", "name", "volume", "path"]);
      }
      rows.push(
        opts.details ? [type!, device!, target, source ?? "-"] : [target, source ?? "-"],
      );
      data.push({ type: type ?? null, device: device ?? null, target, source: source ?? null });
    }
    r.table(opts.details ? ["Type", "Device", "Target", "Source"] : ["Target", "Source"], rows);
    r.data = data;
    return r;
  },
});

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

export const domiflist = defineCommand({
  name: "domiflist",
  group: "monitor",
  summary: "list all domain virtual interfaces",
  description: "Get the summary of virtual interfaces for a domain.",
  json: "an array of interfaces: interface, type, source, model, mac",
  options: {
    domain: opt.domain(),
    inactive: opt.bool("get inactive rather than running configuration"),
  },
  async handler(ctx, opts) {
    const dom = await commandDomain(ctx, opts.domain);
    const doc = await domainXml(dom, opts.inactive ? 2 : 0);
    const rows: string[][] = [];
    const data: Record<string, string | null>[] = [];
    for (const nic of devices(doc, "interface")) {
      const source = firstAttr(child(nic, "source"), ["bridge", "dev", "network", "name", "path"]);
      const target = child(nic, "target")?.attrs.dev || undefined;
      const model = child(nic, "model")?.attrs.type || undefined;
      const mac = child(nic, "mac")?.attrs.address || undefined;
      const type = nic.attrs.type ?? "";
      rows.push([target ?? "-", type, source ?? "-", model ?? "-", mac ?? "-"]);
      data.push({
        interface: target ?? null,
        type,
        source: source ?? null,
        model: model ?? null,
        mac: mac ?? null,
      });
    }
    const r = new Result().table(["Interface", "Type", "Source", "Model", "MAC"], rows);
    r.data = data;
    return r;
  },
});

/** The three columns of domblkinfo for one disk. */
function blockInfoCells(
  info: { capacity: bigint; allocation: bigint; physical: bigint },
  human: boolean,
): [string, string, string] {
  const values = [info.capacity, info.allocation, info.physical];
  if (values.every((v) => v === 0n)) return ["-", "-", "-"];
  const cell = (v: bigint) => {
    if (!human) return String(v);
    const [n, unit] = prettyCapacity(v);
    return `${cFixed(n, 3)} ${unit}`;
  };
  return [cell(values[0]), cell(values[1]), cell(values[2])];
}

export const domblkinfo = defineCommand({
  name: "domblkinfo",
  group: "monitor",
  summary: "domain block device size information",
  description: "Get block device size info for a domain.",
  json: "capacity, allocation and physical bytes (an array with target for --all)",
  options: {
    domain: opt.domain(),
    device: opt.string("block device", { emptyOk: true }),
    human: opt.bool("Human readable output"),
    all: opt.bool("display all block devices info"),
  },
  async handler(ctx, opts) {
    exclusive("all", opts.all, "device", opts.device !== undefined);
    const dom = await commandDomain(ctx, opts.domain);
    if (!opts.all && !opts.device) {
      throw new VshError("command 'domblkinfo' requires <device> option");
    }
    const r = new Result();
    if (opts.all) {
      const active = await dom.isActive().catch(() => false);
      const doc = await domainXml(dom, 0);
      const rows: string[][] = [];
      const data: Record<string, unknown>[] = [];
      for (const disk of devices(doc, "disk")) {
        const src = child(disk, "source");
        const target = child(disk, "target")?.attrs.dev ?? "";
        let info = { capacity: 0n, allocation: 0n, physical: 0n };
        if (src) {
          try {
            info = await dom.blockInfo(target);
          } catch (e) {
            // Network disks of an inactive domain cannot report sizes: virsh shows dashes.
            const storageError = typeof e === "object" && e !== null && "domain" in e &&
              e.domain === 18 && errorCode(e) === ErrorCode.INTERNAL_ERROR;
            if (!(src.attrs.protocol && !active && storageError)) throw e;
          }
        }
        rows.push([target, ...blockInfoCells(info, opts.human)]);
        data.push({ target, ...info });
      }
      r.table(["Target", "Capacity", "Allocation", "Physical"], rows);
      r.data = data;
      return r;
    }
    const info = await dom.blockInfo(opts.device!);
    const [cap, alloc, phys] = blockInfoCells(info, opts.human);
    r.print(field("Capacity:", cap));
    r.print(field("Allocation:", alloc));
    r.print(field("Physical:", phys));
    r.data = info;
    return r;
  },
});

/** domblkstat's fields: typed-parameter name, pre-typed-parameter name, --human wording. */
const BLOCK_STATS: [string, string | undefined, string][] = [
  ["rd_operations", "rd_req", "number of read operations:"],
  ["rd_bytes", "rd_bytes", "number of bytes read:"],
  ["wr_operations", "wr_req", "number of write operations:"],
  ["wr_bytes", "wr_bytes", "number of bytes written:"],
  ["errs", "errs", "error count:"],
  ["flush_operations", undefined, "number of flush operations:"],
  ["rd_total_times", undefined, "total duration of reads (ns):"],
  ["wr_total_times", undefined, "total duration of writes (ns):"],
  ["flush_total_times", undefined, "total duration of flushes (ns):"],
];

/** vshGetTypedParamValue. */
export function typedParamText(p: TypedParam): string {
  const { type, value } = p.value as { type: number; value: unknown };
  if (type === TypedParamType.DOUBLE) return cFixed(value as number, 6);
  if (type === TypedParamType.BOOLEAN) return value ? "yes" : "no";
  return String(value);
}

export const domblkstat = defineCommand({
  name: "domblkstat",
  group: "monitor",
  summary: "get device block stats for a domain",
  description:
    "Get device block stats for a running domain. See man page or use --human for explanation of fields",
  json: "the statistics by field name",
  options: {
    domain: opt.domain(),
    device: opt.string("block device", { emptyOk: true }),
    human: opt.bool("print a more human readable output"),
  },
  async handler(ctx, opts) {
    const dom = await commandDomain(ctx, opts.domain);
    const name = opts.domain ?? "";
    let device = opts.device ?? "";
    const human = opts.human;
    const r = new Result();
    const line = (label: string, value: string) =>
      r.print(`${device} ${human ? label.padEnd(31) : label} ${value}\n`);
    let count: number;
    try {
      count = (await ctx.conn.call("domainBlockStatsFlags", {
        dom: dom.ref,
        path: device,
        nparams: 0,
        flags: 0,
      })).nparams;
    } catch (e) {
      if (errorCode(e) !== ErrorCode.NO_SUPPORT) throw e;
      let s;
      try {
        s = await ctx.conn.call("domainBlockStats", { dom: dom.ref, path: device });
      } catch (e2) {
        throw new VshError(`Failed to get block stats ${name} ${device}`, { cause: e2 });
      }
      if (human) {
        r.print(`Device: ${device}\n`);
        device = "";
      }
      const legacy = [s.rd_req, s.rd_bytes, s.wr_req, s.wr_bytes, s.errs];
      legacy.forEach((v, i) => {
        if (v >= 0n) line(human ? BLOCK_STATS[i][2] : BLOCK_STATS[i][1]!, String(v));
      });
      r.data = {
        rd_req: s.rd_req,
        rd_bytes: s.rd_bytes,
        wr_req: s.wr_req,
        wr_bytes: s.wr_bytes,
        errs: s.errs,
      };
      return r;
    }
    let params: TypedParam[];
    try {
      params = (await ctx.conn.call("domainBlockStatsFlags", {
        dom: dom.ref,
        path: device,
        nparams: count,
        flags: 0,
      })).params;
    } catch (e) {
      throw new VshError(`Failed to get block stats for domain '${name}' device '${device}'`, {
        cause: e,
      });
    }
    if (human) {
      r.print(`Device: ${device}\n`);
      device = "";
    }
    const printed = new Set<string>();
    const data: Record<string, string> = {};
    for (const [fieldName, legacy, wording] of BLOCK_STATS) {
      const p = params.find((q) => q.field === fieldName);
      if (!p) continue;
      printed.add(fieldName);
      data[fieldName] = typedParamText(p);
      line(human ? wording : legacy ?? fieldName, typedParamText(p));
    }
    for (const p of params) {
      if (printed.has(p.field)) continue;
      data[p.field] = typedParamText(p);
      r.print(`${device} ${p.field} ${typedParamText(p)}\n`);
    }
    r.data = data;
    return r;
  },
});

export const domifstat = defineCommand({
  name: "domifstat",
  group: "monitor",
  summary: "get network interface stats for a domain",
  description: "Get network interface stats for a running domain.",
  json: "the statistics by field name",
  options: {
    domain: opt.domain(),
    interface: opt.data("interface device specified by name or MAC Address", {
      required: true,
      complete: "interface",
    }),
  },
  async handler(ctx, opts) {
    const dom = await commandDomain(ctx, opts.domain);
    const device = opts.interface ?? "";
    let s;
    try {
      s = await ctx.conn.call("domainInterfaceStats", { dom: dom.ref, path: device });
    } catch (e) {
      throw new VshError(`Failed to get interface stats ${opts.domain} ${device}`, { cause: e });
    }
    const r = new Result();
    const keys = [
      "rx_bytes",
      "rx_packets",
      "rx_errs",
      "rx_drop",
      "tx_bytes",
      "tx_packets",
      "tx_errs",
      "tx_drop",
    ] as const;
    const data: Record<string, bigint> = {};
    for (const k of keys) {
      if (s[k] < 0n) continue;
      r.print(`${device} ${k} ${s[k]}\n`);
      data[k] = s[k];
    }
    r.data = data;
    return r;
  },
});

const MEMORY_STAT_NAMES: Record<number, string> = {
  [MemoryStatTag.SWAP_IN]: "swap_in",
  [MemoryStatTag.SWAP_OUT]: "swap_out",
  [MemoryStatTag.MAJOR_FAULT]: "major_fault",
  [MemoryStatTag.MINOR_FAULT]: "minor_fault",
  [MemoryStatTag.UNUSED]: "unused",
  [MemoryStatTag.AVAILABLE]: "available",
  [MemoryStatTag.USABLE]: "usable",
  [MemoryStatTag.ACTUAL_BALLOON]: "actual",
  [MemoryStatTag.RSS]: "rss",
  [MemoryStatTag.LAST_UPDATE]: "last_update",
  [MemoryStatTag.DISK_CACHES]: "disk_caches",
  [MemoryStatTag.HUGETLB_PGALLOC]: "hugetlb_pgalloc",
  [MemoryStatTag.HUGETLB_PGFAIL]: "hugetlb_pgfail",
};

export const dommemstat = defineCommand({
  name: "dommemstat",
  group: "monitor",
  summary: "get memory statistics for a domain",
  description: "Get memory statistics for a running domain.",
  json: "the statistics by name",
  options: {
    domain: opt.domain(),
    period: opt.int("period in seconds to set collection"),
    config: opt.bool("affect next boot"),
    live: opt.bool("affect running domain"),
    current: opt.bool("affect current domain"),
  },
  async handler(ctx, opts) {
    exclusive("current", opts.current, "live", opts.live);
    exclusive("current", opts.current, "config", opts.config);
    let flags = (opts.config ? Affect.CONFIG : 0) | (opts.live ? Affect.LIVE : 0);
    const dom = await commandDomain(ctx, opts.domain);
    if (!opts.current && !opts.live && !opts.config && await dom.isActive().catch(() => false)) {
      flags |= Affect.LIVE;
    }
    const period = parseIntOpt(opts.period, "period");
    if (period !== undefined) {
      if (period < 0) throw new VshError(`Invalid collection period value '${period}'`);
      try {
        await dom.setMemoryStatsPeriod(period, flags);
      } catch (e) {
        throw new VshError("Unable to change balloon collection period.", { cause: e });
      }
      return new Result();
    }
    let stats;
    try {
      stats = await dom.memoryStats(13);
    } catch (e) {
      throw new VshError(`Failed to get memory statistics for domain ${opts.domain}`, {
        cause: e,
      });
    }
    const r = new Result();
    const data: Record<string, bigint> = {};
    for (const s of stats) {
      const name = MEMORY_STAT_NAMES[s.tag];
      if (!name) continue;
      r.print(`${name} ${s.val}\n`);
      data[name] = s.val;
    }
    r.data = data;
    return r;
  },
});
