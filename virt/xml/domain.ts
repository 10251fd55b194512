// Domain XML: parsed once into a DomainDef that keeps libvirt's defaults and element order, and
// formatted back the way libvirt's domain_conf formats it for the test driver.

import {
  child,
  childrenNamed,
  childText,
  cloneElement,
  el,
  elements,
  escapeXml,
  formatElement,
  formatForeign,
  parseXml,
  text,
  type XmlElement,
} from "./tree.ts";
import { formatUuid, parseUuid, randomUuid } from "./uuid.ts";

/** A domain definition problem, carrying libvirt's error code, domain and message. */
export class DefinitionError extends Error {
  constructor(readonly code: number, readonly from: number, message: string) {
    super(message);
    this.name = "DefinitionError";
  }
}

const FROM_DOMAIN = 20;
const FROM_NONE = 0;

const err = {
  internal: (m: string) => new DefinitionError(1, FROM_DOMAIN, `internal error: ${m}`),
  xml: (m: string) => new DefinitionError(27, FROM_DOMAIN, `XML error: ${m}`),
  unsupported: (m: string) =>
    new DefinitionError(67, FROM_DOMAIN, `unsupported configuration: ${m}`),
  invalidArg: (m: string) => new DefinitionError(8, FROM_NONE, `invalid argument: ${m}`),
};

/** Data the test driver reads from its own XML namespace (`test:runstate` and friends). */
export interface TestNamespace {
  runstate: number;
  transient: boolean;
  hasManagedSave: boolean;
  snapshots: XmlElement[];
}

/** One parsed domain definition. Fields the driver reads or changes are typed; the rest is kept. */
export interface DomainDef {
  virtType: string;
  /** -1 when not running. */
  id: number;
  name: string;
  uuid: Uint8Array;
  title?: string;
  description?: string;
  /** Children of <metadata>, foreign namespaced elements. */
  metadata: XmlElement[];
  /** Whether a <metadata> element exists (libvirt keeps it, empty, once it has been created). */
  metadataElement: boolean;
  /** Maximum memory in KiB (<memory>). */
  memory: number;
  /** Current balloon in KiB (<currentMemory>). */
  currentMemory: number;
  maxMemory?: XmlElement;
  vcpuMax: number;
  vcpuCurrent: number;
  vcpuPlacement: string;
  cpuset?: string;
  /** Per-vCPU pinning set through the API, host CPU lists ("0-3"). */
  vcpuPin: Record<number, number[]>;
  emulatorPin?: number[];
  osType: string;
  arch: string;
  os: XmlElement;
  onPoweroff: string;
  onReboot: string;
  onCrash: string;
  /** Other top-level elements, normalized, keyed by name. */
  extra: Record<string, XmlElement>;
  devices: XmlElement[];
  ns: TestNamespace;
}

const TEST_NS = "http://libvirt.org/schemas/domain/test/1.0";

const TOP_BEFORE_VCPU = ["blkiotune", "memtune", "memoryBacking"];
const TOP_AFTER_VCPU = [
  "vcpus",
  "iothreads",
  "iothreadids",
  "cputune",
  "numatune",
  "resource",
  "sysinfo",
  "bootloader",
  "bootloader_args",
];
const TOP_AFTER_OS = ["idmap", "features", "cpu", "clock"];
const TOP_AFTER_LIFECYCLE = ["on_lockfailure", "pm", "perf"];
const TOP_AFTER_DEVICES = ["seclabel", "keywrap", "launchSecurity"];
const KEPT_TOP = new Set([
  ...TOP_BEFORE_VCPU,
  ...TOP_AFTER_VCPU,
  ...TOP_AFTER_OS,
  ...TOP_AFTER_LIFECYCLE,
  ...TOP_AFTER_DEVICES,
  "genid",
]);

/** libvirt's device order inside <devices>. */
const DEVICE_ORDER = [
  "emulator",
  "disk",
  "controller",
  "lease",
  "filesystem",
  "interface",
  "smartcard",
  "serial",
  "parallel",
  "console",
  "channel",
  "input",
  "tpm",
  "graphics",
  "sound",
  "audio",
  "video",
  "hostdev",
  "redirdev",
  "redirfilter",
  "hub",
  "watchdog",
  "memballoon",
  "rng",
  "panic",
  "shmem",
  "memory",
  "iommu",
  "vsock",
  "crypto",
];

const VIRT_TYPES = new Set([
  "none",
  "qemu",
  "kqemu",
  "kvm",
  "xen",
  "lxc",
  "uml",
  "openvz",
  "test",
  "vmware",
  "hyperv",
  "vbox",
  "phyp",
  "parallels",
  "bhyve",
  "vz",
  "hvf",
]);
const LIFECYCLE = new Set([
  "destroy",
  "restart",
  "rename-restart",
  "preserve",
  "coredump-destroy",
  "coredump-restart",
]);

const UNIT_SCALE: Record<string, number> = {
  b: 1,
  bytes: 1,
  k: 1024,
  kib: 1024,
  kb: 1000,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  mb: 1000 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  gb: 1000 ** 3,
  t: 1024 ** 4,
  tib: 1024 ** 4,
  tb: 1000 ** 4,
  p: 1024 ** 5,
  pib: 1024 ** 5,
  pb: 1000 ** 5,
  e: 1024 ** 6,
  eib: 1024 ** 6,
  eb: 1000 ** 6,
};

/** Parse a size element into KiB, rounding up, as virDomainParseMemory does. */
function parseMemory(e: XmlElement | undefined, xpath: string): number | undefined {
  if (!e) return undefined;
  const raw = (text(e) ?? "").trim();
  if (!/^\d+$/.test(raw)) {
    throw err.xml(`Invalid value '${raw}' for element or attribute '${xpath}'`);
  }
  const unit = (e.attrs.unit ?? "KiB").toLowerCase();
  const scale = UNIT_SCALE[unit];
  if (scale === undefined) throw err.invalidArg(`unknown suffix '${e.attrs.unit}'`);
  return Math.ceil((Number(raw) * scale) / 1024);
}

function isTestNs(e: XmlElement, root: XmlElement, local: string): boolean {
  const i = e.name.indexOf(":");
  if (i < 0 || e.name.slice(i + 1) !== local) return false;
  const prefix = e.name.slice(0, i);
  return (e.attrs[`xmlns:${prefix}`] ?? root.attrs[`xmlns:${prefix}`]) === TEST_NS;
}

function parseTestNamespace(root: XmlElement): TestNamespace {
  const ns: TestNamespace = { runstate: 1, transient: false, hasManagedSave: false, snapshots: [] };
  for (const c of elements(root)) {
    if (isTestNs(c, root, "transient")) ns.transient = true;
    else if (isTestNs(c, root, "hasmanagedsave")) ns.hasManagedSave = true;
    else if (isTestNs(c, root, "domainsnapshot")) ns.snapshots.push(c);
    else if (isTestNs(c, root, "runstate")) {
      const v = (text(c) ?? "").trim();
      if (!/^\d+$/.test(v)) throw err.xml("invalid runstate");
      const n = Number(v);
      if (n >= 8) throw err.xml(`runstate '${n}' out of range'`);
      ns.runstate = n;
    }
  }
  if (ns.transient && ns.runstate === 5) {
    throw err.xml("transient domain cannot have runstate 'shutoff'");
  }
  if (ns.hasManagedSave && ns.runstate !== 5) {
    throw err.xml("domain with managedsave data can only have runstate 'shutoff'");
  }
  return ns;
}

/** Options for parsing: `context` names the document in syntax errors. */
export interface ParseDomainOptions {
  context?: string;
}

/**
 * Parse domain XML text into a DomainDef, applying the test driver's defaults.
 *
 * @example
 * ```ts
 * import { parseDomainXml, formatDomainXml } from "./domain.ts";
 * const def = parseDomainXml("<domain type='test'><name>a</name><memory>1024</memory><os><type>hvm</type></os></domain>");
 * console.assert(formatDomainXml(def).includes("<currentMemory unit='KiB'>1024</currentMemory>"));
 * ```
 */
export function parseDomainXml(xml: string, opts: ParseDomainOptions = {}): DomainDef {
  const root = parseXml(xml, opts.context ?? "(domain_definition)");
  return parseDomainElement(root);
}

/** Parse an already-parsed <domain> element (used for domains inside a test node file). */
export function parseDomainElement(root: XmlElement): DomainDef {
  if (root.name !== "domain") {
    throw err.xml(`expecting root element of 'domain', not '${root.name}'`);
  }
  const osEl = child(root, "os");
  const typeEl = osEl ? child(osEl, "type") : undefined;
  const rawOsType = typeEl ? (text(typeEl) ?? "").trim() : "";

  const name = childText(root, "name")?.trim();
  if (!name) throw new DefinitionError(21, FROM_DOMAIN, "missing name information");
  if (name.includes("/")) throw err.xml(`name ${name} cannot contain '/'`);

  let uuid: Uint8Array;
  const uuidText = childText(root, "uuid");
  if (uuidText === undefined) uuid = randomUuid();
  else {
    const u = parseUuid(uuidText.trim());
    if (!u) throw err.internal("malformed uuid element");
    uuid = u;
  }

  const virtType = root.attrs.type;
  if (virtType === undefined) throw err.internal("missing domain type attribute");
  if (!VIRT_TYPES.has(virtType)) throw err.unsupported(`invalid domain type ${virtType}`);

  if (!typeEl || rawOsType === "") throw err.xml("an os <type> must be specified");
  let osType = rawOsType;
  if (osType === "linux") osType = "xen";
  if (osType !== "hvm" && osType !== "xen" && osType !== "exe") {
    throw err.unsupported(`unknown OS type '${rawOsType}'`);
  }
  const arch = typeEl.attrs.arch ?? "i686";

  const parsedMemory = parseMemory(child(root, "memory"), "./memory[1]");
  const memory = parsedMemory ?? 0;
  let currentMemory = parseMemory(child(root, "currentMemory"), "./currentMemory[1]") ?? memory;
  if (currentMemory > memory) currentMemory = memory;

  const vcpuEl = child(root, "vcpu");
  let vcpuMax = 1;
  let vcpuCurrent = 1;
  let vcpuPlacement = "static";
  let cpuset: string | undefined;
  if (vcpuEl) {
    const v = (text(vcpuEl) ?? "").trim();
    if (!/^\d+$/.test(v)) throw err.xml("maximum vcpus count must be an integer");
    vcpuMax = Number(v);
    vcpuCurrent = vcpuMax;
    if (vcpuEl.attrs.current !== undefined) {
      if (!/^\d+$/.test(vcpuEl.attrs.current)) {
        throw err.xml("current vcpus count must be an integer");
      }
      vcpuCurrent = Number(vcpuEl.attrs.current);
      if (vcpuCurrent > vcpuMax) {
        throw err.unsupported("maximum vCPU count must not be less than current vCPU count");
      }
    }
    vcpuPlacement = vcpuEl.attrs.placement ?? "static";
    const cpus = parseCpuset(vcpuEl.attrs.cpuset);
    cpuset = cpus ? formatCpuset(cpus) : undefined;
  }

  const lifecycle = (tag: string, dflt: string): string => {
    const v = childText(root, tag)?.trim();
    if (v === undefined) return dflt;
    if (!LIFECYCLE.has(v)) throw err.unsupported(`unknown ${tag} action: ${v}`);
    return v;
  };

  const extra: Record<string, XmlElement> = {};
  for (const c of elements(root)) {
    if (KEPT_TOP.has(c.name) && !extra[c.name]) extra[c.name] = stripWhitespace(c);
  }
  if (!extra.clock) extra.clock = el("clock", { offset: "utc" });
  if (extra.memtune) extra.memtune = normalizeMemtune(extra.memtune);
  if (extra.cpu) extra.cpu = normalizeCpu(extra.cpu);

  const title = childText(root, "title");
  if (title !== undefined && title.includes("\n")) {
    throw err.xml("title can't contain newlines");
  }
  const metaEl = child(root, "metadata");

  const def: DomainDef = {
    virtType,
    id: -1,
    name,
    uuid,
    title: title === "" ? undefined : title,
    description: childText(root, "description") || undefined,
    metadata: metaEl ? sanitizeMetadata(metaEl) : [],
    metadataElement: metaEl !== undefined,
    memory,
    currentMemory,
    maxMemory: child(root, "maxMemory"),
    vcpuMax,
    vcpuCurrent,
    vcpuPlacement,
    cpuset,
    vcpuPin: pinsFrom(extra.cputune),
    emulatorPin: parseCpuset(
      extra.cputune ? child(extra.cputune, "emulatorpin")?.attrs.cpuset : undefined,
    ),
    osType,
    arch,
    os: normalizeOs(osEl!, osType, arch, hasDeviceBootOrder(root)),
    onPoweroff: lifecycle("on_poweroff", "destroy"),
    onReboot: lifecycle("on_reboot", "restart"),
    onCrash: lifecycle("on_crash", "destroy"),
    extra,
    devices: [],
    ns: parseTestNamespace(root),
  };
  const devicesEl = child(root, "devices");
  def.devices = normalizeDevices(devicesEl ? elements(devicesEl) : [], def);
  // What libvirt checks after parsing, in its order.
  if (parsedMemory === undefined) {
    throw err.xml("Memory size must be specified via <memory> or in the <numa> configuration");
  }
  if (vcpuMax === 0) throw err.internal("CPU IDs in <numa> exceed the <vcpu> count");
  return def;
}

/** <memtune> limits in KiB, in libvirt's order. */
function normalizeMemtune(m: XmlElement): XmlElement {
  const out: XmlElement[] = [];
  for (const tag of ["hard_limit", "soft_limit", "swap_hard_limit", "min_guarantee"]) {
    const e = child(m, tag);
    const kib = parseMemory(e, `./memtune/${tag}[1]`);
    if (kib !== undefined) out.push(el(tag, { unit: "KiB" }, [String(kib)]));
  }
  return { name: "memtune", attrs: {}, children: out };
}

/** <cpu> with the defaults libvirt fills into its topology. */
function normalizeCpu(c: XmlElement): XmlElement {
  return {
    ...c,
    children: c.children.map((k) => {
      if (typeof k === "string" || k.name !== "topology") return k;
      const { sockets, dies, cores, threads, ...rest } = k.attrs;
      return el("topology", { sockets, dies: dies ?? "1", cores, threads, ...rest });
    }),
  };
}

/** Whether any device carries its own <boot order=.../>, which replaces <os><boot dev=.../>. */
function hasDeviceBootOrder(root: XmlElement): boolean {
  const devices = child(root, "devices");
  return devices !== undefined &&
    elements(devices).some((d) => child(d, "boot")?.attrs.order !== undefined);
}

function stripWhitespace(e: XmlElement): XmlElement {
  const kids = e.children.filter((c) => typeof c !== "string" || c.trim() !== "");
  const hasEl = kids.some((c) => typeof c !== "string");
  return {
    name: e.name,
    attrs: { ...e.attrs },
    children: kids.map((c) => typeof c === "string" ? (hasEl ? c.trim() : c) : stripWhitespace(c)),
  };
}

/** Keep only namespaced metadata elements, one per namespace, as libvirt does. */
function sanitizeMetadata(meta: XmlElement): XmlElement[] {
  const seen = new Set<string>();
  const out: XmlElement[] = [];
  for (const c of elements(meta)) {
    const i = c.name.indexOf(":");
    const uri = i >= 0 ? c.attrs[`xmlns:${c.name.slice(0, i)}`] : c.attrs.xmlns;
    if (!uri || seen.has(uri)) continue;
    seen.add(uri);
    out.push(stripForeignWhitespace(c));
  }
  return out;
}

function stripForeignWhitespace(e: XmlElement): XmlElement {
  const hasEl = e.children.some((c) => typeof c !== "string");
  const hasText = e.children.some((c) => typeof c === "string" && c.trim() !== "");
  return {
    name: e.name,
    attrs: { ...e.attrs },
    children: e.children
      .filter((c) => !(typeof c === "string" && hasEl && !hasText && c.trim() === ""))
      .map((c) => typeof c === "string" ? c : stripForeignWhitespace(c)),
  };
}

const OS_ORDER = [
  "type",
  "firmware",
  "loader",
  "nvram",
  "kernel",
  "initrd",
  "cmdline",
  "dtb",
  "acpi",
  "init",
  "initarg",
  "initenv",
  "initdir",
  "inituser",
  "initgroup",
  "boot",
  "bootmenu",
  "smbios",
  "bios",
];

function normalizeOs(
  os: XmlElement,
  osType: string,
  arch: string,
  perDeviceBoot: boolean,
): XmlElement {
  const src = stripWhitespace(os);
  const typeEl = child(src, "type")!;
  const type = el("type", { arch, machine: typeEl.attrs.machine }, [osType]);
  const out: XmlElement = { name: "os", attrs: { ...src.attrs }, children: [] };
  for (const tag of OS_ORDER) {
    if (tag === "type") {
      out.children.push(type);
      continue;
    }
    out.children.push(...childrenNamed(src, tag));
    if (
      tag === "boot" && osType === "hvm" && childrenNamed(src, "boot").length === 0 &&
      !perDeviceBoot
    ) {
      out.children.push(el("boot", { dev: "hd" }));
    }
  }
  return out;
}

const DISK_CHILD_ORDER = [
  "driver",
  "source",
  "backingStore",
  "mirror",
  "target",
  "iotune",
  "boot",
  "readonly",
  "shareable",
  "transient",
  "serial",
  "wwn",
  "vendor",
  "product",
  "encryption",
  "alias",
  "address",
];
const NET_CHILD_ORDER = [
  "mac",
  "source",
  "vlan",
  "virtualport",
  "bandwidth",
  "port",
  "ip",
  "route",
  "script",
  "downscript",
  "backenddomain",
  "target",
  "guest",
  "model",
  "driver",
  "backend",
  "filterref",
  "tune",
  "teaming",
  "link",
  "mtu",
  "coalesce",
  "boot",
  "rom",
  "alias",
  "address",
];

function reorder(e: XmlElement, order: string[]): XmlElement {
  const kids = elements(e);
  const out: XmlElement[] = [];
  for (const tag of order) out.push(...kids.filter((k) => k.name === tag));
  return { name: e.name, attrs: e.attrs, children: out };
}

function hex(v: string | undefined, width: number): string | undefined {
  if (v === undefined) return undefined;
  const n = v.startsWith("0x") || v.startsWith("0X") ? parseInt(v.slice(2), 16) : parseInt(v, 10);
  return `0x${n.toString(16).padStart(width, "0")}`;
}

function normalizeAddress(a: XmlElement): XmlElement {
  if (a.attrs.type === "pci") {
    return el("address", {
      type: "pci",
      domain: hex(a.attrs.domain ?? "0", 4),
      bus: hex(a.attrs.bus ?? "0", 2),
      slot: hex(a.attrs.slot ?? "0", 2),
      function: hex(a.attrs.function ?? "0", 1),
      multifunction: a.attrs.multifunction,
    });
  }
  if (a.attrs.type === "drive") {
    return el("address", {
      type: "drive",
      controller: a.attrs.controller ?? "0",
      bus: a.attrs.bus ?? "0",
      target: a.attrs.target ?? "0",
      unit: a.attrs.unit ?? "0",
    });
  }
  return a;
}

function withAddress(e: XmlElement): XmlElement {
  return {
    ...e,
    children: e.children.map((c) =>
      typeof c !== "string" && c.name === "address" ? normalizeAddress(c) : c
    ),
  };
}

/** The index a disk target name encodes ("vda" → 0, "hdc" → 2, "sdaa" → 26). */
export function diskNameToIndex(dev: string): number {
  const m = /^(?:fd|hd|vd|sd|xvd|ubd)([a-z]+)\d*$/.exec(dev);
  if (!m) return -1;
  let idx = 0;
  for (const ch of m[1]) idx = idx * 26 + (ch.charCodeAt(0) - 96);
  return idx - 1;
}

function defaultBus(dev: string, osType: string): string {
  if (dev.startsWith("hd")) return "ide";
  if (dev.startsWith("sd")) return "scsi";
  if (dev.startsWith("vd")) return "virtio";
  if (dev.startsWith("fd")) return "fdc";
  if (dev.startsWith("ubd")) return "uml";
  if (dev.startsWith("xvd")) return "xen";
  return osType === "hvm" ? "ide" : "xen";
}

interface DriveCtl {
  type: string;
  index: number;
}

function normalizeDisk(d: XmlElement, def: DomainDef, implicit: DriveCtl[]): XmlElement {
  const src = stripWhitespace(d);
  const target = child(src, "target");
  const source = child(src, "source");
  const dev = target?.attrs.dev;
  if (!dev) {
    const path = source?.attrs.file ?? source?.attrs.dev ?? source?.attrs.dir ??
      source?.attrs.name ?? "";
    throw new DefinitionError(20, FROM_DOMAIN, `missing target information for device ${path}`);
  }
  const device = src.attrs.device ?? "disk";
  if (device === "lun" && (src.attrs.type ?? "file") !== "block" && src.attrs.type !== "network") {
    throw err.unsupported("disk device='lun' is only valid for block type disk source");
  }
  const attrs: Record<string, string> = { type: src.attrs.type ?? "file", device };
  for (const k of ["model", "rawio", "sgio", "snapshot"]) {
    if (src.attrs[k] !== undefined) attrs[k] = src.attrs[k];
  }
  const bus = target!.attrs.bus ?? defaultBus(dev, def.osType);
  const tattrs: Record<string, string> = { dev, bus };
  for (const [k, v] of Object.entries(target!.attrs)) if (k !== "dev" && k !== "bus") tattrs[k] = v;
  const kids = elements(src).map((c) => c.name === "target" ? el("target", tattrs) : c);
  if (device === "cdrom" && !child(src, "readonly")) {
    kids.push(el("readonly"));
  }
  let out = reorder({ name: "disk", attrs, children: kids }, DISK_CHILD_ORDER);
  if (!child(out, "address")) {
    const idx = diskNameToIndex(dev);
    let addr: XmlElement | undefined;
    if (bus === "ide" && idx >= 0) {
      addr = drive(Math.floor(idx / 4), Math.floor((idx % 4) / 2), idx % 2);
    } else if (bus === "scsi" && idx >= 0) addr = drive(Math.floor(idx / 7), 0, idx % 7);
    else if (bus === "sata" && idx >= 0) addr = drive(Math.floor(idx / 6), 0, idx % 6);
    else if (bus === "fdc" && idx >= 0) addr = drive(0, 0, idx);
    if (addr) {
      out.children.push(addr);
      out = reorder(out, DISK_CHILD_ORDER);
    }
  }
  const addr = child(out, "address");
  if (addr?.attrs.type === "drive" && ["ide", "scsi", "sata", "fdc"].includes(bus)) {
    const ctl = { type: bus, index: Number(addr.attrs.controller ?? 0) };
    if (!implicit.some((c) => c.type === ctl.type && c.index === ctl.index)) implicit.push(ctl);
  }
  return withAddress(out);
}

function drive(controller: number, bus: number, unit: number): XmlElement {
  return el("address", { type: "drive", controller, bus, target: 0, unit });
}

/** A MAC address in libvirt's locally administered QEMU range, as libvirt generates them. */
export function randomMac(): string {
  const b = crypto.getRandomValues(new Uint8Array(3));
  return ["52", "54", "00", ...Array.from(b, (x) => x.toString(16).padStart(2, "0"))].join(":");
}

function normalizeInterface(n: XmlElement, usedNames: Set<string>): XmlElement {
  const src = stripWhitespace(n);
  const type = src.attrs.type ?? "user";
  const kids = elements(src).filter((c) => c.name !== "mac" && c.name !== "source");
  const macEl = child(src, "mac");
  const mac = (macEl?.attrs.address ?? randomMac()).toLowerCase();
  const out: XmlElement[] = [el("mac", { ...macEl?.attrs, address: mac })];
  const source = child(src, "source");
  if (type === "network") {
    if (!source || !source.attrs.network) {
      throw err.xml("interface type='network' requires a 'source' element");
    }
    out.push(el("source", { network: source.attrs.network, portgroup: source.attrs.portgroup }));
  } else if (type === "bridge") {
    if (source) out.push(el("source", { bridge: source.attrs.bridge }));
  } else if (source) out.push(source);
  let target = child(src, "target");
  // Names libvirt generates itself are dropped from an inactive definition.
  const dev = target?.attrs.dev;
  if (dev && !/^(vnet|macvtap|macvlan)/.test(dev)) usedNames.add(dev);
  else target = undefined;
  const rest = kids.filter((c) => c.name !== "target");
  const kept = target ? [...rest, target] : rest;
  return withAddress(
    reorder({ name: "interface", attrs: { type }, children: [...out, ...kept] }, NET_CHILD_ORDER),
  );
}

function assignIfnames(devices: XmlElement[], used: Set<string>): void {
  let n = 0;
  for (const d of devices) {
    if (d.name !== "interface" || child(d, "target")) continue;
    while (used.has(`testnet${n}`)) n++;
    const name = `testnet${n}`;
    used.add(name);
    d.children.push(el("target", { dev: name }));
    const sorted = reorder(d, NET_CHILD_ORDER);
    d.children = sorted.children;
  }
}

/** Attribute order of libvirt's graphics formatter, per type. */
const GRAPHICS_ATTRS: Record<string, string[]> = {
  vnc: [
    "socket",
    "port",
    "autoport",
    "websocket",
    "listen",
    "keymap",
    "sharePolicy",
    "powerControl",
    "passwd",
    "passwdValidTo",
    "connected",
  ],
  spice: [
    "port",
    "tlsPort",
    "autoport",
    "listen",
    "keymap",
    "defaultMode",
    "passwd",
    "passwdValidTo",
    "connected",
  ],
};

function normalizeGraphics(g: XmlElement): XmlElement {
  const src = stripWhitespace(g);
  const type = src.attrs.type;
  const given: Record<string, string> = { ...src.attrs };
  const listens = childrenNamed(src, "listen");
  if (type === "vnc" && given.socket === undefined) {
    const port = given.port ?? "-1";
    const autoport = given.autoport === "yes" || port === "-1";
    given.port = autoport ? "-1" : port;
    given.autoport = autoport ? "yes" : "no";
  } else if (type === "spice") {
    const auto = given.autoport === "yes" || given.port === "-1";
    if (auto || !given.port || given.port === "0") delete given.port;
    if (!given.tlsPort || given.tlsPort === "-1" || given.tlsPort === "0") delete given.tlsPort;
    if (auto) given.autoport = "yes";
    else if (given.port || given.tlsPort) given.autoport = "no";
    else delete given.autoport;
  }
  delete given.listen;
  const first = src.attrs.listen ?? listens[0]?.attrs.address;
  if ((type === "vnc" || type === "spice" || type === "rdp") && first) given.listen = first;
  const attrs: Record<string, string> = { type };
  for (const k of GRAPHICS_ATTRS[type] ?? []) if (given[k] !== undefined) attrs[k] = given[k];
  for (const [k, v] of Object.entries(given)) if (!(k in attrs)) attrs[k] = v;
  const out = el("graphics", {});
  out.attrs = attrs;
  if (type === "vnc" || type === "spice" || type === "rdp") {
    if (listens.length) out.children.push(...listens);
    else if (type === "vnc" && given.socket !== undefined) {
      out.children.push(el("listen", { type: "socket", socket: given.socket }));
    } else out.children.push(el("listen", { type: "address", address: src.attrs.listen }));
  }
  out.children.push(...elements(src).filter((c) => c.name !== "listen"));
  return out;
}

const VIDEO_DEFAULTS: Record<string, Record<string, string>> = {
  vga: { vram: "16384", heads: "1" },
  cirrus: { vram: "16384", heads: "1" },
  vmvga: { vram: "16384", heads: "1" },
  xen: { vram: "4096", heads: "1" },
  qxl: { ram: "65536", vram: "65536", vgamem: "16384", heads: "1" },
  virtio: { heads: "1" },
  bochs: { vram: "16384", heads: "1" },
};

function normalizeVideo(v: XmlElement, def: DomainDef, first: boolean): XmlElement {
  const src = stripWhitespace(v);
  const m = child(src, "model");
  const type = m?.attrs.type ?? (def.osType === "xen" ? "xen" : "cirrus");
  const d = VIDEO_DEFAULTS[type] ?? {};
  const attrs: Record<string, string | undefined> = {
    type,
    ram: m?.attrs.ram ?? d.ram,
    vram: m?.attrs.vram ?? d.vram,
    vram64: m?.attrs.vram64,
    vgamem: m?.attrs.vgamem ?? d.vgamem,
    heads: m?.attrs.heads ?? d.heads,
    primary: first ? "yes" : undefined,
  };
  const model = el("model", attrs, m ? elements(m) : []);
  return withAddress({
    name: "video",
    attrs: { ...src.attrs },
    children: [model, ...elements(src).filter((c) => c.name !== "model")],
  });
}

function normalizeInput(i: XmlElement, def: DomainDef): XmlElement {
  const src = stripWhitespace(i);
  const type = src.attrs.type;
  let bus = src.attrs.bus;
  if (!bus) {
    if (def.osType === "hvm") bus = type === "tablet" ? "usb" : "ps2";
    else bus = "xen";
  }
  const attrs: Record<string, string> = { type, bus };
  for (const [k, v] of Object.entries(src.attrs)) if (!(k in attrs)) attrs[k] = v;
  return withAddress({ name: "input", attrs, children: src.children });
}

function chardevTarget(kind: string, port: number, src: XmlElement): XmlElement {
  const t = child(src, "target");
  if (kind === "console") {
    return el("target", { type: t?.attrs.type ?? "serial", port: t?.attrs.port ?? port });
  }
  const attrs: Record<string, string | number | undefined> = { ...t?.attrs };
  if (kind !== "channel") attrs.port = t?.attrs.port ?? port;
  return el("target", attrs, t ? elements(t) : []);
}

function normalizeChardev(c: XmlElement, kind: string, port: number): XmlElement {
  const src = stripWhitespace(c);
  const attrs = { type: src.attrs.type ?? "pty", ...src.attrs };
  const rest = elements(src).filter((k) => k.name !== "target");
  const socket = attrs.type === "tcp" || attrs.type === "unix";
  const sources = rest.filter((k) => k.name === "source").map((k) =>
    socket ? { ...k, attrs: { mode: k.attrs.mode ?? "connect", ...k.attrs } } : k
  );
  const protocol = rest.filter((k) => k.name === "protocol");
  if (attrs.type === "tcp" && protocol.length === 0) protocol.push(el("protocol", { type: "raw" }));
  const others = rest.filter((k) => k.name !== "source" && k.name !== "protocol");
  return withAddress({
    name: kind,
    attrs,
    children: [...sources, ...protocol, chardevTarget(kind, port, src), ...others],
  });
}

function normalizeDevices(input: XmlElement[], def: DomainDef): XmlElement[] {
  const byKind = new Map<string, XmlElement[]>();
  const push = (k: string, e: XmlElement) => {
    const list = byKind.get(k) ?? [];
    list.push(e);
    byKind.set(k, list);
  };
  const implicit: DriveCtl[] = [];
  const usedNames = new Set<string>();
  let videoCount = 0;
  const diskIndex = (d: XmlElement) => diskNameToIndex(child(d, "target")?.attrs.dev ?? "");
  for (const d of sortByIndex(input.filter((e) => e.name === "disk"), "bus", diskIndex)) {
    push("disk", normalizeDisk(d, def, implicit));
  }
  for (const d of input) {
    if (!DEVICE_ORDER.includes(d.name)) continue;
    switch (d.name) {
      case "disk":
        break;
      case "interface":
        push("interface", normalizeInterface(d, usedNames));
        break;
      case "graphics":
        push("graphics", normalizeGraphics(d));
        break;
      case "video":
        push("video", normalizeVideo(d, def, videoCount++ === 0));
        break;
      case "input":
        if (def.osType !== "hvm") {
          throw err.internal("Input devices are not supported by this virtualization driver.");
        }
        push("input", normalizeInput(d, def));
        break;
      case "serial":
      case "parallel":
      case "channel":
        push(d.name, normalizeChardev(d, d.name, byKind.get(d.name)?.length ?? 0));
        break;
      case "console":
        push("console", normalizeChardev(d, "console", byKind.get("console")?.length ?? 0));
        break;
      case "emulator":
        push("emulator", el("emulator", {}, [(text(d) ?? "").trim()]));
        break;
      case "watchdog": {
        const w = stripWhitespace(d);
        push(
          "watchdog",
          withAddress({ ...w, attrs: { ...w.attrs, action: w.attrs.action ?? "reset" } }),
        );
        break;
      }
      case "rng": {
        const r = stripWhitespace(d);
        r.children = r.children.map((k) =>
          typeof k !== "string" && k.name === "backend" && k.attrs.model === "random" &&
            !text(k)?.trim()
            ? { ...k, children: ["/dev/random"] }
            : k
        );
        push("rng", withAddress(r));
        break;
      }
      default:
        push(d.name, withAddress(stripWhitespace(d)));
    }
  }
  const controllers = sortByIndex(
    byKind.get("controller") ?? [],
    "type",
    (c) => Number(c.attrs.index ?? 0),
  );
  const hasCtl = (type: string, index: number) =>
    controllers.some((c) => c.attrs.type === type && Number(c.attrs.index ?? 0) === index);
  for (const type of ["scsi", "fdc", "ide", "sata"]) {
    const used = implicit.filter((c) => c.type === type).map((c) => c.index);
    if (!used.length) continue;
    for (let i = 0; i <= Math.max(...used); i++) {
      if (!hasCtl(type, i)) controllers.push(el("controller", { type, index: i }));
    }
  }
  const virtioSerial = [...(byKind.get("console") ?? []), ...(byKind.get("channel") ?? [])]
    .some((c) => child(c, "target")?.attrs.type === "virtio");
  if (virtioSerial && !controllers.some((c) => c.attrs.type === "virtio-serial")) {
    controllers.push(el("controller", { type: "virtio-serial", index: 0 }));
  }
  const cards = byKind.get("smartcard") ?? [];
  cards.forEach((card, slot) => {
    if (!child(card, "address")) {
      card.children.push(el("address", { type: "ccid", controller: 0, slot }));
    }
  });
  if (cards.length && !hasCtl("ccid", 0)) {
    controllers.push(el("controller", { type: "ccid", index: 0 }));
  }
  if (controllers.length) byKind.set("controller", controllers);
  if ((byKind.get("graphics") ?? []).length && !(byKind.get("video") ?? []).length) {
    byKind.set("video", [normalizeVideo(el("video"), def, true)]);
  }
  linkConsoles(byKind, def);
  assignIfnames(byKind.get("interface") ?? [], usedNames);
  const out: XmlElement[] = [];
  for (const kind of DEVICE_ORDER) out.push(...(byKind.get(kind) ?? []));
  return out;
}

/**
 * libvirt's insertion order for disks and controllers: each new one goes before the first
 * later one of the same group (bus as written, or controller type) with a higher index, else
 * right after the last one of its group, else at the end.
 */
function sortByIndex(
  items: XmlElement[],
  group: "bus" | "type",
  index: (e: XmlElement) => number,
): XmlElement[] {
  const key = (e: XmlElement) =>
    group === "bus" ? (child(e, "target")?.attrs.bus ?? "") : (e.attrs.type ?? "");
  const out: XmlElement[] = [];
  for (const item of items) {
    let at = -1;
    for (let i = out.length - 1; i >= 0; i--) {
      if (key(out[i]) !== key(item)) continue;
      if (index(out[i]) > index(item)) at = i;
      else if (at === -1) at = i + 1;
    }
    if (at === -1) out.push(item);
    else out.splice(at, 0, item);
  }
  return out;
}

/** Pair the first console with the first serial port the way libvirt does for HVM guests. */
function linkConsoles(byKind: Map<string, XmlElement[]>, def: DomainDef): void {
  const consoles = byKind.get("console") ?? [];
  const serials = byKind.get("serial") ?? [];
  if (def.osType !== "hvm") return;
  if (
    consoles.length &&
    consoles[0].children.some((c) =>
      typeof c !== "string" && c.name === "target" && c.attrs.type === "serial"
    )
  ) {
    if (serials.length === 0) {
      const copy = cloneElement(consoles[0]);
      copy.name = "serial";
      copy.children = copy.children.map((c) =>
        typeof c !== "string" && c.name === "target" ? el("target", { port: 0 }) : c
      );
      byKind.set("serial", [copy]);
    }
  } else if (!consoles.length && serials.length) {
    const copy = cloneElement(serials[0]);
    copy.name = "console";
    copy.children = copy.children
      .filter((c) => typeof c === "string" || c.name !== "address")
      .map((c) =>
        typeof c !== "string" && c.name === "target" ? el("target", { type: "serial", port: 0 }) : c
      );
    byKind.set("console", [copy]);
  }
}

/** What to include when formatting. */
export interface FormatDomainOptions {
  /** Leave out runtime data (the id). */
  inactive?: boolean;
  /** Include passwords and other secrets. */
  secure?: boolean;
}

function pushExtra(out: string[], def: DomainDef, names: string[]): void {
  for (const n of names) {
    const e = def.extra[n];
    if (e) out.push(formatElement(e, 2));
  }
}

function scrubSecrets(e: XmlElement): XmlElement {
  if (e.name !== "graphics" || e.attrs.passwd === undefined) return e;
  const attrs = { ...e.attrs };
  delete attrs.passwd;
  return { ...e, attrs };
}

/** Format a DomainDef as libvirt's test driver prints it. */
export function formatDomainXml(def: DomainDef, opts: FormatDomainOptions = {}): string {
  const out: string[] = [];
  const idAttr = !opts.inactive && def.id >= 0 ? ` id='${def.id}'` : "";
  out.push(`<domain type='${escapeXml(def.virtType)}'${idAttr}>\n`);
  out.push(`  <name>${escapeXml(def.name)}</name>\n`);
  out.push(`  <uuid>${formatUuid(def.uuid)}</uuid>\n`);
  pushExtra(out, def, ["genid"]);
  if (def.title !== undefined) out.push(`  <title>${escapeXml(def.title)}</title>\n`);
  if (def.description !== undefined) {
    out.push(`  <description>${escapeXml(def.description)}</description>\n`);
  }
  if (def.metadata.length) {
    out.push("  <metadata>\n");
    for (const m of def.metadata) out.push(formatForeign(m, 4));
    out.push("  </metadata>\n");
  } else if (def.metadataElement) out.push("  <metadata/>\n");
  if (def.maxMemory) out.push(formatElement(def.maxMemory, 2));
  out.push(`  <memory unit='KiB'>${def.memory}</memory>\n`);
  out.push(`  <currentMemory unit='KiB'>${def.currentMemory}</currentMemory>\n`);
  pushExtra(out, def, TOP_BEFORE_VCPU);
  let vcpu = `  <vcpu placement='${def.vcpuPlacement}'`;
  if (def.cpuset) vcpu += ` cpuset='${escapeXml(def.cpuset)}'`;
  if (def.vcpuCurrent !== def.vcpuMax) vcpu += ` current='${def.vcpuCurrent}'`;
  out.push(`${vcpu}>${def.vcpuMax}</vcpu>\n`);
  for (const name of TOP_AFTER_VCPU) {
    const e = name === "cputune" ? cputuneElement(def) : def.extra[name];
    if (e) out.push(formatElement(e, 2));
  }
  out.push(formatElement(def.os, 2));
  pushExtra(out, def, TOP_AFTER_OS);
  out.push(`  <on_poweroff>${def.onPoweroff}</on_poweroff>\n`);
  out.push(`  <on_reboot>${def.onReboot}</on_reboot>\n`);
  out.push(`  <on_crash>${def.onCrash}</on_crash>\n`);
  pushExtra(out, def, TOP_AFTER_LIFECYCLE);
  out.push("  <devices>\n");
  for (const d of def.devices) out.push(formatElement(opts.secure ? d : scrubSecrets(d), 4));
  out.push("  </devices>\n");
  pushExtra(out, def, TOP_AFTER_DEVICES);
  out.push("</domain>\n");
  return out.join("");
}

/** Parse a libvirt CPU list ("0-3,^2,8") into sorted CPU numbers. */
export function parseCpuset(s: string | undefined): number[] | undefined {
  if (!s) return undefined;
  const set = new Set<number>();
  for (const part of s.split(",")) {
    const m = /^\s*(\^?)(\d+)(?:-(\d+))?\s*$/.exec(part);
    if (!m) continue;
    const a = Number(m[2]);
    const b = m[3] === undefined ? a : Number(m[3]);
    for (let i = a; i <= b; i++) m[1] ? set.delete(i) : set.add(i);
  }
  return [...set].sort((x, y) => x - y);
}

/** Format CPU numbers as libvirt's bitmap formatter does ("0-3,5"). */
export function formatCpuset(cpus: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < cpus.length; i++) {
    let j = i;
    while (j + 1 < cpus.length && cpus[j + 1] === cpus[j] + 1) j++;
    parts.push(j > i ? `${cpus[i]}-${cpus[j]}` : `${cpus[i]}`);
    i = j;
  }
  return parts.join(",");
}

function pinsFrom(cputune: XmlElement | undefined): Record<number, number[]> {
  const pins: Record<number, number[]> = {};
  for (const p of cputune ? childrenNamed(cputune, "vcpupin") : []) {
    const cpus = parseCpuset(p.attrs.cpuset);
    if (cpus && p.attrs.vcpu !== undefined) pins[Number(p.attrs.vcpu)] = cpus;
  }
  return pins;
}

/** libvirt's order of the <cputune> children around the pinning it writes itself. */
const CPUTUNE_BEFORE_PINS = [
  "shares",
  "global_period",
  "global_quota",
  "period",
  "quota",
  "emulator_period",
  "emulator_quota",
  "iothread_period",
  "iothread_quota",
];

/** <cputune> as libvirt writes it, with the pinning the API may have changed. */
function cputuneElement(def: DomainDef): XmlElement | undefined {
  const src = def.extra.cputune;
  const kids = src ? elements(src) : [];
  const out: XmlElement[] = [];
  for (const tag of CPUTUNE_BEFORE_PINS) out.push(...kids.filter((k) => k.name === tag));
  for (const vcpu of Object.keys(def.vcpuPin).map(Number).sort((a, b) => a - b)) {
    out.push(el("vcpupin", { vcpu, cpuset: formatCpuset(def.vcpuPin[vcpu]) }));
  }
  if (def.emulatorPin) out.push(el("emulatorpin", { cpuset: formatCpuset(def.emulatorPin) }));
  out.push(
    ...kids.filter((k) =>
      !CPUTUNE_BEFORE_PINS.includes(k.name) && k.name !== "vcpupin" && k.name !== "emulatorpin"
    ),
  );
  return out.length ? { name: "cputune", attrs: {}, children: out } : undefined;
}

/** Deep copy, so live and persistent definitions can change independently. */
export function cloneDomainDef(def: DomainDef): DomainDef {
  return {
    ...def,
    uuid: new Uint8Array(def.uuid),
    metadata: def.metadata.map(cloneElement),
    maxMemory: def.maxMemory ? cloneElement(def.maxMemory) : undefined,
    vcpuPin: Object.fromEntries(Object.entries(def.vcpuPin).map(([k, v]) => [k, [...v]])),
    emulatorPin: def.emulatorPin ? [...def.emulatorPin] : undefined,
    os: cloneElement(def.os),
    extra: Object.fromEntries(Object.entries(def.extra).map(([k, v]) => [k, cloneElement(v)])),
    devices: def.devices.map(cloneElement),
    ns: { ...def.ns, snapshots: [...def.ns.snapshots] },
  };
}

/** The disks of a definition, with their target and source as libvirt's lookups see them. */
export function domainDisks(def: DomainDef): { target: string; source?: string; el: XmlElement }[] {
  return def.devices.filter((d) => d.name === "disk").map((d) => {
    const s = child(d, "source");
    return {
      target: child(d, "target")?.attrs.dev ?? "",
      source: s?.attrs.file ?? s?.attrs.dev ?? s?.attrs.dir ?? s?.attrs.name ?? s?.attrs.volume,
      el: d,
    };
  });
}

/** The network interfaces of a definition: type, MAC, target device name and source. */
export function domainInterfaces(
  def: DomainDef,
): { type: string; mac: string; ifname?: string; network?: string }[] {
  return def.devices.filter((d) => d.name === "interface").map((d) => ({
    type: d.attrs.type,
    mac: child(d, "mac")?.attrs.address ?? "",
    ifname: child(d, "target")?.attrs.dev,
    network: child(d, "source")?.attrs.network,
  }));
}

/** Put a device's children back in libvirt's order after a change (disks and interfaces). */
export function reorderDevice(d: XmlElement): void {
  const order = d.name === "disk"
    ? DISK_CHILD_ORDER
    : d.name === "interface"
    ? NET_CHILD_ORDER
    : [];
  if (order.length) d.children = reorder(d, order).children;
}

/** Whether the definition has a usable memory balloon. */
export function hasMemballoon(def: DomainDef): boolean {
  const b = def.devices.find((d) => d.name === "memballoon");
  return b !== undefined && b.attrs.model !== "none";
}
