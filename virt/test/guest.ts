// Tuning parameters (memtune, numatune, blkiotune, domiftune, blkdeviotune, perf, schedinfo)
// and the guest-agent-like answers (filesystems, interface addresses, messages) of the test
// driver, which libvirt fakes from the domain definition.

import { ErrorCode } from "../errors.ts";
import type { TypedParam } from "../remote/protocol.ts";
import {
  domainDisks,
  domainInterfaces,
  formatCpuset,
  parseCpuset,
  reorderDevice,
} from "../xml/domain.ts";
import { child, childrenNamed, el, elements, text, type XmlElement } from "../xml/tree.ts";
import { checkActive, type DomainProcs, oneDef } from "./domains.ts";
import { checkFlags, From, invalidArg, operationInvalid, virtError } from "./errors.ts";
import type { TestState } from "./state.ts";

// deno-lint-ignore no-explicit-any
type Args = any;

const AFFECT = 1 | 2;
const STRING_OKAY = 4;
/** VIR_DOMAIN_MEMORY_PARAM_UNLIMITED: what an unset memory limit reads as. */
const UNLIMITED = 9007199254740991n;

const uint = (field: string, value: number): TypedParam => ({
  field,
  value: { type: 2, value },
});
const ullong = (field: string, value: bigint): TypedParam => ({
  field,
  value: { type: 4, value },
});
const str = (field: string, value: string): TypedParam => ({
  field,
  value: { type: 7, value },
});

/**
 * The reply of a Get*Parameters call as the daemon sends it: the count alone when asked for 0,
 * else up to nparams values, strings left out unless the caller set VIR_TYPED_PARAM_STRING_OKAY.
 */
function params(all: TypedParam[], nparams: number, flags: number) {
  if (nparams === 0) return { params: [], nparams: all.length };
  const out = all.slice(0, nparams).filter((p) => p.value.type !== 7 || flags & STRING_OKAY);
  return { params: out, nparams: 0 };
}

const IOTUNE_FIELDS = [
  "total_bytes_sec",
  "read_bytes_sec",
  "write_bytes_sec",
  "total_iops_sec",
  "read_iops_sec",
  "write_iops_sec",
  "total_bytes_sec_max",
  "read_bytes_sec_max",
  "write_bytes_sec_max",
  "total_iops_sec_max",
  "read_iops_sec_max",
  "write_iops_sec_max",
  "size_iops_sec",
  "group_name",
  "total_bytes_sec_max_length",
  "read_bytes_sec_max_length",
  "write_bytes_sec_max_length",
  "total_iops_sec_max_length",
  "read_iops_sec_max_length",
  "write_iops_sec_max_length",
];

/** libvirt's perf events, in virPerfEvent order. */
const PERF_EVENTS = [
  "cmt",
  "mbmt",
  "mbml",
  "cpu_cycles",
  "instructions",
  "cache_references",
  "cache_misses",
  "branch_instructions",
  "branch_misses",
  "bus_cycles",
  "stalled_cycles_frontend",
  "stalled_cycles_backend",
  "ref_cpu_cycles",
  "cpu_clock",
  "task_clock",
  "page_faults",
  "context_switches",
  "cpu_migrations",
  "page_faults_min",
  "page_faults_maj",
  "alignment_faults",
  "emulation_faults",
];

/** Tuning and guest procedures. */
export class GuestProcs {
  constructor(private readonly s: TestState, private readonly d: DomainProcs) {}

  getMemoryParameters(a: Args) {
    checkFlags(a.flags, AFFECT | STRING_OKAY, "testDomainGetMemoryParameters");
    if (a.nparams === 0) return { params: [], nparams: 3 };
    const { def } = oneDef(this.d.obj(a.dom), a.flags & AFFECT);
    const tune = def.extra.memtune;
    const limit = (tag: string) => {
      const e = tune ? child(tune, tag) : undefined;
      return e ? BigInt((text(e) ?? "0").trim()) : UNLIMITED;
    };
    return params(
      [
        ullong("hard_limit", limit("hard_limit")),
        ullong("soft_limit", limit("soft_limit")),
        ullong("swap_hard_limit", limit("swap_hard_limit")),
      ],
      a.nparams,
      a.flags,
    );
  }

  getNumaParameters(a: Args) {
    checkFlags(a.flags, AFFECT | STRING_OKAY, "testDomainGetNumaParameters");
    if (a.nparams === 0) return { params: [], nparams: 2 };
    const { def } = oneDef(this.d.obj(a.dom), a.flags & AFFECT);
    const mem = def.extra.numatune ? child(def.extra.numatune, "memory") : undefined;
    const modes = ["strict", "preferred", "interleave", "restrictive"];
    const mode = Math.max(0, modes.indexOf(mem?.attrs.mode ?? "strict"));
    return params(
      [
        { field: "numa_mode", value: { type: 1, value: mode } },
        str("numa_nodeset", mem?.attrs.nodeset ?? ""),
      ],
      a.nparams,
      a.flags,
    );
  }

  getBlkioParameters(a: Args) {
    checkFlags(a.flags, AFFECT | STRING_OKAY, "testDomainGetBlkioParameters");
    if (a.nparams === 0) return { params: [], nparams: 6 };
    const { def } = oneDef(this.d.obj(a.dom), a.flags & AFFECT);
    const tune = def.extra.blkiotune;
    const weight = tune ? Number((text(child(tune, "weight")) ?? "0").trim()) : 0;
    const devices = tune ? childrenNamed(tune, "device") : [];
    const list = (tag: string) =>
      devices.filter((d) => child(d, tag)).map((d) =>
        `${text(child(d, "path"))?.trim()},${text(child(d, tag))?.trim()}`
      ).join(",");
    return params(
      [
        uint("weight", weight),
        str("device_weight", list("weight")),
        str("device_read_iops_sec", list("read_iops_sec")),
        str("device_write_iops_sec", list("write_iops_sec")),
        str("device_read_bytes_sec", list("read_bytes_sec")),
        str("device_write_bytes_sec", list("write_bytes_sec")),
      ],
      a.nparams,
      a.flags,
    );
  }

  getInterfaceParameters(a: Args) {
    checkFlags(a.flags, AFFECT | STRING_OKAY, "testDomainGetInterfaceParameters");
    if (a.nparams === 0) return { params: [], nparams: 7 };
    const { def } = oneDef(this.d.obj(a.dom), a.flags & AFFECT);
    const nets = domainInterfaces(def);
    const dev = String(a.device);
    const found = nets.filter((n) => n.ifname === dev || n.mac === dev.toLowerCase());
    if (found.length === 0) throw invalidArg(`'${dev}' is not a known interface`, 20);
    const iface = def.devices.filter((d) => d.name === "interface")[nets.indexOf(found[0])];
    const bw = child(iface, "bandwidth");
    const rate = (dir: string, attr: string) => {
      const e = bw ? child(bw, dir) : undefined;
      return Number(e?.attrs[attr] ?? 0);
    };
    return params(
      [
        uint("inbound.average", rate("inbound", "average")),
        uint("inbound.peak", rate("inbound", "peak")),
        uint("inbound.burst", rate("inbound", "burst")),
        uint("inbound.floor", rate("inbound", "floor")),
        uint("outbound.average", rate("outbound", "average")),
        uint("outbound.peak", rate("outbound", "peak")),
        uint("outbound.burst", rate("outbound", "burst")),
      ],
      a.nparams,
      a.flags,
    );
  }

  getBlockIoTune(a: Args) {
    checkFlags(a.flags, AFFECT | STRING_OKAY, "testDomainGetBlockIoTune");
    if (a.nparams === 0) return { params: [], nparams: 20 };
    const { def } = oneDef(this.d.obj(a.dom), a.flags & AFFECT);
    const disk = domainDisks(def).find((d) => d.target === a.disk || d.source === a.disk);
    if (!disk) throw invalidArg(`disk '${a.disk}' was not found in the domain config`);
    const tune = child(disk.el, "iotune");
    const all = IOTUNE_FIELDS.map((f) => {
      const v = tune ? text(child(tune, f))?.trim() : undefined;
      return f === "group_name" ? str(f, v ?? "") : ullong(f, BigInt(v ?? "0"));
    });
    return params(all, a.nparams, a.flags);
  }

  setMemoryParameters(a: Args) {
    checkFlags(a.flags, AFFECT, "testDomainSetMemoryParameters");
    const names = ["hard_limit", "soft_limit", "swap_hard_limit"];
    validateParams(a.params, Object.fromEntries(names.map((n) => [n, 4])));
    const o = this.d.obj(a.dom);
    const { def } = oneDef(o, a.flags);
    const given = new Map<string, bigint>();
    for (const p of a.params as TypedParam[]) given.set(p.field, BigInt(p.value.value as bigint));
    const limit = (tag: string, d = o.def) => {
      const e = d.extra.memtune ? child(d.extra.memtune, tag) : undefined;
      return e ? BigInt((text(e) ?? "0").trim()) : UNLIMITED;
    };
    if (given.has("hard_limit") || given.has("swap_hard_limit")) {
      const mem = given.get("hard_limit") ?? limit("hard_limit");
      const swap = given.get("swap_hard_limit") ?? limit("swap_hard_limit");
      if (mem > swap) {
        throw invalidArg(
          "memory hard_limit tunable value must be lower than or equal to swap_hard_limit",
        );
      }
    }
    const values = new Map(names.map((n) => [n, given.get(n) ?? limit(n, def)]));
    const kids = names.filter((n) => values.get(n)! < UNLIMITED).map((n) =>
      el(n, { unit: "KiB" }, [String(values.get(n))])
    );
    const rest = def.extra.memtune
      ? elements(def.extra.memtune).filter((e) => !names.includes(e.name))
      : [];
    if (kids.length || rest.length) {
      def.extra.memtune = { name: "memtune", attrs: {}, children: [...kids, ...rest] };
    } else delete def.extra.memtune;
  }

  setBlkioParameters(a: Args) {
    checkFlags(a.flags, AFFECT, "testDomainSetBlkioParameters");
    validateParams(a.params, {
      weight: 2,
      device_weight: 7,
      device_read_iops_sec: 7,
      device_write_iops_sec: 7,
      device_read_bytes_sec: 7,
      device_write_bytes_sec: 7,
    });
    const { def } = oneDef(this.d.obj(a.dom), a.flags);
    const tune = def.extra.blkiotune ?? el("blkiotune");
    for (const p of a.params as TypedParam[]) {
      if (p.field === "weight") {
        const w = el("weight", {}, [String(p.value.value)]);
        const rest = elements(tune).filter((e) => e.name !== "weight");
        tune.children = Number(p.value.value) ? [w, ...rest] : rest;
      } else {
        const tag = p.field.replace(/^device_/, "");
        const parts = String(p.value.value).split(",");
        for (let i = 0; i + 1 < parts.length; i += 2) {
          const path = parts[i];
          let dev = childrenNamed(tune, "device").find((d) => text(child(d, "path")) === path);
          if (!dev) {
            dev = el("device", {}, [el("path", {}, [path])]);
            tune.children.push(dev);
          }
          dev.children = [
            ...elements(dev).filter((e) => e.name !== tag),
            el(tag, {}, [parts[i + 1]]),
          ];
          const order = ["path", "weight", "read_iops_sec", "write_iops_sec", "read_bytes_sec"];
          const key = (e: { name: string }) => {
            const i = [...order, "write_bytes_sec"].indexOf(e.name);
            return i < 0 ? 99 : i;
          };
          dev.children = elements(dev).sort((x, y) => key(x) - key(y));
        }
      }
    }
    if (elements(tune).length) def.extra.blkiotune = tune;
    else delete def.extra.blkiotune;
  }

  setNumaParameters(a: Args) {
    checkFlags(a.flags, AFFECT, "testDomainSetNumaParameters");
    validateParams(a.params, { numa_mode: 1, numa_nodeset: 7 });
    const { def, live } = oneDef(this.d.obj(a.dom), a.flags);
    const modes = ["strict", "preferred", "interleave", "restrictive"];
    let mode: number | undefined;
    let nodeset: string | undefined;
    for (const p of a.params as TypedParam[]) {
      if (p.field === "numa_mode") {
        mode = Number(p.value.value);
        if (mode < 0 || mode >= modes.length) {
          throw invalidArg(`unsupported numatune mode: '${mode}'`);
        }
      } else {
        const cpus = parseCpuset(String(p.value.value));
        if (!cpus || cpus.length === 0) {
          throw operationInvalid(`Invalid nodeset of 'numatune': ${p.value.value}`);
        }
        nodeset = formatCpuset(cpus);
      }
    }
    const tune = def.extra.numatune ?? el("numatune");
    let mem = child(tune, "memory");
    const current = mem?.attrs.mode ?? "strict";
    if (live && mode !== undefined && mem && modes[mode] !== current) {
      throw operationInvalid("can't change numatune mode for running domain");
    }
    if (!mem) tune.children.unshift(mem = el("memory", { mode: "strict" }));
    if (mode !== undefined) mem.attrs = { ...mem.attrs, mode: modes[mode] };
    if (nodeset !== undefined) mem.attrs = { ...mem.attrs, nodeset };
    def.extra.numatune = tune;
  }

  setInterfaceParameters(a: Args) {
    checkFlags(a.flags, AFFECT, "testDomainSetInterfaceParameters");
    const fields = [
      "inbound.average",
      "inbound.peak",
      "inbound.burst",
      "inbound.floor",
      "outbound.average",
      "outbound.peak",
      "outbound.burst",
    ];
    validateParams(a.params, Object.fromEntries(fields.map((f) => [f, 2])));
    const { def } = oneDef(this.d.obj(a.dom), a.flags);
    const nets = domainInterfaces(def);
    const dev = String(a.device);
    const idx = nets.findIndex((n) => n.ifname === dev || n.mac === dev.toLowerCase());
    if (idx < 0) throw invalidArg(`'${dev}' is not a known interface`, From.DOMAIN);
    const iface = def.devices.filter((d) => d.name === "interface")[idx];
    const bw = child(iface, "bandwidth");
    const rates: Record<string, Record<string, number>> = { inbound: {}, outbound: {} };
    const given: Record<string, boolean> = {};
    for (const p of a.params as TypedParam[]) {
      const [dir, key] = p.field.split(".");
      rates[dir][key] = Number(p.value.value);
      if (key === "average" || key === "floor") given[dir] = true;
    }
    const rate = (dir: string): XmlElement | undefined => {
      const r = rates[dir];
      const old = bw ? child(bw, dir) : undefined;
      if (!(r.average || r.floor)) return given[dir] ? undefined : old;
      return el(dir, {
        average: r.average || undefined,
        peak: r.peak || undefined,
        floor: r.floor || undefined,
        burst: r.burst || undefined,
      });
    };
    const kids = [rate("inbound"), rate("outbound")].filter((e): e is XmlElement => !!e);
    iface.children = iface.children.filter((c) => typeof c === "string" || c.name !== "bandwidth");
    if (kids.length) iface.children.push(el("bandwidth", {}, kids));
    reorderDevice(iface);
  }

  setBlockIoTune(a: Args) {
    checkFlags(a.flags, AFFECT, "testDomainSetBlockIoTune");
    validateParams(
      a.params,
      Object.fromEntries(IOTUNE_FIELDS.map((f) => [f, f === "group_name" ? 7 : 4])),
    );
    const { def } = oneDef(this.d.obj(a.dom), a.flags);
    const disk = domainDisks(def).find((d) => d.target === a.disk || d.source === a.disk);
    if (!disk) throw invalidArg(`missing persistent configuration for disk '${a.disk}'`);
    const tune = child(disk.el, "iotune");
    const info = new Map<string, string>();
    for (const f of IOTUNE_FIELDS) {
      const v = tune ? text(child(tune, f))?.trim() : undefined;
      if (v !== undefined) info.set(f, v);
    }
    for (const p of a.params as TypedParam[]) {
      if (p.field !== "group_name" && BigInt(p.value.value as bigint) > 1000000000000000n) {
        throw virtError(
          ErrorCode.ARGUMENT_UNSUPPORTED,
          "block I/O throttle limit value must be no more than 1000000000000000",
        );
      }
      info.set(p.field, String(p.value.value));
    }
    const n = (f: string) => BigInt(info.get(f) ?? "0");
    for (const what of ["bytes_sec", "iops_sec", "bytes_sec_max", "iops_sec_max"]) {
      if (n(`total_${what}`) && (n(`read_${what}`) || n(`write_${what}`))) {
        throw invalidArg(`total and read/write of ${what} cannot be set at the same time`);
      }
    }
    for (
      const f of ["total_bytes_sec", "read_bytes_sec", "write_bytes_sec"]
        .concat(["total_iops_sec", "read_iops_sec", "write_iops_sec"])
    ) {
      // libvirt compares with the maximum even when no maximum is set.
      if (n(f) > n(`${f}_max`)) {
        throw invalidArg(`${f} cannot be set higher than ${f}_max `);
      }
    }
    const kids = IOTUNE_FIELDS.filter((f) =>
      f === "group_name" ? info.get(f) : info.has(f) && n(f) !== 0n
    ).map((f) => el(f, {}, [info.get(f)!]));
    disk.el.children = disk.el.children.filter((c) => typeof c === "string" || c.name !== "iotune");
    if (kids.length) disk.el.children.push(el("iotune", {}, kids));
    reorderDevice(disk.el);
  }

  setPerfEvents(a: Args) {
    checkFlags(a.flags, AFFECT, "testDomainSetPerfEvents");
    validateParams(a.params, Object.fromEntries(PERF_EVENTS.map((n) => [n, 6])));
    const { def } = oneDef(this.d.obj(a.dom), a.flags);
    const state = new Map<string, string>();
    for (const e of def.extra.perf ? childrenNamed(def.extra.perf, "event") : []) {
      if (e.attrs.name) state.set(e.attrs.name, e.attrs.enabled ?? "no");
    }
    for (const p of a.params as TypedParam[]) state.set(p.field, p.value.value ? "yes" : "no");
    const events = PERF_EVENTS.filter((n) => state.has(n)).map((name) =>
      el("event", { name, enabled: state.get(name) })
    );
    if (events.length) def.extra.perf = { name: "perf", attrs: {}, children: events };
  }

  getPerfEvents(a: Args) {
    checkFlags(a.flags, AFFECT | STRING_OKAY, "testDomainGetPerfEvents");
    const { def } = oneDef(this.d.obj(a.dom), a.flags & AFFECT);
    const events = def.extra.perf ? childrenNamed(def.extra.perf, "event") : [];
    const enabled = (name: string) =>
      events.some((e) => e.attrs.name === name && e.attrs.enabled === "yes") ? 1 : 0;
    return {
      params: PERF_EVENTS.map((field) => ({ field, value: { type: 6, value: enabled(field) } })),
    };
  }

  setSchedulerParameters(a: Args) {
    validateParams(a.params, { weight: 2 });
    this.d.obj(a.dom);
  }

  setSchedulerParametersFlags(a: Args) {
    checkFlags(a.flags, 0, "testDomainSetSchedulerParametersFlags");
    this.setSchedulerParameters(a);
  }

  private mountPoints(a: Args, fn: string, freeze: boolean) {
    checkFlags(a.flags, 0, fn);
    const o = this.d.obj(a.dom);
    checkActive(o);
    const frozen = this.frozen(o.def.uuid);
    const points: string[] = a.mountpoints ?? [];
    if (points.length === 0) {
      const changed = frozen.filter((f) => f !== freeze).length;
      frozen.fill(freeze);
      return { filesystems: changed };
    }
    const next = [...frozen];
    let changed = 0;
    for (const m of points) {
      const i = m === "/" ? 0 : m === "/boot" ? 1 : -1;
      if (i < 0) throw operationInvalid(`mount point not found: ${m}`);
      if (next[i] !== freeze) {
        next[i] = freeze;
        changed++;
      }
    }
    frozen.splice(0, 2, ...next);
    return { filesystems: changed };
  }

  private readonly frozenByUuid = new Map<string, boolean[]>();

  private frozen(uuid: Uint8Array): boolean[] {
    const key = uuid.join(",");
    let f = this.frozenByUuid.get(key);
    if (!f) this.frozenByUuid.set(key, f = [false, false]);
    return f;
  }

  fsfreeze(a: Args) {
    return this.mountPoints(a, "testDomainFSFreeze", true);
  }

  fsthaw(a: Args) {
    return this.mountPoints(a, "testDomainFSThaw", false);
  }

  fstrim(a: Args) {
    checkFlags(a.flags, 0, "testDomainFSTrim");
    const o = this.d.obj(a.dom);
    checkActive(o);
    const m: string | null = a.mountPoint;
    if (m && m !== "/" && m !== "/boot") throw operationInvalid(`mount point not found: ${m}`);
  }

  getFsinfo(a: Args) {
    checkFlags(a.flags, 0, "testDomainGetFSInfo");
    const o = this.d.obj(a.dom);
    checkActive(o);
    const disk = o.def.devices.find((d) => d.name === "disk" && d.attrs.device === "disk");
    if (!disk) return { info: [], ret: 0 };
    const dev = child(disk, "target")?.attrs.dev ?? "";
    return {
      info: [
        { mountpoint: "/", name: `${dev}1`, fstype: "ext4", dev_aliases: [dev] },
        { mountpoint: "/boot", name: `${dev}2`, fstype: "ext4", dev_aliases: [dev] },
      ],
      ret: 2,
    };
  }

  interfaceAddresses(a: Args) {
    checkFlags(a.flags, 0, "testDomainInterfaceAddresses");
    if (a.source >= 3) {
      throw virtError(ErrorCode.ARGUMENT_UNSUPPORTED, `Unknown IP address data source ${a.source}`);
    }
    const o = this.d.obj(a.dom);
    checkActive(o);
    const ifaces = domainInterfaces(o.def).map((n, i) => {
      let addr = `192.168.0.${1 + i}`;
      let prefix = 24;
      if (n.type === "network") {
        const net = this.s.networks.find((x) => x.def.name === n.network);
        if (!net) {
          throw virtError(
            ErrorCode.NO_NETWORK,
            `no network with matching name '${n.network}'`,
          );
        }
        const ip = net.def.rest.find((e) => e.name === "ip");
        const range = ip ? child(child(ip, "dhcp") ?? ip, "range") : undefined;
        const base = range?.attrs.start ?? ip?.attrs.address ?? "0.0.0.0";
        prefix = ip?.attrs.prefix ? Number(ip.attrs.prefix) : maskPrefix(ip?.attrs.netmask);
        addr = addIpv4(base, 20 * (o.def.id - 1) + i + 1);
      }
      return { name: n.ifname ?? "", hwaddr: n.mac, addrs: [{ type: 0, addr, prefix }] };
    });
    return { ifaces };
  }

  getMessages(a: Args) {
    checkFlags(a.flags, 1 | 2, "testDomainGetMessages");
    this.d.obj(a.dom);
    return { msgs: [] };
  }
}

/** virTypedParamsValidate: known names with the expected types, else libvirt's errors. */
function validateParams(list: TypedParam[], expected: Record<string, number>): void {
  for (const p of list) {
    const want = expected[p.field];
    if (want === undefined) {
      throw virtError(
        ErrorCode.ARGUMENT_UNSUPPORTED,
        `parameter '${p.field}' not supported`,
        From.NONE,
      );
    }
    if (p.value.type !== want) {
      throw invalidArg(
        `invalid type '${typeName(p.value.type)}' for parameter '${p.field}', expected '${
          typeName(want)
        }'`,
        From.NONE,
      );
    }
  }
}

function typeName(t: number): string {
  return ["", "int", "uint", "llong", "ullong", "double", "boolean", "string"][t] ?? "unknown";
}

function maskPrefix(mask: string | undefined): number {
  if (!mask) return 24;
  return mask.split(".").reduce((n, o) => n + Number(o).toString(2).replace(/0/g, "").length, 0);
}

function addIpv4(base: string, offset: number): string {
  const n = base.split(".").reduce((acc, o) => acc * 256 + Number(o), 0) + offset;
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}
