// virsh's "Host and Hypervisor" group: what the node is made of and how busy it is.

import {
  defineCommand,
  opt,
  parseIntOpt,
  parseLLOpt,
  parseUIntOpt,
  Result,
  VshError,
} from "../../shell/mod.ts";
import type { CommandDef, ShellContext } from "../../shell/mod.ts";
import { VirtError } from "../../virt/errors.ts";
import { child, childrenNamed, parseXml } from "../../virt/xml/tree.ts";
import type { TypedParam } from "../../virt/remote/protocol.ts";
import {
  ALL_CELLS,
  baselineCpu,
  capabilities,
  cellsFreeMemory,
  compareCpu,
  CpuCompareResult,
  cpuMap,
  cpuModelNames,
  cpuStats,
  domainCapabilities,
  freeMemory,
  maxVcpus,
  memoryParameters,
  memoryStats,
  nodeInfo,
  type NodeStat,
  setMemoryParameters,
  suspendForDuration,
  SuspendTarget,
  sysinfo,
} from "../../virt/host.ts";
import { typedParamText } from "./monitor.ts";
import { evaluateXPath, type XNode, xpathDocument } from "../../virt/xml/xpath.ts";
import { dumpNode } from "../../shell/xml_output.ts";

// Turns a libvirt failure into virsh's two lines: the command's message, then libvirt's.
async function reported<T>(message: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof VirtError) throw new VshError(message, { cause: e });
    throw e;
  }
}

// printf's "%-Ns %s" of virsh's labelled lines.
const field = (label: string, width: number, value: string | number | bigint) =>
  `${label.padEnd(width)} ${value}\n`;

/** `nodeinfo`: node information. */
export const nodeinfo = defineCommand({
  name: "nodeinfo",
  group: "host",
  summary: "node information",
  description: "Returns basic information about the node.",
  options: {},
  json: "model, cpus, mhz, sockets, cores, threads, nodes, memory (KiB)",
  async handler(ctx) {
    const info = await reported("failed to get node information", nodeInfo(ctx.conn));
    const r = new Result();
    r.print(field("CPU model:", 20, info.model));
    r.print(field("CPU(s):", 20, info.cpus));
    if (info.mhz) r.print(`${"CPU frequency:".padEnd(20)} ${info.mhz} MHz\n`);
    r.print(field("CPU socket(s):", 20, info.sockets));
    r.print(field("Core(s) per socket:", 20, info.cores));
    r.print(field("Thread(s) per core:", 20, info.threads));
    r.print(field("NUMA cell(s):", 20, info.nodes));
    r.print(`${"Memory size:".padEnd(20)} ${info.memory} KiB\n`);
    r.data = info;
    return r;
  },
});

/** `capabilities`: capabilities. */
export const capabilitiesCmd = defineCommand({
  name: "capabilities",
  group: "host",
  summary: "capabilities",
  description: "Returns capabilities of hypervisor/driver.",
  options: {},
  json: "the capabilities XML document as a string",
  async handler(ctx) {
    const xml = await reported("failed to get capabilities", capabilities(ctx.conn));
    const r = new Result().print(`${xml}\n`);
    r.data = xml;
    return r;
  },
});

/** `domcapabilities`: domain capabilities. */
export const domcapabilities = defineCommand({
  name: "domcapabilities",
  group: "host",
  summary: "domain capabilities",
  description: "Returns capabilities of emulator with respect to host and libvirt.",
  options: {
    virttype: opt.string("virtualization type (/domain/@type)"),
    emulatorbin: opt.string("path to emulator binary (/domain/devices/emulator)"),
    arch: opt.string("domain architecture (/domain/os/type/@arch)"),
    machine: opt.string("machine type (/domain/os/type/@machine)"),
  },
  json: "the domain capabilities XML document as a string",
  async handler(ctx, opts) {
    const xml = await reported(
      "failed to get emulator capabilities",
      domainCapabilities(ctx.conn, opts),
    );
    const r = new Result().print(`${xml}\n`);
    r.data = xml;
    return r;
  },
});

/** `sysinfo`: print the hypervisor sysinfo. */
export const sysinfoCmd = defineCommand({
  name: "sysinfo",
  group: "host",
  summary: "print the hypervisor sysinfo",
  description: "output an XML string for the hypervisor sysinfo, if available",
  options: {},
  json: "the sysinfo XML document as a string",
  async handler(ctx) {
    const xml = await reported("failed to get sysinfo", sysinfo(ctx.conn));
    const r = new Result().print(xml);
    r.data = xml;
    return r;
  },
});

// The NUMA cell ids the capabilities document lists, in document order.
function capabilityCells(xml: string): bigint[] {
  let root;
  try {
    root = parseXml(xml, "(capabilities)");
  } catch {
    throw new VshError("unable to get node capabilities");
  }
  if (root.name !== "capabilities") return [];
  const topology = child(child(root, "host") ?? root, "topology");
  const cells = topology && child(topology, "cells");
  if (!cells || !child(root, "host")) return [];
  return childrenNamed(cells, "cell").map((cell) => {
    const id = cell.attrs.id;
    if (id === undefined || !/^\d+$/.test(id)) {
      throw new VshError("conversion from string failed");
    }
    return BigInt(id);
  });
}

/** `freecell`: NUMA free memory. */
export const freecell = defineCommand({
  name: "freecell",
  group: "host",
  summary: "NUMA free memory",
  description: "display available free memory for the NUMA cell.",
  options: {
    cellno: opt.int("NUMA cell number"),
    all: opt.bool("show free memory for all NUMA cells"),
  },
  json: "free memory in KiB: {cells: [{cell, free}], total} or {cell, free} or {total}",
  async handler(ctx, opts) {
    const hasCell = opts.cellno !== undefined;
    if (opts.all && hasCell) {
      throw new VshError("Options --all and --cellno are mutually exclusive");
    }
    const cell = hasCell ? parseIntOpt(opts.cellno, "cellno")! : -1;
    const conn = ctx.conn;
    const r = new Result();
    if (opts.all) {
      const caps = await reported("unable to get node capabilities", capabilities(conn));
      const ids = capabilityCells(caps);
      const free: bigint[] = [];
      for (const id of ids) {
        let cells: bigint[] | undefined;
        try {
          cells = await cellsFreeMemory(conn, Number(BigInt.asIntN(32, id)), 1);
        } catch (e) {
          if (!(e instanceof VirtError)) throw e;
          throw new VshError(`failed to get free memory for NUMA node number: ${id}`, {
            cause: e,
          });
        }
        if (cells.length !== 1) {
          throw new VshError(`failed to get free memory for NUMA node number: ${id}`);
        }
        free.push(cells[0]);
      }
      let total = 0n;
      ids.forEach((id, i) => {
        r.print(`${String(id).padStart(5)}: ${String(free[i] / 1024n).padStart(10)} KiB\n`);
        total += free[i];
      });
      r.extra("--------------------\n");
      r.extra(`${"Total".padStart(5)}: ${String(total / 1024n).padStart(10)} KiB\n`);
      r.data = {
        cells: ids.map((id, i) => ({ cell: Number(id), free: free[i] / 1024n })),
        total: total / 1024n,
      };
    } else if (hasCell) {
      const cells = await cellsFreeMemory(conn, cell, 1);
      if (cells.length !== 1) return r.fail();
      r.print(`${cell}: ${cells[0] / 1024n} KiB\n`);
      r.data = { cell, free: cells[0] / 1024n };
    } else {
      const mem = await freeMemory(conn);
      if (mem === 0n) return r.fail();
      r.print(`Total: ${mem / 1024n} KiB\n`);
      r.data = { total: mem / 1024n };
    }
    return r;
  },
});

/** `nodememstats`: Prints memory stats of the node.. */
export const nodememstats = defineCommand({
  name: "nodememstats",
  group: "host",
  summary: "Prints memory stats of the node.",
  description: "Returns memory stats of the node, in kilobytes.",
  options: { cell: opt.int("prints specified cell statistics only.") },
  json: "an object of statistic name to KiB",
  async handler(ctx, opts) {
    const cell = parseIntOpt(opts.cell, "cell") ?? ALL_CELLS;
    const conn = ctx.conn;
    const count = await reported(
      "Unable to get number of memory stats",
      memoryStats(conn, cell, 0),
    );
    const r = new Result();
    if (count.nparams === 0) return r;
    const stats = await reported(
      "Unable to get memory stats",
      memoryStats(conn, cell, count.nparams),
    );
    for (const p of stats.params) {
      r.print(`${p.field.padEnd(7)}: ${String(p.value).padStart(20)} KiB\n`);
    }
    r.data = Object.fromEntries(stats.params.map((p) => [p.field, p.value]));
    return r;
  },
});

// virsh's names for the node CPU statistics it knows, in its print order.
const CPU_FIELDS = ["user", "kernel", "idle", "iowait", "intr", "utilization"] as const;
const CPU_LABELS = ["user:", "system:", "idle:", "iowait:", "intr:", "usage:"];
const USAGE = 5;

// printf's "%5.1lf" (with glibc's "-nan" for 0/0, which is what a zero interval gives).
function percent(v: number): string {
  const s = Number.isNaN(v) ? "-nan" : v.toFixed(1);
  return s.padStart(5);
}

/** `nodecpustats`: Prints cpu stats of the node.. */
export const nodecpustats = defineCommand({
  name: "nodecpustats",
  group: "host",
  summary: "Prints cpu stats of the node.",
  description: "Returns cpu stats of the node, in nanoseconds.",
  options: {
    cpu: opt.int("prints specified cpu statistics only."),
    percent: opt.bool("prints by percentage during 1 second."),
  },
  json: "an object of statistic name to nanoseconds (or percent with --percent)",
  async handler(ctx, opts) {
    const cpu = parseIntOpt(opts.cpu, "cpu") ?? ALL_CELLS;
    const conn = ctx.conn;
    const count = await reported("Unable to get number of cpu stats", cpuStats(conn, cpu, 0));
    const r = new Result();
    if (count.nparams === 0) return r;
    const values: bigint[] = CPU_FIELDS.map(() => 0n);
    const present: boolean[] = CPU_FIELDS.map(() => false);
    for (let pass = 0; pass < 2; pass++) {
      const stats = await reported(
        "Unable to get node cpu stats",
        cpuStats(conn, cpu, count.nparams),
      );
      for (const p of stats.params as NodeStat[]) {
        const i = (CPU_FIELDS as readonly string[]).indexOf(p.field);
        if (i < 0) continue;
        if (pass === 0) {
          values[i] = p.value;
          present[i] = true;
        } else if (present[i]) {
          values[i] = BigInt.asUintN(64, p.value - values[i]);
        }
      }
      if (present[USAGE] || !opts.percent) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const data: Record<string, number | bigint> = {};
    if (!opts.percent) {
      for (let i = 0; i < USAGE; i++) {
        if (!present[i]) continue;
        r.print(`${CPU_LABELS[i].padEnd(15)} ${String(values[i]).padStart(20)}\n`);
        data[CPU_LABELS[i].slice(0, -1)] = values[i];
      }
    } else if (present[USAGE]) {
      const usage = values[USAGE];
      const idle = BigInt.asUintN(64, 100n - usage);
      r.print(`${"usage:".padEnd(15)} ${String(usage).padStart(5)}%\n`);
      r.print(`${"idle:".padEnd(15)} ${String(idle).padStart(5)}%\n`);
      data.usage = usage;
      data.idle = idle;
    } else {
      let total = 0;
      for (let i = 0; i < USAGE; i++) total += Number(values[i]);
      const usage = (Number(values[0]) + Number(values[1])) / total * 100;
      r.print(`${"usage:".padEnd(15)} ${percent(usage)}%\n`);
      data.usage = usage;
      for (let i = 0; i < USAGE; i++) {
        if (!present[i]) continue;
        const v = Number(values[i]) / total * 100;
        r.print(`${CPU_LABELS[i].padEnd(15)} ${percent(v)}%\n`);
        data[CPU_LABELS[i].slice(0, -1)] = v;
      }
    }
    r.data = data;
    return r;
  },
});

/** `maxvcpus`: connection vcpu maximum. */
export const maxvcpus = defineCommand({
  name: "maxvcpus",
  group: "host",
  summary: "connection vcpu maximum",
  description: "Show maximum number of virtual CPUs for guests on this connection.",
  options: { type: opt.string("domain type") },
  json: "the maximum as a number",
  async handler(ctx, opts) {
    const conn = ctx.conn;
    let vcpus = -1;
    // Domain capabilities know the limit of the actual machine type; older drivers do not
    // have them, and their failure is not reported.
    let caps: string | undefined;
    try {
      caps = await domainCapabilities(conn, { virttype: opts.type });
    } catch (e) {
      if (!(e instanceof VirtError)) throw e;
    }
    if (caps !== undefined) {
      const root = parseXml(caps, "(domainCapabilities)");
      const max = child(root, "vcpu")?.attrs.max;
      if (max !== undefined && /^[+-]?\d+$/.test(max.trim())) vcpus = Number(max);
    }
    if (vcpus < 0) vcpus = await maxVcpus(conn, opts.type);
    const r = new Result().print(`${vcpus}\n`);
    r.data = vcpus;
    return r;
  },
});

// virBitmapFormat: set bits as a comma-separated list of ranges ("0-3,5").
function formatCpuList(map: Uint8Array, count: number): string {
  const isSet = (i: number) => (map[i >> 3] & (1 << (i & 7))) !== 0;
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    if (!isSet(i)) continue;
    let j = i;
    while (j + 1 < count && isSet(j + 1)) j++;
    parts.push(i === j ? `${i}` : `${i}-${j}`);
    i = j;
  }
  return parts.join(",");
}

/** `nodecpumap`: node cpu map. */
export const nodecpumap = defineCommand({
  name: "nodecpumap",
  group: "host",
  summary: "node cpu map",
  description:
    "Displays the node's total number of CPUs, the number of online CPUs and the list of online CPUs.",
  options: { pretty: opt.bool("return human readable output") },
  json: "present, online and the online CPUs' numbers",
  async handler(ctx, opts) {
    const { present, online, map } = await reported("Unable to get cpu map", cpuMap(ctx.conn));
    const bits = [];
    for (let i = 0; i < present; i++) bits.push((map[i >> 3] & (1 << (i & 7))) !== 0);
    const r = new Result();
    r.print(field("CPUs present:", 15, present));
    r.print(field("CPUs online:", 15, online));
    const text = opts.pretty
      ? formatCpuList(map, present)
      : bits.map((b) => (b ? "y" : "-")).join("");
    r.print(field("CPU map:", 15, text));
    r.data = { present, online, cpus: bits.flatMap((b, i) => (b ? [i] : [])) };
    return r;
  },
});

const MEMORY_TUNABLES = [
  ["shm-pages-to-scan", "shm_pages_to_scan"],
  ["shm-sleep-millisecs", "shm_sleep_millisecs"],
  ["shm-merge-across-nodes", "shm_merge_across_nodes"],
] as const;

/** `node-memory-tune`: Get or set node memory parameters. */
export const nodeMemoryTune = defineCommand({
  name: "node-memory-tune",
  group: "host",
  summary: "Get or set node memory parameters",
  description: "Get or set node memory parameters\n" +
    "    To get the memory parameters, use following command: \n\n" +
    "    virsh # node-memory-tune",
  options: {
    "shm-pages-to-scan": opt.int(
      "number of pages to scan before the shared memory service goes to sleep",
    ),
    "shm-sleep-millisecs": opt.int(
      "number of millisecs the shared memory service should sleep before next scan",
    ),
    "shm-merge-across-nodes": opt.int(
      "Specifies if pages from different numa nodes can be merged",
    ),
  },
  json: "an object of parameter name to value (when reading)",
  async handler(ctx, opts) {
    const params: TypedParam[] = [];
    for (const [option, param] of MEMORY_TUNABLES) {
      const v = parseUIntOpt(opts[option], option);
      if (v !== undefined) params.push({ field: param, value: { type: 2, value: v } });
    }
    const conn = ctx.conn;
    const r = new Result();
    if (params.length) {
      await reported("Unable to change memory parameters", setMemoryParameters(conn, params));
      return r;
    }
    const count = await reported(
      "Unable to get number of memory parameters",
      memoryParameters(conn, 0),
    );
    if (count.nparams === 0) return r;
    const got = await reported(
      "Unable to get memory parameters",
      memoryParameters(conn, count.nparams),
    );
    r.print("Shared memory:\n");
    for (const p of got.params) r.print(`\t${p.field.padEnd(15)} ${typedParamText(p)}\n`);
    r.data = Object.fromEntries(got.params.map((p) => [p.field, p.value.value]));
    return r;
  },
});

/** `nodesuspend`: suspend the host node for a given time duration. */
export const nodesuspend = defineCommand({
  name: "nodesuspend",
  group: "host",
  summary: "suspend the host node for a given time duration",
  description: "Suspend the host node for a given time duration and attempt to resume thereafter.",
  options: {
    target: opt.data("mem(Suspend-to-RAM), disk(Suspend-to-Disk), hybrid(Hybrid-Suspend)", {
      required: true,
    }),
    duration: opt.int("Suspend duration in seconds, at least 60", { required: true }),
  },
  async handler(ctx, opts) {
    const duration = parseLLOpt(opts.duration, "duration")!;
    if (!Object.hasOwn(SuspendTarget, opts.target!)) throw new VshError("Invalid target");
    const target = SuspendTarget[opts.target as keyof typeof SuspendTarget];
    if (duration < 0n) throw new VshError("Invalid duration");
    await reported("The host was not suspended", suspendForDuration(ctx.conn, target, duration));
    return new Result();
  },
});

/** `cpu-models`: CPU models. */
export const cpuModels = defineCommand({
  name: "cpu-models",
  group: "host",
  summary: "CPU models",
  description: "Get the CPU models for an arch.",
  options: { arch: opt.data("architecture", { required: true }) },
  json: "an array of model names",
  async handler(ctx, opts) {
    const models = await reported(
      "failed to get CPU model names",
      cpuModelNames(ctx.conn, opts.arch!),
    );
    const r = new Result();
    if (models.length === 0) r.extra("all CPU models are accepted\n");
    for (const m of models) r.print(`${m}\n`);
    r.data = models;
    return r;
  },
});

// Where CPU definitions sit in the documents cpu-compare and cpu-baseline accept: bare <cpu>
// elements, domains, host capabilities and domain capabilities (the host-model mode).
const CPU_PATHS = "/container/cpu|/container/domain/cpu|/container/capabilities/host/cpu|" +
  "/container/domainCapabilities/cpu/mode[@name='host-model' and @supported='yes']";

// virsh's vshExtractCPUDefXMLs: every CPU definition in the file, as XML text.
async function extractCpuDefinitions(ctx: ShellContext, file: string): Promise<string[]> {
  let text = await ctx.readFile(file);
  const declEnd = text.indexOf("?>");
  if (text.startsWith("<?xml") && declEnd >= 0) text = text.slice(declEnd + 2);
  let root;
  try {
    root = parseXml(`<container>${text}</container>`, file);
  } catch (e) {
    if (e instanceof Error) throw new VshError(e.message);
    throw e;
  }
  const found = evaluateXPath(CPU_PATHS, xpathDocument(root)) as XNode[];
  if (found.length === 0) {
    throw new VshError(
      `File '${file}' does not contain any <cpu> element or valid domain XML, host capabilities XML, or domain capabilities XML`,
    );
  }
  // A domain capabilities' <mode> becomes a plain <cpu>.
  return found.map((n) => dumpNode(n.name === "mode" ? { ...n, name: "cpu", attrs: [] } : n));
}

/** `cpu-compare`: compare host CPU with a CPU described by an XML file. */
export const cpuCompare = defineCommand({
  name: "cpu-compare",
  group: "host",
  summary: "compare host CPU with a CPU described by an XML file",
  description: "compare CPU with host CPU",
  options: {
    file: opt.data("file containing an XML CPU description", { required: true, complete: "file" }),
    error: opt.bool("report error if CPUs are incompatible"),
    validate: opt.bool("validate the XML document against schema"),
  },
  json: "incompatible, identical or superset",
  async handler(ctx, opts) {
    const flags = (opts.error ? 1 : 0) | (opts.validate ? 2 : 0);
    const file = opts.file!;
    const cpus = await extractCpuDefinitions(ctx, file);
    const result = await reported(
      `Failed to compare host CPU with ${file}`,
      compareCpu(ctx.conn, cpus[0], flags),
    );
    const r = new Result();
    switch (result) {
      case CpuCompareResult.INCOMPATIBLE:
        r.data = "incompatible";
        return r.print(`CPU described in ${file} is incompatible with host CPU\n`).fail();
      case CpuCompareResult.IDENTICAL:
        r.data = "identical";
        return r.print(`CPU described in ${file} is identical to host CPU\n`);
      case CpuCompareResult.SUPERSET:
        r.data = "superset";
        return r.print(`Host CPU is a superset of CPU described in ${file}\n`);
      default:
        throw new VshError(`Failed to compare host CPU with ${file}`);
    }
  },
});

/** `cpu-baseline`: compute baseline CPU. */
export const cpuBaseline = defineCommand({
  name: "cpu-baseline",
  group: "host",
  summary: "compute baseline CPU",
  description: "Compute baseline CPU for a set of given CPUs.",
  options: {
    file: opt.data("file containing XML CPU descriptions", { required: true, complete: "file" }),
    features: opt.bool("Show features that are part of the CPU model type"),
    migratable: opt.bool("Do not include features that block migration"),
  },
  json: "the baseline CPU's XML as a string",
  async handler(ctx, opts) {
    const flags = (opts.features ? 1 : 0) | (opts.migratable ? 2 : 0);
    const cpus = await extractCpuDefinitions(ctx, opts.file!);
    const xml = await baselineCpu(ctx.conn, cpus, flags);
    const r = new Result().print(xml);
    r.data = xml;
    return r;
  },
});

/** The host commands this plugin contributes (version, hostname and uri are the shell's). */
export const hostCommands: CommandDef[] = [
  capabilitiesCmd,
  cpuBaseline,
  cpuCompare,
  cpuModels,
  domcapabilities,
  freecell,
  maxvcpus,
  nodeMemoryTune,
  nodecpumap,
  nodecpustats,
  nodeinfo,
  nodememstats,
  nodesuspend,
  sysinfoCmd,
] as unknown as CommandDef[];
