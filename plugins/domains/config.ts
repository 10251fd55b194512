// Commands that read or change a domain's configuration: its XML (dumpxml, edit), description
// and title, memory and virtual CPUs.

import {
  defineCommand,
  exclusive,
  opt,
  parseScaledOpt,
  parseUIntOpt,
  requires,
  Result,
  VshError,
} from "../../shell/mod.ts";
import type { ShellContext } from "../../shell/mod.ts";
import {
  Affect,
  DefineFlags,
  type Domain,
  DomainState,
  MemoryFlags,
  MetadataType,
  VcpuFlags,
  XmlFlags,
} from "../../virt/domain.ts";
import { ErrorCode } from "../../virt/errors.ts";
import { child, childrenNamed, parseXml, text } from "../../virt/xml/tree.ts";
import { dumpXml, xpathOptions } from "../../shell/xml_output.ts";
import { affectFlags, commandDomain, errorCode } from "./common.ts";
import { cFixed } from "../../shell/format.ts";
import { domainDescription } from "./monitor.ts";

export const dumpxml = defineCommand({
  name: "dumpxml",
  group: "domain",
  summary: "domain information in XML",
  description: "Output the domain information as an XML dump to stdout.",
  json: "the XML document (or the --xpath matches) as a string",
  options: {
    domain: opt.domain(),
    inactive: opt.bool("show inactive defined XML"),
    "security-info": opt.bool("include security sensitive information in XML dump"),
    "update-cpu": opt.bool("update guest CPU according to host CPU"),
    migratable: opt.bool("provide XML suitable for migrations"),
    ...xpathOptions,
  },
  async handler(ctx, opts) {
    let flags = 0;
    if (opts.inactive) flags |= XmlFlags.INACTIVE;
    if (opts["security-info"]) flags |= XmlFlags.SECURE;
    if (opts["update-cpu"]) flags |= XmlFlags.UPDATE_CPU;
    if (opts.migratable) flags |= XmlFlags.MIGRATABLE;
    const dom = await commandDomain(ctx, opts.domain);
    return dumpXml(await dom.xmlDesc(flags), opts.xpath, opts.wrap);
  },
});

/** virsh's virshDomainDefine: with --validate refused by an old server, define without it. */
async function defineXml(ctx: ShellContext, xml: string, flags: number) {
  if (!flags) return (await ctx.conn.call("domainDefineXml", { xml })).dom;
  try {
    return (await ctx.conn.call("domainDefineXmlFlags", { xml, flags })).dom;
  } catch (e) {
    if (errorCode(e) !== ErrorCode.NO_SUPPORT || flags !== DefineFlags.VALIDATE) throw e;
    return (await ctx.conn.call("domainDefineXml", { xml })).dom;
  }
}

/**
 * virsh's reedit question after a failed define. Without a terminal there is no one to ask,
 * and virsh carries on as if answered with nothing.
 */
async function askReedit(ctx: ShellContext, msg: string, relax: boolean): Promise<string> {
  if (!ctx.isTTY) return "";
  const choices = relax ? "[y,n,i,f,?]" : "[y,n,f,?]";
  let help = "";
  for (;;) {
    const answer = await ctx.prompt(`${help}${msg} Try again? ${choices}: `);
    if (answer === null) return "n";
    const c = answer.trim().toLowerCase().slice(0, 1);
    if (c === "y" || c === "n" || c === "f" || (relax && c === "i")) return c;
    if (c === "?") {
      const lines = [
        "y - yes, start editor again",
        "n - no, throw away my changes",
        "f - force, try to redefine again",
      ];
      if (relax) lines.push("i - turn off validation and try to redefine again");
      lines.push("? - print this help");
      help = lines.join("\n") + "\n";
    }
  }
}

export const edit = defineCommand({
  name: "edit",
  group: "domain",
  summary: "edit XML configuration for a domain",
  description: "Edit the XML configuration for a domain.",
  options: {
    domain: opt.domain(),
    "skip-validate": opt.bool("skip validation of the XML against the schema"),
  },
  async handler(ctx, opts) {
    const dom = await commandDomain(ctx, opts.domain);
    const getFlags = XmlFlags.SECURE | XmlFlags.INACTIVE;
    let defineFlags = opts["skip-validate"] ? 0 : DefineFlags.VALIDATE;
    let relax = defineFlags !== 0;
    const r = new Result();
    let doc = await dom.xmlDesc(getFlags);
    let edited = doc;
    let editAgain = true;
    let lastError: unknown;
    for (;;) {
      if (editAgain) {
        edited = await ctx.edit(edited, ".xml");
        if (edited === doc) {
          return r.extra(`Domain '${dom.name}' XML configuration not changed.\n`);
        }
      }
      // Someone may have changed the domain while the editor was open.
      const reread = await dom.xmlDesc(getFlags);
      let msg: string | undefined;
      let definedName: string | undefined;
      if (reread !== doc) {
        msg = "The XML configuration was changed by another user.";
        doc = reread;
      } else {
        try {
          definedName = (await defineXml(ctx, edited, defineFlags)).name;
        } catch (e) {
          msg = "Failed.";
          lastError = e;
        }
      }
      if (msg === undefined) {
        return r.extra(`Domain '${definedName}' XML configuration edited.\n`);
      }
      const answer = await askReedit(ctx, msg, relax);
      if (answer === "y") {
        editAgain = true;
        continue;
      }
      if (answer === "f") {
        editAgain = false;
        continue;
      }
      if (answer === "i") {
        defineFlags &= ~DefineFlags.VALIDATE;
        relax = false;
        editAgain = false;
        continue;
      }
      if (answer === "n") {
        // Giving up fails the command, and virsh then reports the define's error.
        if (lastError instanceof Error) r.error(lastError.message);
        return r.fail();
      }
      // No one to ask: virsh reports the failure, then the edit as done by an unknown domain.
      r.error(msg);
      return r.extra("Domain '(null)' XML configuration edited.\n");
    }
  },
});

export const desc = defineCommand({
  name: "desc",
  group: "domain",
  summary: "show or set domain's description or title",
  description: "Allows setting or modifying the description or title of a domain.",
  json: "the description or title",
  options: {
    domain: opt.domain(),
    live: opt.bool("modify/get running state"),
    config: opt.bool("modify/get persistent configuration"),
    current: opt.bool("modify/get current state configuration"),
    title: opt.bool("modify/get the title instead of description"),
    edit: opt.bool("open an editor to modify the description"),
    "new-desc": opt.argv("message"),
  },
  async handler(ctx, opts) {
    const flags = affectFlags(opts) ?? Affect.CURRENT;
    const dom = await commandDomain(ctx, opts.domain);
    const title = opts.title;
    const type = title ? MetadataType.TITLE : MetadataType.DESCRIPTION;
    const what = title ? "title" : "description";
    const readFlags = opts.config ? XmlFlags.INACTIVE : 0;
    const r = new Result();
    const given = opts["new-desc"].length > 0;
    // virsh reads the current text first in every case, so a read failure comes first.
    const current = await domainDescription(dom, title, readFlags);
    if (!opts.edit && !given) {
      r.data = { [what]: current };
      if (current.length > 0) return r.print(current);
      return r.extra(`No ${what} for domain: ${dom.name}`);
    }
    let value = given ? opts["new-desc"].join(" ") : current;
    if (opts.edit) {
      value = await ctx.edit(value, ".txt");
      // Editors like to end files with a newline; a title is one line.
      if (title && value.endsWith("\n")) value = value.slice(0, -1);
      if (value === current) {
        return r.extra(title ? "Domain title not changed\n" : "Domain description not changed\n");
      }
    }
    try {
      await dom.setMetadata(type, value, null, null, flags);
    } catch (e) {
      throw new VshError(`Failed to set new domain ${what}`, { cause: e });
    }
    r.data = { [what]: value };
    return r.extra(`Domain ${what} updated successfully`);
  },
});

/** setmem and setmaxmem: the same steps, one flag apart. */
function memoryCommand(name: string, summary: string, description: string, help: string) {
  const maximum = name === "setmaxmem";
  return defineCommand({
    name,
    group: "domain",
    summary,
    description,
    json: "the size set, in KiB",
    options: {
      domain: opt.domain(),
      kilobytes: opt.alias("size"),
      size: opt.int(help, { required: true }),
      config: opt.bool("affect next boot"),
      live: opt.bool("affect running domain"),
      current: opt.bool("affect current domain"),
    },
    async handler(ctx, opts) {
      const given = affectFlags(opts);
      const dom = await commandDomain(ctx, opts.domain);
      const bytes = parseScaledOpt(opts.size, "size", 1024, 18446744073709551615n)!;
      const kib = (bytes + 1023n) / 1024n;
      // Without flags virsh uses the old API, which libvirt maps to these flags.
      const flags = maximum
        ? (given ?? Affect.CURRENT) | MemoryFlags.MAXIMUM
        : given ?? Affect.LIVE;
      try {
        await dom.setMemory(kib, flags);
      } catch (e) {
        if (maximum) throw new VshError("Unable to change MaxMemorySize", { cause: e });
        throw e;
      }
      const r = new Result();
      r.data = { kib };
      return r;
    },
  });
}

export const setmem = memoryCommand(
  "setmem",
  "change memory allocation",
  "Change the current memory allocation in the guest domain.",
  "new memory size, as scaled integer (default KiB)",
);

export const setmaxmem = memoryCommand(
  "setmaxmem",
  "change maximum memory limit",
  "Change the maximum memory allocation limit in the guest domain.",
  "new maximum memory size, as scaled integer (default KiB)",
);

export const setvcpus = defineCommand({
  name: "setvcpus",
  group: "domain",
  summary: "change number of virtual CPUs",
  description: "Change the number of virtual CPUs in the guest domain.",
  json: "the count set",
  options: {
    domain: opt.domain(),
    count: opt.int("number of virtual CPUs", { required: true }),
    maximum: opt.bool("set maximum limit on next boot"),
    config: opt.bool("affect next boot"),
    live: opt.bool("affect running domain"),
    current: opt.bool("affect current domain"),
    guest: opt.bool("modify cpu state in the guest"),
    hotpluggable: opt.bool("make added vcpus hot(un)pluggable"),
  },
  async handler(ctx, opts) {
    exclusive("current", opts.current, "live", opts.live);
    exclusive("current", opts.current, "config", opts.config);
    exclusive("guest", opts.guest, "config", opts.config);
    requires("maximum", opts.maximum, "config", opts.config);
    let flags = (opts.config ? Affect.CONFIG : 0) | (opts.live ? Affect.LIVE : 0);
    if (opts.guest) flags |= VcpuFlags.GUEST;
    if (opts.maximum) flags |= VcpuFlags.MAXIMUM;
    if (opts.hotpluggable) flags |= VcpuFlags.HOTPLUGGABLE;
    const dom = await commandDomain(ctx, opts.domain);
    const count = parseUIntOpt(opts.count, "count")!;
    if (count === 0) throw new VshError("Can't set 0 processors for a VM");
    await dom.setVcpus(count, !opts.current && flags === 0 ? undefined : flags);
    const r = new Result();
    r.data = { count };
    return r;
  },
});

/**
 * virsh's virshCPUCountCollect: the count for `flags`, with its fallbacks for old servers.
 * Returns null when `checkState` says the question does not apply (live count of an inactive
 * domain, config count of a transient one).
 */
async function collectCount(
  dom: Domain,
  flags: number,
  checkState: boolean,
): Promise<number | null> {
  if (checkState) {
    if ((flags & Affect.LIVE) && !(await dom.isActive())) return null;
    if ((flags & Affect.CONFIG) && !(await dom.isPersistent())) return null;
  }
  try {
    return await dom.vcpuCount(flags);
  } catch (e) {
    const code = errorCode(e);
    if (code !== ErrorCode.NO_SUPPORT && code !== ErrorCode.INVALID_ARG) throw e;
    if (flags & VcpuFlags.GUEST) {
      throw new VshError("Failed to retrieve vCPU count from the guest", { cause: e });
    }
  }
  if (!(flags & (Affect.LIVE | Affect.CONFIG)) && await dom.isActive()) flags |= Affect.LIVE;
  if (flags & Affect.LIVE) {
    if (flags & VcpuFlags.MAXIMUM) return await dom.maxVcpus();
    return (await dom.info()).nrVirtCpu;
  }
  const doc = parseXml(await dom.xmlDesc(XmlFlags.INACTIVE), "(domain_definition)");
  const vcpu = child(doc, "vcpu");
  const value = flags & VcpuFlags.MAXIMUM ? text(vcpu) : vcpu?.attrs.current;
  const n = value === undefined ? NaN : Number(value);
  if (!Number.isInteger(n)) {
    throw new VshError(
      flags & VcpuFlags.MAXIMUM
        ? "Failed to retrieve maximum vcpu count"
        : "Failed to retrieve current vcpu count",
    );
  }
  return n;
}

export const vcpucount = defineCommand({
  name: "vcpucount",
  group: "domain",
  summary: "domain vcpu counts",
  description: "Returns the number of virtual CPUs used by the domain.",
  json: "the count, or the counts by maximum/current and config/live",
  options: {
    domain: opt.domain(),
    maximum: opt.bool("get maximum count of vcpus"),
    active: opt.bool("get number of currently active vcpus"),
    live: opt.bool("get value from running domain"),
    config: opt.bool("get value to be used on next boot"),
    current: opt.bool("get value according to current domain state"),
    guest: opt.bool("retrieve vcpu count from the guest instead of the hypervisor"),
  },
  async handler(ctx, opts) {
    const { maximum, active, config, live, guest } = opts;
    let current = opts.current;
    const all = !maximum && !active && !current && !config && !live && !guest;
    // Before 0.9.4 --current meant "not --maximum"; virsh still reads it so without --maximum.
    if (!maximum && !active && current) current = false;
    exclusive("live", live, "config", config);
    exclusive("current", current, "live", live);
    exclusive("current", current, "config", config);
    exclusive("active", active, "maximum", maximum);
    exclusive("guest", guest, "config", config);
    let flags = (live ? Affect.LIVE : 0) | (config ? Affect.CONFIG : 0);
    if (maximum) flags |= VcpuFlags.MAXIMUM;
    if (guest) flags |= VcpuFlags.GUEST;
    const dom = await commandDomain(ctx, opts.domain);
    const r = new Result();
    if (!all) {
      const count = (await collectCount(dom, flags, false))!;
      r.data = { count };
      return r.print(`${count}\n`);
    }
    const confMax = await collectCount(dom, Affect.CONFIG | VcpuFlags.MAXIMUM, true);
    const confCur = await collectCount(dom, Affect.CONFIG, true);
    const liveMax = await collectCount(dom, Affect.LIVE | VcpuFlags.MAXIMUM, true);
    const liveCur = await collectCount(dom, Affect.LIVE, true);
    const rows: [number | null, string, string][] = [
      [confMax, "maximum", "config"],
      [liveMax, "maximum", "live"],
      [confCur, "current", "config"],
      [liveCur, "current", "live"],
    ];
    const data: Record<string, number> = {};
    for (const [v, which, state] of rows) {
      if (v === null || v <= 0) continue;
      r.print(`${which.padEnd(12)} ${state.padEnd(12)} ${String(v).padStart(3)}\n`);
      data[`${which}_${state}`] = v;
    }
    r.data = data;
    return r;
  },
});

/** virsh's virshNodeGetCPUCount: the host CPU count from the CPU map, else from nodeinfo. */
async function hostCpuCount(ctx: ShellContext): Promise<number> {
  try {
    const m = await ctx.conn.call("nodeGetCpuMap", { need_map: 0, need_online: 0, flags: 0 });
    return m.ret;
  } catch {
    const n = await ctx.conn.call("nodeGetInfo", undefined as never);
    return n.nodes * n.sockets * n.cores * n.threads;
  }
}

/** libvirt's bitmap text: "0-3,6". */
function bitmapRanges(map: Uint8Array, bits: number): string {
  const parts: string[] = [];
  for (let i = 0; i < bits; i++) {
    if (!(map[i >> 3] & (1 << (i & 7)))) continue;
    let j = i;
    while (j + 1 < bits && map[(j + 1) >> 3] & (1 << ((j + 1) & 7))) j++;
    parts.push(i === j ? `${i}` : `${i}-${j}`);
    i = j;
  }
  return parts.join(",");
}

function affinityLine(map: Uint8Array, maxcpu: number, pretty: boolean): string {
  if (pretty) {
    return `${"CPU Affinity:".padEnd(15)} ${bitmapRanges(map, maxcpu)} (out of ${maxcpu})\n`;
  }
  let s = "";
  for (let i = 0; i < maxcpu; i++) s += map[i >> 3] & (1 << (i & 7)) ? "y" : "-";
  return `${"CPU Affinity:".padEnd(15)} ${s}\n`;
}

/** The vCPUs of an inactive domain, as virsh's virshDomainGetVcpuBitmap reads its XML. */
async function inactiveVcpus(dom: Domain): Promise<{ ids: number[]; max: number }> {
  const doc = parseXml(await dom.xmlDesc(XmlFlags.INACTIVE), "(domain_definition)");
  const vcpu = child(doc, "vcpu");
  const max = Number(text(vcpu));
  if (!vcpu || !Number.isInteger(max) || max < 0) {
    throw new VshError("Failed to retrieve maximum vcpu count");
  }
  let cur = Number(vcpu.attrs.current ?? 0);
  if (!Number.isInteger(cur) || cur === 0) cur = max;
  const listed = child(doc, "vcpus");
  const nodes = listed ? childrenNamed(listed, "vcpu") : [];
  let ids: number[];
  if (nodes.length === 0) {
    ids = Array.from({ length: cur }, (_, i) => i);
  } else {
    ids = nodes.filter((n) => n.attrs.enabled === "yes" && /^\d+$/.test(n.attrs.id ?? ""))
      .map((n) => Number(n.attrs.id)).sort((a, b) => a - b);
    if (ids.length !== cur) throw new VshError("Failed to retrieve vcpu state bitmap");
  }
  return { ids, max };
}

export const vcpuinfo = defineCommand({
  name: "vcpuinfo",
  group: "domain",
  summary: "detailed domain vcpu information",
  description: "Returns basic information about the domain virtual CPUs.",
  json: "an array of vCPUs: vcpu, cpu, state, cpuTime",
  options: {
    domain: opt.domain(),
    pretty: opt.bool("return human readable output"),
  },
  async handler(ctx, opts) {
    const dom = await commandDomain(ctx, opts.domain);
    const maxcpu = await hostCpuCount(ctx);
    const info = await dom.info();
    const maplen = (maxcpu + 7) >> 3;
    const r = new Result();
    const data: Record<string, unknown>[] = [];
    let vcpus;
    try {
      vcpus = await dom.vcpus(info.nrVirtCpu, maplen);
    } catch (e) {
      if (info.state !== DomainState.SHUTOFF) throw e;
    }
    if (vcpus) {
      vcpus.info.forEach((v, n) => {
        r.print(`${"VCPU:".padEnd(15)} ${v.number}\n`);
        r.print(`${"CPU:".padEnd(15)} ${v.cpu}\n`);
        const state = ["offline", "running", "blocked"][v.state] ?? "no state";
        r.print(`${"State:".padEnd(15)} ${state}\n`);
        if (v.cpuTime !== 0n) {
          r.print(`${"CPU time:".padEnd(15)} ${cFixed(Number(v.cpuTime) / 1e9, 1)}s\n`);
        }
        const map = vcpus.cpumaps.subarray(n * maplen, (n + 1) * maplen);
        r.print(affinityLine(map, maxcpu, opts.pretty));
        if (n < vcpus.info.length - 1) r.print("\n");
        data.push({ vcpu: v.number, cpu: v.cpu, state, cpuTime: v.cpuTime });
      });
      r.data = data;
      return r;
    }
    // An inactive domain has no running vCPUs, but its pinning is known.
    const { ids, max } = await inactiveVcpus(dom);
    const maps = await dom.vcpuPinInfo(max, maplen, Affect.CONFIG);
    ids.forEach((id, i) => {
      if (i > 0) r.print("\n");
      r.print(`${"VCPU:".padEnd(15)} ${id}\n`);
      r.print(`${"CPU:".padEnd(15)} N/A\n`);
      r.print(`${"State:".padEnd(15)} N/A\n`);
      r.print(`${"CPU time".padEnd(15)} N/A\n`);
      r.print(affinityLine(maps.subarray(id * maplen, (id + 1) * maplen), maxcpu, opts.pretty));
      data.push({ vcpu: id });
    });
    r.data = data;
    return r;
  },
});
