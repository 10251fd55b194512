// Domain procedures of the embedded test driver, following libvirt's test_driver.c semantics.

import { ErrorCode, VirtError } from "../errors.ts";
import type { RemoteDomain } from "../remote/protocol.ts";
import {
  type DomainDef,
  domainDisks,
  domainInterfaces,
  formatDomainXml,
  hasMemballoon,
  parseCpuset,
  parseDomainXml,
} from "../xml/domain.ts";
import { formatForeign, parseXml, type XmlElement } from "../xml/tree.ts";
import { formatUuid } from "../xml/uuid.ts";
import {
  checkFlags,
  From,
  internalError,
  invalidArg,
  operationInvalid,
  virtError,
} from "./errors.ts";
import { definitionToVirtError, type DomainObj, State, type TestState } from "./state.ts";
import { DomainEvent } from "./events.ts";
import { snapshotCount } from "./snapshots.ts";

// deno-lint-ignore no-explicit-any
type Args = any;

const AFFECT_LIVE = 1;
const AFFECT_CONFIG = 2;
const MEM_MAXIMUM = 4;
const VCPU_MAXIMUM = 4;
const XML_SECURE = 1;
const XML_INACTIVE = 2;
const XML_MIGRATABLE = 8;

/** Seconds since the epoch in microseconds, the clock libvirt's fake statistics derive from. */
function realTimeMicros(): bigint {
  return BigInt(Math.floor((performance.timeOrigin + performance.now()) * 1000));
}

/** The remote reference to a domain. */
export function domRef(obj: DomainObj): RemoteDomain {
  return { name: obj.def.name, uuid: obj.def.uuid, id: obj.def.id };
}

function isActive(obj: DomainObj): boolean {
  return obj.def.id !== -1;
}

/** virDomainObjCheckActive: refuse a domain that is not running. */
export function checkActive(obj: DomainObj): void {
  if (!isActive(obj)) throw operationInvalid("domain is not running", From.DOMAIN);
}

/** The flag handling shared by the LIVE/CONFIG APIs (virDomainObjUpdateModificationImpact). */
function modificationImpact(obj: DomainObj, flags: number): number {
  if ((flags & (AFFECT_LIVE | AFFECT_CONFIG)) === 0) {
    flags |= isActive(obj) ? AFFECT_LIVE : AFFECT_CONFIG;
  }
  if (!isActive(obj) && (flags & AFFECT_LIVE)) {
    throw operationInvalid("domain is not running", From.DOMAIN);
  }
  if (!obj.persistent && (flags & AFFECT_CONFIG)) {
    throw operationInvalid("transient domains do not have any persistent config", From.DOMAIN);
  }
  return flags;
}

function persistentDef(obj: DomainObj): DomainDef {
  return isActive(obj) && obj.newDef ? obj.newDef : obj.def;
}

/** virDomainObjGetOneDefState: the one definition that LIVE or CONFIG designates. */
export function oneDef(obj: DomainObj, flags: number): { def: DomainDef; live: boolean } {
  if ((flags & AFFECT_LIVE) && (flags & AFFECT_CONFIG)) {
    throw new VirtError({
      code: ErrorCode.INVALID_ARG,
      domain: From.DOMAIN,
      message:
        "Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are mutually exclusive",
    });
  }
  const f = modificationImpact(obj, flags);
  const live = (f & AFFECT_LIVE) !== 0;
  return { def: live ? obj.def : persistentDef(obj), live };
}

/** virDomainObjGetDefs: the live and/or persistent definitions to change. */
function defsFor(obj: DomainObj, flags: number): { live?: DomainDef; config?: DomainDef } {
  const f = modificationImpact(obj, flags);
  return {
    live: f & AFFECT_LIVE ? obj.def : undefined,
    config: f & AFFECT_CONFIG ? persistentDef(obj) : undefined,
  };
}

function hostCpuCount(state: TestState): number {
  const n = state.nodeInfo;
  return n.nodes * n.sockets * n.cores * n.threads;
}

function bitmapBytes(cpus: Iterable<number>, maplen: number): Uint8Array {
  const out = new Uint8Array(maplen);
  for (const c of cpus) if (c >>> 3 < maplen) out[c >>> 3] |= 1 << (c & 7);
  return out;
}

function bytesToCpus(map: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < map.length * 8; i++) if (map[i >>> 3] & (1 << (i & 7))) out.push(i);
  return out;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Save-image magic of libvirt's test driver, NUL included. */
const SAVE_MAGIC = new TextEncoder().encode("TestGuestMagic\0");

/** The domain procedures, bound to one state and the connection's options. */
export class DomainProcs {
  constructor(private readonly s: TestState) {}

  /** testDomObjFromDomain: find by UUID or report the name the caller used. */
  obj(dom: RemoteDomain): DomainObj {
    const o = this.s.domainByUuid(dom.uuid);
    if (!o) {
      throw virtError(
        ErrorCode.NO_DOMAIN,
        `no domain with matching uuid '${formatUuid(dom.uuid)}' (${dom.name})`,
      );
    }
    return o;
  }

  private parse(xml: string): DomainDef {
    try {
      return parseDomainXml(xml);
    } catch (e) {
      throw definitionToVirtError(e);
    }
  }

  lookupByName(a: Args) {
    const o = this.s.domainByName(a.name);
    if (!o) throw virtError(ErrorCode.NO_DOMAIN, null);
    return { dom: domRef(o) };
  }

  lookupById(a: Args) {
    const o = a.id >= 0 ? this.s.domains.find((d) => d.def.id === a.id) : undefined;
    if (!o) throw virtError(ErrorCode.NO_DOMAIN, null);
    return { dom: domRef(o) };
  }

  lookupByUuid(a: Args) {
    const o = this.s.domainByUuid(a.uuid);
    if (!o) throw virtError(ErrorCode.NO_DOMAIN, null);
    return { dom: domRef(o) };
  }

  numOfDomains() {
    return { num: this.s.domains.filter(isActive).length };
  }

  numOfDefinedDomains() {
    return { num: this.s.domains.filter((d) => !isActive(d)).length };
  }

  listDomains(a: Args) {
    const ids = this.s.domains.filter(isActive).map((d) => d.def.id);
    return { ids: ids.slice(0, Math.max(0, a.maxids)) };
  }

  listDefinedDomains(a: Args) {
    const names = this.s.domains.filter((d) => !isActive(d)).map((d) => d.def.name);
    return { names: names.slice(0, Math.max(0, a.maxnames)) };
  }

  listAll(a: Args) {
    checkFlags(a.flags, 0xffff, "testConnectListAllDomains");
    const f = a.flags >>> 0;
    const pick = (on: number, off: number, has: boolean) =>
      !(f & (on | off)) || (has ? (f & on) !== 0 : (f & off) !== 0);
    const out = this.s.domains.filter((d) => {
      const st = d.state;
      const other = st !== State.RUNNING && st !== State.PAUSED && st !== State.SHUTOFF;
      const stateMask = 16 | 32 | 64 | 128;
      if (
        f & stateMask &&
        !((f & 16 && st === State.RUNNING) || (f & 32 && st === State.PAUSED) ||
          (f & 64 && st === State.SHUTOFF) || (f & 128 && other))
      ) return false;
      return pick(1, 2, isActive(d)) && pick(4, 8, d.persistent) &&
        pick(256, 512, d.hasManagedSave) && pick(1024, 2048, d.autostart) &&
        pick(4096, 8192, snapshotCount(d) > 0) && pick(16384, 32768, false);
    });
    return { domains: a.need_results ? out.map(domRef) : [], ret: out.length };
  }

  defineXml(a: Args) {
    return this.defineXmlFlags({ xml: a.xml, flags: 0 });
  }

  defineXmlFlags(a: Args) {
    checkFlags(a.flags, 1, "testDomainDefineXMLFlags");
    const def = this.parse(a.xml);
    if (def.name.includes("\n")) {
      throw virtError(ErrorCode.XML_ERROR, `name ${def.name} cannot contain '\n'`);
    }
    const existed = this.s.domainByUuid(def.uuid) !== undefined;
    const o = this.s.addDomain(def, false);
    o.persistent = true;
    this.s.events.domainLifecycle(domRef(o), DomainEvent.DEFINED, existed ? 1 : 0);
    return { dom: domRef(o) };
  }

  createXml(a: Args) {
    checkFlags(a.flags, 16, "testDomainCreateXML");
    const def = this.parse(a.xml_desc);
    const o = this.s.addDomain(def, true);
    this.s.startDomain(o, 1);
    this.s.events.domainLifecycle(domRef(o), DomainEvent.STARTED, 0);
    return { dom: domRef(o) };
  }

  create(a: Args) {
    this.createWithFlags({ dom: a.dom, flags: 0 });
  }

  createWithFlags(a: Args) {
    checkFlags(a.flags, 0, "testDomainCreateWithFlags");
    const o = this.obj(a.dom);
    if (o.state !== State.SHUTOFF) {
      throw internalError(`Domain '${a.dom.name}' is already running`);
    }
    this.s.startDomain(o, 1);
    this.s.events.domainLifecycle(domRef(o), DomainEvent.STARTED, 0);
    return { dom: domRef(o) };
  }

  undefine(a: Args) {
    this.undefineFlags({ dom: a.dom, flags: 0 });
  }

  undefineFlags(a: Args) {
    // libvirt 9.0's test driver takes MANAGED_SAVE and SNAPSHOTS_METADATA only (no NVRAM).
    checkFlags(a.flags, 1 | 2, "testDomainUndefineFlags");
    const o = this.obj(a.dom);
    if (o.hasManagedSave && !(a.flags & 1)) {
      throw operationInvalid("Refusing to undefine while domain managed save image exists");
    }
    const snapshots = isActive(o) ? 0 : snapshotCount(o);
    if (snapshots && !(a.flags & 2)) {
      throw operationInvalid(`cannot delete inactive domain with ${snapshots} snapshots`);
    }
    this.s.events.domainLifecycle(domRef(o), DomainEvent.UNDEFINED, 0);
    o.hasManagedSave = false;
    if (isActive(o)) o.persistent = false;
    else this.s.removeDomain(o);
  }

  private stopped(o: DomainObj, reason: number): void {
    this.s.stopDomain(o, reason);
    const detail: Record<number, number> = { 1: 0, 2: 1, 3: 2, 5: 4 };
    this.s.events.domainLifecycle(domRef(o), DomainEvent.STOPPED, detail[reason] ?? 0);
    if (!o.persistent) this.s.removeDomain(o);
  }

  destroy(a: Args) {
    this.destroyFlags({ dom: a.dom, flags: 0 });
  }

  destroyFlags(a: Args) {
    checkFlags(a.flags, 1, "testDomainDestroyFlags");
    const o = this.obj(a.dom);
    checkActive(o);
    this.stopped(o, 2);
  }

  suspend(a: Args) {
    const o = this.obj(a.dom);
    if (o.state === State.SHUTOFF || o.state === State.PAUSED) {
      throw internalError(`domain '${a.dom.name}' not running`);
    }
    o.state = State.PAUSED;
    o.reason = 1;
    this.s.events.domainLifecycle(domRef(o), DomainEvent.SUSPENDED, 0);
  }

  resume(a: Args) {
    const o = this.obj(a.dom);
    if (o.state !== State.PAUSED) throw internalError(`domain '${a.dom.name}' not paused`);
    o.state = State.RUNNING;
    o.reason = 5;
    this.s.events.domainLifecycle(domRef(o), DomainEvent.RESUMED, 0);
  }

  private lifecycleAction(o: DomainObj, action: string): void {
    if (action === "restart" || action === "rename-restart") {
      o.state = State.RUNNING;
      o.reason = 1;
    } else {
      o.state = State.SHUTOFF;
      o.reason = 1;
    }
  }

  shutdown(a: Args) {
    this.shutdownFlags({ dom: a.dom, flags: 0 });
  }

  shutdownFlags(a: Args) {
    checkFlags(a.flags, 0, "testDomainShutdownFlags");
    const o = this.obj(a.dom);
    if (o.state === State.SHUTOFF) throw internalError(`domain '${a.dom.name}' not running`);
    this.lifecycleAction(o, o.def.onPoweroff);
    if (o.state === State.SHUTOFF) this.stopped(o, 1);
  }

  reboot(a: Args) {
    checkFlags(a.flags, 0x3f, "testDomainReboot");
    const o = this.obj(a.dom);
    checkActive(o);
    this.lifecycleAction(o, o.def.onReboot);
    if (o.state === State.SHUTOFF) this.stopped(o, 1);
  }

  reset(a: Args) {
    checkFlags(a.flags, 0, "testDomainReset");
    checkActive(this.obj(a.dom));
  }

  getInfo(a: Args) {
    const o = this.obj(a.dom);
    return {
      state: o.state,
      maxMem: BigInt(o.def.memory),
      memory: BigInt(o.def.currentMemory),
      nrVirtCpu: o.def.vcpuCurrent,
      cpuTime: realTimeMicros() * 1000n,
    };
  }

  getState(a: Args) {
    checkFlags(a.flags, 0, "testDomainGetState");
    const o = this.obj(a.dom);
    return { state: o.state, reason: o.reason };
  }

  getControlInfo(a: Args) {
    checkFlags(a.flags, 0, "testDomainGetControlInfo");
    const o = this.obj(a.dom);
    checkActive(o);
    const sec = Number(o.seconds);
    if (sec > 0 && sec < 10000) return { state: 1, details: 0, stateTime: BigInt(sec) };
    if (sec >= 10000 && sec < 30000) {
      return { state: 2, details: 0, stateTime: BigInt(sec - 10000) };
    }
    if (sec >= 30000 && sec < 60000) {
      return { state: 3, details: sec % 4, stateTime: BigInt(sec - 30000) };
    }
    return { state: 0, details: 0, stateTime: 0n };
  }

  getOsType(a: Args) {
    this.obj(a.dom);
    return { type: "linux" };
  }

  getMaxMemory(a: Args) {
    return { memory: BigInt(this.obj(a.dom).def.memory) };
  }

  isActive(a: Args) {
    return { active: isActive(this.obj(a.dom)) ? 1 : 0 };
  }

  isPersistent(a: Args) {
    return { persistent: this.obj(a.dom).persistent ? 1 : 0 };
  }

  isUpdated(a: Args) {
    this.obj(a.dom);
    return { updated: 0 };
  }

  getAutostart(a: Args) {
    return { autostart: this.obj(a.dom).autostart ? 1 : 0 };
  }

  setAutostart(a: Args) {
    this.obj(a.dom).autostart = a.autostart !== 0;
  }

  getSecurityLabel(a: Args) {
    const o = this.obj(a.dom);
    return isActive(o) ? { label: "libvirt-test", enforcing: 1 } : { label: "", enforcing: 0 };
  }

  getSecurityLabelList(a: Args) {
    const label = this.getSecurityLabel(a);
    return { labels: [label], ret: 1 };
  }

  getXmlDesc(a: Args, readonly: boolean) {
    checkFlags(a.flags, XML_SECURE | XML_INACTIVE | XML_MIGRATABLE, "testDomainGetXMLDesc");
    if (readonly && (a.flags & XML_SECURE)) {
      throw virtError(
        ErrorCode.OPERATION_DENIED,
        "virDomainGetXMLDesc with secure flag",
        From.DOMAIN,
      );
    }
    const o = this.obj(a.dom);
    const inactive = (a.flags & XML_INACTIVE) !== 0;
    const def = inactive && o.newDef ? o.newDef : o.def;
    return { xml: formatDomainXml(def, { inactive, secure: (a.flags & XML_SECURE) !== 0 }) };
  }

  getHostname(a: Args) {
    checkFlags(a.flags, 0, "testDomainGetHostname");
    checkActive(this.obj(a.dom));
    return { hostname: `${a.dom.name}host` };
  }

  setMemory(a: Args) {
    this.setMemoryFlags({ dom: a.dom, memory: a.memory, flags: AFFECT_LIVE });
  }

  setMaxMemory(a: Args) {
    this.setMemoryFlags({ dom: a.dom, memory: a.memory, flags: MEM_MAXIMUM });
  }

  setMemoryFlags(a: Args) {
    checkFlags(a.flags, AFFECT_LIVE | AFFECT_CONFIG | MEM_MAXIMUM, "testDomainSetMemoryFlags");
    const o = this.obj(a.dom);
    const { def, live } = oneDef(o, a.flags & ~MEM_MAXIMUM);
    const memory = Number(a.memory);
    if (a.flags & MEM_MAXIMUM) {
      if (live) {
        throw operationInvalid("cannot resize the maximum memory on an active domain");
      }
      def.memory = memory;
      if (def.currentMemory > memory) def.currentMemory = memory;
    } else {
      if (memory > def.memory) throw invalidArg("cannot set memory higher than max memory");
      def.currentMemory = memory;
    }
  }

  setMemoryStatsPeriod(a: Args) {
    checkFlags(a.flags, AFFECT_LIVE | AFFECT_CONFIG, "testDomainSetMemoryStatsPeriod");
    const { def } = oneDef(this.obj(a.dom), a.flags);
    if (!hasMemballoon(def)) {
      throw internalError(
        "No memory balloon device configured, can not set the collection period",
      );
    }
    const balloon = def.devices.find((d) => d.name === "memballoon")!;
    const stats = balloon.children.find((c): c is XmlElement =>
      typeof c !== "string" && c.name === "stats"
    );
    if (stats) stats.attrs.period = String(a.period);
    else {balloon.children.unshift({
        name: "stats",
        attrs: { period: String(a.period) },
        children: [],
      });}
  }

  getMaxVcpus(a: Args) {
    return { num: this.getVcpusFlags({ dom: a.dom, flags: AFFECT_LIVE | VCPU_MAXIMUM }).num };
  }

  getVcpusFlags(a: Args) {
    checkFlags(a.flags, AFFECT_LIVE | AFFECT_CONFIG | VCPU_MAXIMUM, "testDomainGetVcpusFlags");
    const { def } = oneDef(this.obj(a.dom), a.flags & ~VCPU_MAXIMUM);
    return { num: a.flags & VCPU_MAXIMUM ? def.vcpuMax : def.vcpuCurrent };
  }

  setVcpus(a: Args) {
    this.setVcpusFlags({ dom: a.dom, nvcpus: a.nvcpus, flags: AFFECT_LIVE });
  }

  setVcpusFlags(a: Args) {
    checkFlags(a.flags, AFFECT_LIVE | AFFECT_CONFIG | VCPU_MAXIMUM, "testDomainSetVcpusFlags");
    const n = a.nvcpus >>> 0;
    if (n > 32) {
      throw invalidArg(`requested cpu amount exceeds maximum supported amount (${n} > 32)`);
    }
    const o = this.obj(a.dom);
    const { live, config } = defsFor(o, a.flags & ~VCPU_MAXIMUM);
    if (live && live.vcpuMax < n) {
      throw invalidArg(`requested cpu amount exceeds maximum (${n} > ${live.vcpuMax})`);
    }
    if (config && !(a.flags & VCPU_MAXIMUM) && config.vcpuMax < n) {
      throw invalidArg(`requested cpu amount exceeds maximum (${n} > ${config.vcpuMax})`);
    }
    if (live) {
      if (a.flags & VCPU_MAXIMUM) {
        throw invalidArg("cannot change maximum vCPU count of a running domain");
      }
      live.vcpuCurrent = n;
    }
    if (config) {
      if (a.flags & VCPU_MAXIMUM) {
        config.vcpuMax = n;
        if (config.vcpuCurrent > n) config.vcpuCurrent = n;
      } else config.vcpuCurrent = n;
    }
  }

  getVcpus(a: Args) {
    const o = this.obj(a.dom);
    if (!isActive(o)) throw operationInvalid("cannot list vcpus for an inactive domain");
    const def = o.def;
    const host = range(hostCpuCount(this.s));
    const maxinfo = Math.min(a.maxinfo, def.vcpuCurrent);
    const cpumaps = new Uint8Array(Math.max(0, a.maxinfo) * Math.max(0, a.maplen));
    const now = realTimeMicros();
    const info = [];
    for (let i = 0; i < maxinfo; i++) {
      const cpus = def.vcpuPin[i] ?? parseCpuset(def.cpuset) ?? host;
      if (a.maplen > 0) cpumaps.set(bitmapBytes(cpus, a.maplen), i * a.maplen);
      info.push({ number: i, state: 1, cpu_time: now / 10n, cpu: cpus[cpus.length - 1] ?? -1 });
    }
    return { info, cpumaps };
  }

  getVcpuPinInfo(a: Args) {
    const { def } = oneDef(this.obj(a.dom), a.flags);
    const host = range(hostCpuCount(this.s));
    const n = Math.min(a.ncpumaps, def.vcpuMax);
    const cpumaps = new Uint8Array(Math.max(0, a.ncpumaps) * a.maplen);
    for (let i = 0; i < n; i++) {
      const cpus = def.vcpuPin[i] ?? parseCpuset(def.cpuset) ?? host;
      cpumaps.set(bitmapBytes(cpus, a.maplen), i * a.maplen);
    }
    return { cpumaps, num: n };
  }

  pinVcpu(a: Args) {
    this.pinVcpuFlags({ ...a, flags: 0 });
  }

  pinVcpuFlags(a: Args) {
    checkFlags(a.flags, 0, "testDomainPinVcpuFlags");
    const o = this.obj(a.dom);
    if (!isActive(o)) throw operationInvalid("cannot pin vcpus on an inactive domain");
    if (a.vcpu >= o.def.vcpuCurrent) {
      throw invalidArg(`requested vcpu '${a.vcpu}' is not present in the domain`);
    }
    o.def.vcpuPin[a.vcpu] = bytesToCpus(a.cpumap);
  }

  getEmulatorPinInfo(a: Args) {
    checkFlags(a.flags, AFFECT_LIVE | AFFECT_CONFIG, "testDomainGetEmulatorPinInfo");
    const { def } = oneDef(this.obj(a.dom), a.flags);
    const cpus = def.emulatorPin ?? parseCpuset(def.cpuset) ?? range(hostCpuCount(this.s));
    return { cpumaps: bitmapBytes(cpus, a.maplen), ret: 1 };
  }

  pinEmulator(a: Args) {
    checkFlags(a.flags, AFFECT_LIVE | AFFECT_CONFIG, "testDomainPinEmulator");
    const { def } = oneDef(this.obj(a.dom), a.flags);
    const cpus = bytesToCpus(a.cpumap);
    if (!cpus.length) throw invalidArg("Empty cpu list for pinning");
    def.emulatorPin = cpus;
  }

  getMetadata(a: Args) {
    checkFlags(a.flags, AFFECT_LIVE | AFFECT_CONFIG, "testDomainGetMetadata");
    const { def } = oneDef(this.obj(a.dom), a.flags);
    const missing = () =>
      virtError(
        ErrorCode.NO_DOMAIN_METADATA,
        "Requested metadata element is not present",
        From.DOMAIN,
      );
    if (a.type === 0) {
      if (def.description === undefined) throw missing();
      return { metadata: def.description };
    }
    if (a.type === 1) {
      if (def.title === undefined) throw missing();
      return { metadata: def.title };
    }
    if (a.type === 2) {
      const m = findMetadata(def, a.uri);
      if (!m) throw missing();
      return { metadata: formatForeign(withoutNamespace(m), 0).replace(/\n$/, "") };
    }
    throw invalidArg(`unknown metadata type '${a.type}'`, From.DOMAIN);
  }

  setMetadata(a: Args) {
    checkFlags(a.flags, AFFECT_LIVE | AFFECT_CONFIG, "testDomainSetMetadata");
    const o = this.obj(a.dom);
    const { live, config } = defsFor(o, a.flags);
    for (const def of [live, config]) {
      if (!def) continue;
      const value: string | null = a.metadata === "" ? null : a.metadata;
      if (a.type === 0) def.description = value ?? undefined;
      else if (a.type === 1) {
        if (value !== null && value.includes("\n")) {
          throw new VirtError({
            code: ErrorCode.INVALID_ARG,
            domain: From.DOMAIN,
            message: "metadata title can't contain newlines",
          });
        }
        def.title = value ?? undefined;
      } else if (a.type === 2) {
        def.metadata = def.metadata.filter((m) => metadataUri(m) !== a.uri);
        if (value !== null) {
          let root: XmlElement;
          try {
            root = parseXml(value, "(metadata_xml)");
          } catch (e) {
            throw definitionToVirtError(e);
          }
          const local = root.name.includes(":")
            ? root.name.slice(root.name.indexOf(":") + 1)
            : root.name;
          const attrs: Record<string, string> = { [`xmlns:${a.key}`]: a.uri };
          for (const [k, v] of Object.entries(root.attrs)) {
            if (k !== "xmlns" && !k.startsWith("xmlns:")) attrs[k] = v;
          }
          def.metadata.push(prefixTree({ ...root, name: `${a.key}:${local}`, attrs }, a.key));
          def.metadataElement = true;
        }
      } else throw invalidArg(`unknown metadata type '${a.type}'`, From.DOMAIN);
    }
  }

  getBlockInfo(a: Args) {
    checkFlags(a.flags, 0, "testDomainGetBlockInfo");
    const o = this.obj(a.dom);
    const disk = domainDisks(o.def).find((d) => d.target === a.path || d.source === a.path);
    if (!disk) throw invalidArg(`invalid path ${a.path} not assigned to domain`);
    if (!disk.source) {
      throw invalidArg(`disk '${a.path}' does not currently have a source assigned`);
    }
    return { allocation: 1099511627776n, capacity: 1099506450432n, physical: 1099511627776n };
  }

  blockStats(a: Args) {
    if (!a.path) {
      throw virtError(
        ErrorCode.OPERATION_UNSUPPORTED,
        "summary statistics are not supported yet",
      );
    }
    const o = this.obj(a.dom);
    checkActive(o);
    if (!domainDisks(o.def).some((d) => d.target === a.path || d.source === a.path)) {
      throw invalidArg(`invalid path: ${a.path}`);
    }
    const t = realTimeMicros();
    return {
      rd_req: t / 10n,
      rd_bytes: t / 20n,
      wr_req: t / 30n,
      wr_bytes: t / 40n,
      errs: t / 2000000n,
    };
  }

  interfaceStats(a: Args) {
    const o = this.obj(a.dom);
    checkActive(o);
    const nets = domainInterfaces(o.def);
    const dev = String(a.path);
    const found = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(dev)
      ? nets.filter((n) => n.mac === dev.toLowerCase())
      : nets.filter((n) => n.ifname === dev);
    if (found.length === 0) throw invalidArg(`'${dev}' is not a known interface`, From.DOMAIN);
    if (found.length > 1) {
      throw virtError(ErrorCode.MULTIPLE_INTERFACES, null, From.DOMAIN);
    }
    const t = realTimeMicros();
    return {
      rx_bytes: t / 10n,
      rx_packets: t / 100n,
      rx_errs: t / 1000000n,
      rx_drop: t / 2000000n,
      tx_bytes: t / 20n,
      tx_packets: t / 110n,
      tx_errs: t / 3000000n,
      tx_drop: t / 4000000n,
    };
  }

  memoryStats(a: Args) {
    checkFlags(a.flags, 0, "testDomainMemoryStats");
    const o = this.obj(a.dom);
    checkActive(o);
    const cur = BigInt(o.def.currentMemory);
    const all: [number, bigint][] = hasMemballoon(o.def)
      ? [
        [6, cur],
        [0, 0n],
        [1, 0n],
        [2, 0n],
        [3, 0n],
        [4, cur / 2n],
        [5, cur],
        [8, cur / 2n],
        [9, 627319920n],
        [10, cur / 8n],
        [11, 0n],
        [12, 0n],
        [7, cur / 2n],
      ]
      : [];
    return { stats: all.slice(0, a.maxStats).map(([tag, val]) => ({ tag, val })) };
  }

  getSchedulerType(a: Args) {
    this.obj(a.dom);
    return { type: "fair", nparams: 1 };
  }

  getSchedulerParameters(a: Args) {
    this.obj(a.dom);
    return { params: [{ field: "weight", value: { type: 2, value: 50 } }] };
  }

  getSchedulerParametersFlags(a: Args) {
    checkFlags(a.flags, 0, "testDomainGetSchedulerParametersFlags");
    return this.getSchedulerParameters(a);
  }

  getTime(a: Args) {
    checkFlags(a.flags, 0, "testDomainGetTime");
    const o = this.obj(a.dom);
    if (o.state !== State.RUNNING) throw operationInvalid("domain is not running");
    return { seconds: o.seconds, nseconds: o.nseconds };
  }

  setTime(a: Args) {
    checkFlags(a.flags, 1, "testDomainSetTime");
    const o = this.obj(a.dom);
    checkActive(o);
    o.seconds = BigInt(a.seconds);
    o.nseconds = a.nseconds;
  }

  private async writeSaveImage(path: string, def: DomainDef): Promise<void> {
    const xml = new TextEncoder().encode(formatDomainXml(def, { secure: true }));
    const buf = new Uint8Array(SAVE_MAGIC.length + 4 + xml.length);
    buf.set(SAVE_MAGIC, 0);
    new DataView(buf.buffer).setInt32(SAVE_MAGIC.length, xml.length, true);
    buf.set(xml, SAVE_MAGIC.length + 4);
    try {
      await Deno.writeFile(path, buf, { mode: 0o600 });
    } catch (e) {
      throw systemError(`saving domain '${def.name}' to '${path}': open failed`, e);
    }
  }

  private async readSaveImage(path: string): Promise<DomainDef> {
    let data: Uint8Array;
    try {
      data = await Deno.readFile(path);
    } catch (e) {
      throw systemError(`cannot read domain image '${path}'`, e);
    }
    if (data.length < SAVE_MAGIC.length) {
      throw systemError(`incomplete save header in '${path}'`, undefined);
    }
    for (let i = 0; i < SAVE_MAGIC.length; i++) {
      if (data[i] !== SAVE_MAGIC[i]) throw internalError("mismatched header magic");
    }
    if (data.length < SAVE_MAGIC.length + 4) {
      throw systemError(`failed to read metadata length in '${path}'`, undefined);
    }
    const len = new DataView(data.buffer, data.byteOffset).getInt32(SAVE_MAGIC.length, true);
    if (len < 1 || len > 8192) throw internalError("length of metadata out of range");
    const start = SAVE_MAGIC.length + 4;
    if (data.length < start + len) {
      throw systemError(`incomplete metadata in '${path}'`, undefined);
    }
    return this.parse(new TextDecoder().decode(data.subarray(start, start + len)));
  }

  async save(a: Args) {
    await this.saveFlags({ dom: a.dom, to: a.to, dxml: null, flags: 0 });
  }

  async saveFlags(a: Args) {
    checkFlags(a.flags, 0, "testDomainSaveFlags");
    if (a.dxml) {
      throw virtError(ErrorCode.ARGUMENT_UNSUPPORTED, "xml modification unsupported");
    }
    const o = this.obj(a.dom);
    checkActive(o);
    await this.writeSaveImage(a.to, o.def);
    this.stopped(o, 5);
  }

  async restore(a: Args) {
    await this.restoreFlags({ from: a.from, dxml: null, flags: 0 });
  }

  async restoreFlags(a: Args) {
    checkFlags(a.flags, 0, "testDomainRestoreFlags");
    if (a.dxml) {
      throw virtError(ErrorCode.ARGUMENT_UNSUPPORTED, "xml modification unsupported");
    }
    const def = await this.readSaveImage(a.from);
    const o = this.s.addDomain(def, true);
    this.s.startDomain(o, 3);
    this.s.events.domainLifecycle(domRef(o), DomainEvent.STARTED, 2);
  }

  async saveImageGetXmlDesc(a: Args) {
    checkFlags(a.flags, 1, "testDomainSaveImageGetXMLDesc");
    const def = await this.readSaveImage(a.file);
    return { xml: formatDomainXml(def, { secure: true }) };
  }

  async saveImageDefineXml(a: Args) {
    checkFlags(a.flags, 2 | 4, "testDomainSaveImageDefineXML");
    await this.readSaveImage(a.file);
    const def = this.parse(a.dxml);
    await this.writeSaveImage(a.file, def);
  }

  managedSave(a: Args) {
    checkFlags(a.flags, 1 | 2 | 4, "testDomainManagedSave");
    const o = this.obj(a.dom);
    checkActive(o);
    if (!o.persistent) throw operationInvalid("cannot do managed save for transient domain");
    this.s.stopDomain(o, 5);
    o.hasManagedSave = true;
    this.s.events.domainLifecycle(domRef(o), DomainEvent.STOPPED, 4);
  }

  hasManagedSaveImage(a: Args) {
    checkFlags(a.flags, 0, "testDomainHasManagedSaveImage");
    return { result: this.obj(a.dom).hasManagedSave ? 1 : 0 };
  }

  managedSaveRemove(a: Args) {
    checkFlags(a.flags, 0, "testDomainManagedSaveRemove");
    this.obj(a.dom).hasManagedSave = false;
  }

  rename(a: Args) {
    checkFlags(a.flags, 0, "testDomainRename");
    const o = this.obj(a.dom);
    if (isActive(o)) throw operationInvalid("cannot rename active domain");
    if (!o.persistent) throw operationInvalid("cannot rename a transient domain");
    if (o.state !== State.SHUTOFF) {
      throw operationInvalid("domain has to be shutoff before renaming");
    }
    const name: string | null = a.new_name;
    if (!name) throw invalidArg("new domain name is NULL", From.DOMAIN);
    if (this.s.domainByName(name)) {
      throw operationInvalid(`domain with name '${name}' already exists`, From.DOM);
    }
    if (name.includes("/")) {
      throw virtError(ErrorCode.XML_ERROR, `name ${name} cannot contain '/'`);
    }
    this.s.events.domainLifecycle(domRef(o), DomainEvent.UNDEFINED, 1);
    o.def.name = name;
    this.s.events.domainLifecycle(domRef(o), DomainEvent.DEFINED, 2);
    return { retcode: 0 };
  }

  coreDumpWithFormat(a: Args) {
    checkFlags(a.flags, 1, "testDomainCoreDumpWithFormat");
    const o = this.obj(a.dom);
    checkActive(o);
    try {
      Deno.writeFileSync(a.to, SAVE_MAGIC, { mode: 0o600 });
    } catch (e) {
      throw systemError(`domain '${a.dom.name}' coredump: failed to open ${a.to}`, e);
    }
    if (a.dumpformat !== 0) {
      throw virtError(
        ErrorCode.OPERATION_UNSUPPORTED,
        "kdump-compressed format is not supported here",
      );
    }
    if (a.flags & 1) this.stopped(o, 3);
  }

  coreDump(a: Args) {
    this.coreDumpWithFormat({ ...a, dumpformat: 0 });
  }

  getDiskErrors(a: Args) {
    checkFlags(a.flags, 0, "testDomainGetDiskErrors");
    const o = this.obj(a.dom);
    checkActive(o);
    const disks = domainDisks(o.def);
    if (!a.maxerrors) return { errors: [], nerrors: disks.length };
    const errors = disks.slice(0, a.maxerrors).map((d, i) => ({
      disk: d.target,
      error: (i % 2) + 1,
    }));
    return { errors, nerrors: errors.length };
  }

  injectNmi(a: Args) {
    checkFlags(a.flags, 0, "testDomainInjectNMI");
    checkActive(this.obj(a.dom));
  }

  sendProcessSignal(a: Args) {
    checkFlags(a.flags, 0, "testDomainSendProcessSignal");
    if (BigInt(a.pid_value) !== 1n) {
      throw invalidArg("only sending a signal to pid 1 is supported");
    }
    if (a.signum >= 65) throw invalidArg(`signum value ${a.signum} is out of range`);
    this.obj(a.dom);
  }

  getCpuStats(a: Args) {
    checkFlags(a.flags, 1 << 2, "testDomainGetCPUStats");
    const o = this.obj(a.dom);
    checkActive(o);
    const total = 48772617035n;
    if (a.start_cpu === -1) {
      if (a.nparams === 0) return { params: [], nparams: 3 };
      const all = [
        { field: "cpu_time", value: { type: 4, value: total } },
        { field: "user_time", value: { type: 4, value: 5540000000n } },
        { field: "system_time", value: { type: 4, value: 6460000000n } },
      ];
      const params = all.slice(0, Math.min(3, a.nparams));
      return { params, nparams: params.length };
    }
    const cpus = this.s.nodeInfo.cores;
    if (a.nparams === 0 && a.ncpus !== 0) return { params: [], nparams: 2 };
    if (a.ncpus === 0) return { params: [], nparams: cpus };
    if (a.start_cpu >= cpus) {
      throw invalidArg(`start_cpu ${a.start_cpu} larger than maximum of ${cpus - 1}`);
    }
    const per = total / BigInt(cpus);
    const need = Math.min(cpus, a.start_cpu + a.ncpus);
    const params = [];
    for (let i = a.start_cpu; i < need; i++) {
      params.push({ field: "cpu_time", value: { type: 4, value: per + BigInt(i) } });
      if (a.nparams > 1) {
        params.push({
          field: "vcpu_time",
          value: { type: 4, value: per + BigInt(i) - 1234567890n },
        });
      }
    }
    return { params, nparams: a.nparams > 1 ? 2 : 1 };
  }
}

function metadataUri(m: XmlElement): string | undefined {
  const i = m.name.indexOf(":");
  return i >= 0 ? m.attrs[`xmlns:${m.name.slice(0, i)}`] : m.attrs.xmlns;
}

function findMetadata(def: DomainDef, uri: string | null): XmlElement | undefined {
  return def.metadata.find((m) => metadataUri(m) === uri);
}

/** An element and its subtree without namespace prefixes or declarations, as GetMetadata returns it. */
function withoutNamespace(e: XmlElement): XmlElement {
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.attrs)) {
    if (k !== "xmlns" && !k.startsWith("xmlns:")) attrs[k] = v;
  }
  return {
    name: e.name.includes(":") ? e.name.slice(e.name.indexOf(":") + 1) : e.name,
    attrs,
    children: e.children.map((c) => typeof c === "string" ? c : withoutNamespace(c)),
  };
}

function prefixTree(e: XmlElement, key: string): XmlElement {
  return {
    name: e.name,
    attrs: e.attrs,
    children: e.children.map((c) =>
      typeof c === "string"
        ? c
        : prefixTree({ ...c, name: c.name.includes(":") ? c.name : `${key}:${c.name}` }, key)
    ),
  };
}

function systemError(msg: string, e: unknown): VirtError {
  let reason = "Input/output error";
  if (e instanceof Deno.errors.NotFound) reason = "No such file or directory";
  else if (e instanceof Deno.errors.PermissionDenied) reason = "Permission denied";
  else if (e instanceof Deno.errors.IsADirectory) reason = "Is a directory";
  else if (e === undefined) reason = "Success";
  return new VirtError({
    code: ErrorCode.SYSTEM_ERROR,
    domain: From.TEST,
    message: `${msg}: ${reason}`,
  });
}
