// Host (node) calls on a Connection: node information, capabilities, free memory and the CPU
// and memory statistics, with the argument checks libvirt's client library makes before a call.

import type { Connection } from "./connection.ts";
import { ErrorCode, VirtError } from "./errors.ts";
import type { TypedParam } from "./remote/protocol.ts";

/** libvirt's VIR_NODE_CPU_STATS_ALL_CPUS / VIR_NODE_MEMORY_STATS_ALL_CELLS. */
export const ALL_CELLS = -1;

/** What `virNodeGetInfo` reports. */
export interface NodeInfo {
  model: string;
  /** KiB. */
  memory: bigint;
  cpus: number;
  mhz: number;
  nodes: number;
  sockets: number;
  cores: number;
  threads: number;
}

/** One named statistic of `nodecpustats` / `nodememstats`. */
export interface NodeStat {
  field: string;
  value: bigint;
}

// libvirt's client library rejects these arguments itself (VIR_ERR_INVALID_ARG, VIR_FROM_NONE)
// before anything reaches the driver, with messages that name the public API function.
function invalidArg(message: string): VirtError {
  return new VirtError({ code: ErrorCode.INVALID_ARG, domain: 0, message });
}

/**
 * The node's hardware summary.
 *
 * @example
 * ```ts
 * import { Connection } from "./connection.ts";
 * import { nodeInfo } from "./host.ts";
 * const conn = await Connection.open("test:///default");
 * console.assert((await nodeInfo(conn)).cpus === 16);
 * await conn.close();
 * ```
 */
export async function nodeInfo(conn: Connection): Promise<NodeInfo> {
  return await conn.call("nodeGetInfo", undefined);
}

/** The host capabilities XML document. */
export async function capabilities(conn: Connection): Promise<string> {
  return (await conn.call("connectGetCapabilities", undefined)).capabilities;
}

/** The hypervisor's sysinfo XML document. */
export async function sysinfo(conn: Connection): Promise<string> {
  return (await conn.call("connectGetSysinfo", { flags: 0 })).sysinfo;
}

/** Free memory of `maxCells` NUMA cells from `startCell`, in bytes. */
export async function cellsFreeMemory(
  conn: Connection,
  startCell: number,
  maxCells: number,
): Promise<bigint[]> {
  if (startCell < 0) {
    throw invalidArg("startCell in virNodeGetCellsFreeMemory must be zero or greater");
  }
  if (maxCells <= 0) {
    throw invalidArg("maxCells in virNodeGetCellsFreeMemory must be greater than zero");
  }
  return (await conn.call("nodeGetCellsFreeMemory", { startCell, maxcells: maxCells })).cells;
}

/** Free memory of the whole node, in bytes. */
export async function freeMemory(conn: Connection): Promise<bigint> {
  return (await conn.call("nodeGetFreeMemory", undefined)).freeMem;
}

/**
 * CPU statistics (nanoseconds, or a percentage for "utilization") of one CPU or of all of them
 * (`cpu` = ALL_CELLS). With `nparams` 0 the driver only says how many there are.
 */
export async function cpuStats(
  conn: Connection,
  cpu: number,
  nparams: number,
): Promise<{ params: NodeStat[]; nparams: number }> {
  if (cpu < 0 && cpu !== ALL_CELLS) {
    throw invalidArg("cpuNum in virNodeGetCPUStats only accepts -1 as a negative value");
  }
  return await conn.call("nodeGetCpuStats", { cpuNum: cpu, nparams, flags: 0 });
}

/** Memory statistics (KiB) of one NUMA cell or of the node (`cell` = ALL_CELLS). */
export async function memoryStats(
  conn: Connection,
  cell: number,
  nparams: number,
): Promise<{ params: NodeStat[]; nparams: number }> {
  if (cell < 0 && cell !== ALL_CELLS) {
    throw invalidArg("cellNum in virNodeGetMemoryStats only accepts -1 as a negative value");
  }
  return await conn.call("nodeGetMemoryStats", { nparams, cellNum: cell, flags: 0 });
}

/** The domain capabilities XML for an emulator, architecture, machine and virtualization type. */
export async function domainCapabilities(
  conn: Connection,
  query: { emulatorbin?: string; arch?: string; machine?: string; virttype?: string },
): Promise<string> {
  const r = await conn.call("connectGetDomainCapabilities", {
    emulatorbin: query.emulatorbin ?? null,
    arch: query.arch ?? null,
    machine: query.machine ?? null,
    virttype: query.virttype ?? null,
    flags: 0,
  });
  return r.capabilities;
}

/** The largest number of virtual CPUs a guest of `type` (or the default type) can have. */
export async function maxVcpus(conn: Connection, type?: string): Promise<number> {
  return (await conn.call("connectGetMaxVcpus", { type: type ?? null })).max_vcpus;
}

/** The node's CPUs: how many exist, how many are online, and which (one bit per CPU). */
export async function cpuMap(
  conn: Connection,
): Promise<{ present: number; online: number; map: Uint8Array }> {
  const r = await conn.call("nodeGetCpuMap", { need_map: 1, need_online: 1, flags: 0 });
  return { present: r.ret, online: r.online, map: r.cpumap };
}

/** The node's memory tuning parameters (nparams 0: only how many there are). */
export async function memoryParameters(
  conn: Connection,
  nparams: number,
): Promise<{ params: TypedParam[]; nparams: number }> {
  return await conn.call("nodeGetMemoryParameters", { nparams, flags: 0 });
}

/** Change node memory tuning parameters. */
export async function setMemoryParameters(conn: Connection, params: TypedParam[]): Promise<void> {
  await conn.call("nodeSetMemoryParameters", { params, flags: 0 });
}

/** libvirt's virNodeSuspendTarget values. */
export const SuspendTarget = { mem: 0, disk: 1, hybrid: 2 } as const;

/** Suspend the host for `seconds`, then wake it. */
export async function suspendForDuration(
  conn: Connection,
  target: number,
  seconds: bigint,
): Promise<void> {
  await conn.call("nodeSuspendForDuration", { target, duration: seconds, flags: 0 });
}

/** The CPU model names the hypervisor knows for `arch` (empty: any model is accepted). */
export async function cpuModelNames(conn: Connection, arch: string): Promise<string[]> {
  return (await conn.call("connectGetCpuModelNames", { arch, need_results: 1, flags: 0 })).models;
}

/** libvirt's virCPUCompareResult values. */
export const CpuCompareResult = { INCOMPATIBLE: 0, IDENTICAL: 1, SUPERSET: 2 } as const;

/** Compare a CPU description with the host CPU (flags: 1 fail if incompatible, 2 validate). */
export async function compareCpu(conn: Connection, xml: string, flags: number): Promise<number> {
  return (await conn.call("connectCompareCpu", { xml, flags })).result;
}

/** The baseline CPU of several CPU descriptions (flags: 1 expand features, 2 migratable). */
export async function baselineCpu(
  conn: Connection,
  cpus: string[],
  flags: number,
): Promise<string> {
  return (await conn.call("connectBaselineCpu", { xmlCPUs: cpus, flags })).cpu;
}
