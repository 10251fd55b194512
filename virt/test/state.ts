// The test driver's hypervisor state: node description, domains, networks, interfaces and
// pools, loaded from the built-in default node or from a test:///PATH.xml node file.

import {
  child,
  childText,
  elements,
  parseXml,
  type XmlElement,
  XmlSyntaxError,
} from "../xml/tree.ts";
import {
  cloneDomainDef,
  DefinitionError,
  type DomainDef,
  parseDomainElement,
} from "../xml/domain.ts";
import { type NetworkDef, parseNetworkElement } from "../xml/network.ts";
import { type InterfaceDef, parseInterfaceElement } from "../xml/iface.ts";
import { parsePoolElement, parseVolumeElement, type PoolDef, type VolumeDef } from "../xml/pool.ts";
import { uuidEqual } from "../xml/uuid.ts";
import { VirtError } from "../errors.ts";
import { From, operationFailed, operationInvalid, virtError } from "./errors.ts";
import { formatUuid } from "../xml/uuid.ts";
import { EventBus } from "./events.ts";

/** virDomainState values. */
export const State = {
  NOSTATE: 0,
  RUNNING: 1,
  BLOCKED: 2,
  PAUSED: 3,
  SHUTDOWN: 4,
  SHUTOFF: 5,
  CRASHED: 6,
  PMSUSPENDED: 7,
} as const;

/** The node's CPU and memory figures (virNodeInfo). */
export interface NodeInfo {
  model: string;
  memory: number;
  cpus: number;
  mhz: number;
  nodes: number;
  sockets: number;
  cores: number;
  threads: number;
}

/** One NUMA cell of the default node. */
export interface Cell {
  mem: number;
  freeMem: number;
  numCpus: number;
}

/** A domain and its runtime state (virDomainObj). */
export interface DomainObj {
  /** The running definition, or the only one when inactive. */
  def: DomainDef;
  /** The persistent definition while running, when it differs from `def`. */
  newDef?: DomainDef;
  state: number;
  reason: number;
  persistent: boolean;
  autostart: boolean;
  hasManagedSave: boolean;
  snapshots: XmlElement[];
  /** Guest time as set by domainSetTime. */
  seconds: bigint;
  nseconds: number;
}

/** A network and its state. */
export interface NetworkObj {
  def: NetworkDef;
  newDef?: NetworkDef;
  active: boolean;
  persistent: boolean;
  autostart: boolean;
}

/** A host interface and its state. */
export interface InterfaceObj {
  def: InterfaceDef;
  active: boolean;
}

/** A storage pool, its volumes and its state. */
export interface PoolObj {
  def: PoolDef;
  active: boolean;
  persistent: boolean;
  autostart: boolean;
  volumes: VolumeDef[];
}

const DEFAULT_NODE_INFO: NodeInfo = {
  model: "i686",
  memory: 3 * 1024 * 1024,
  cpus: 16,
  mhz: 1400,
  nodes: 2,
  sockets: 2,
  cores: 2,
  threads: 2,
};

/** What test:///default holds at start (the <node> libvirt's test driver builds in). */
export const DEFAULT_NODE_XML = `<node>
<domain type='test'>
  <name>test</name>
  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
  <memory>8388608</memory>
  <currentMemory>2097152</currentMemory>
  <vcpu>2</vcpu>
  <os>
    <type>hvm</type>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <source file='/guest/diskimage1'/>
      <target dev='vda' bus='virtio'/>
      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
    </disk>
    <interface type='network'>
      <mac address='aa:bb:cc:dd:ee:ff'/>
      <source network='default' bridge='virbr0'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x1' function='0x0'/>
    </interface>
    <memballoon model='virtio'>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x2' function='0x0'/>
    </memballoon>
  </devices>
</domain>
<network>
  <name>default</name>
  <uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid>
  <bridge name='virbr0'/>
  <forward/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.122.2' end='192.168.122.254'/>
    </dhcp>
  </ip>
</network>
<interface type="ethernet" name="eth1">
  <start mode="onboot"/>
  <mac address="aa:bb:cc:dd:ee:ff"/>
  <mtu size="1492"/>
  <protocol family="ipv4">
    <ip address="192.168.0.5" prefix="24"/>
    <route gateway="192.168.0.1"/>
  </protocol>
</interface>
<pool type='dir'>
  <name>default-pool</name>
  <uuid>dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566</uuid>
  <target>
    <path>/default-pool</path>
  </target>
</pool>
</node>`;

/** Capacity the test driver gives every pool: 100 GiB. */
export const DEFAULT_POOL_CAPACITY = 100n * 1024n * 1024n * 1024n;

/** Turn a definition problem into the VirtError libvirt reports. */
export function definitionToVirtError(e: unknown, from: number = From.DOMAIN): unknown {
  if (e instanceof DefinitionError) {
    return new VirtError({ code: e.code, domain: e.from, message: e.message });
  }
  if (e instanceof XmlSyntaxError) {
    return new VirtError({ code: 35, domain: from, message: e.message });
  }
  return e;
}

/** One hypervisor: all that a test:/// connection sees. */
export class TestState {
  nodeInfo: NodeInfo = { ...DEFAULT_NODE_INFO };
  cells: Cell[] = [];
  nextDomId = 1;
  domains: DomainObj[] = [];
  networks: NetworkObj[] = [];
  interfaces: InterfaceObj[] = [];
  pools: PoolObj[] = [];
  /** Open connections sharing this state (test:///default only). */
  refs = 0;
  /** Backup of the interfaces while an interface transaction runs. */
  ifaceBackup?: InterfaceObj[];
  /** Lifecycle events for the connections that registered callbacks. */
  readonly events = new EventBus();

  /** The state of test:///default. */
  static createDefault(): TestState {
    const s = new TestState();
    for (let i = 0; i < 2; i++) {
      s.cells.push({ mem: (i + 1) * 2048 * 1024, freeMem: (i + 1) * 1024 * 1024, numCpus: 8 });
    }
    s.loadNode(parseXml(DEFAULT_NODE_XML, "(test driver)"), undefined);
    return s;
  }

  /** The state described by a node file (test:///PATH.xml). */
  static async fromFile(path: string): Promise<TestState> {
    let body: string;
    try {
      body = await Deno.readTextFile(path);
    } catch {
      throw fileError(path);
    }
    const s = new TestState();
    try {
      s.loadNode(parseXml(body, path), path);
    } catch (e) {
      throw definitionToVirtError(e);
    }
    return s;
  }

  private loadNode(root: XmlElement, file: string | undefined): void {
    if (root.name !== "node") {
      throw virtError(27, `expecting root element of 'node', not '${root.name}'`, From.XML);
    }
    this.parseNodeInfo(root);
    const resolve = (e: XmlElement): XmlElement => {
      const rel = e.attrs.file;
      if (rel === undefined || file === undefined) return e;
      const abs = rel.startsWith("/") ? rel : `${file.slice(0, file.lastIndexOf("/"))}/${rel}`;
      let body: string;
      try {
        body = Deno.readTextFileSync(abs);
      } catch {
        throw fileError(abs);
      }
      return parseXml(body, abs);
    };
    for (const d of elements(root).filter((e) => e.name === "domain")) {
      const def = parseDomainElement(resolve(d));
      const obj = this.addDomain(def, false);
      obj.persistent = !def.ns.transient;
      obj.hasManagedSave = def.ns.hasManagedSave;
      obj.snapshots = def.ns.snapshots;
      if (def.ns.runstate !== State.SHUTOFF) this.startDomain(obj, 1);
      else this.stopDomain(obj, 0);
      obj.state = def.ns.runstate;
      obj.reason = 0;
    }
    for (const n of elements(root).filter((e) => e.name === "network")) {
      const def = parseNetworkElement(resolve(n));
      this.addNetwork(def, false).active = true;
    }
    for (const i of elements(root).filter((e) => e.name === "interface")) {
      const def = parseInterfaceElement(resolve(i));
      if (this.interfaces.some((o) => o.def.name === def.name)) {
        this.interfaces = this.interfaces.filter((o) => o.def.name !== def.name);
      }
      this.interfaces.push({ def, active: true });
    }
    for (const p of elements(root).filter((e) => e.name === "pool")) {
      const def = parsePoolElement(resolve(p));
      if (this.pools.some((o) => o.def.name === def.name)) {
        throw operationFailed(`pool '${def.name}' already exists`, From.STORAGE);
      }
      const obj: PoolObj = { def, active: true, persistent: true, autostart: false, volumes: [] };
      setPoolDefaults(obj);
      for (const v of elements(p).filter((e) => e.name === "volume")) {
        const vol = parseVolumeElement(resolve(v), def);
        obj.volumes.push(vol);
        def.allocation += vol.allocation;
        def.available = def.capacity - def.allocation;
      }
      this.pools.push(obj);
    }
  }

  private parseNodeInfo(root: XmlElement): void {
    const cpu = child(root, "cpu");
    const num = (e: XmlElement | undefined, tag: string, what: string): number | undefined => {
      const t = e ? childText(e, tag) : undefined;
      if (t === undefined) return undefined;
      const v = t.trim();
      if (!/^-?\d+$/.test(v)) throw virtError(27, `invalid node ${what} value`, From.TEST);
      return Number(v);
    };
    const ni = this.nodeInfo;
    ni.nodes = num(cpu, "nodes", "cpu nodes") ?? ni.nodes;
    ni.sockets = num(cpu, "sockets", "cpu sockets") ?? ni.sockets;
    ni.cores = num(cpu, "cores", "cpu cores") ?? ni.cores;
    ni.threads = num(cpu, "threads", "cpu threads") ?? ni.threads;
    ni.cpus = ni.cores * ni.threads * ni.sockets * ni.nodes;
    const active = num(cpu, "active", "cpu active");
    if (active !== undefined && active < ni.cpus) ni.cpus = active;
    ni.mhz = num(cpu, "mhz", "cpu mhz") ?? ni.mhz;
    const model = cpu ? childText(cpu, "model") : undefined;
    if (model !== undefined) ni.model = model;
    ni.memory = num(root, "memory", "memory") ?? ni.memory;
  }

  /** Find a domain by UUID. */
  domainByUuid(uuid: Uint8Array): DomainObj | undefined {
    return this.domains.find((d) => uuidEqual(d.def.uuid, uuid));
  }

  /** Find a domain by name. */
  domainByName(name: string): DomainObj | undefined {
    return this.domains.find((d) => d.def.name === name);
  }

  /**
   * Add or replace a domain as virDomainObjListAdd does. `live` is set for create/restore, where
   * a running domain of the same UUID is refused.
   */
  addDomain(def: DomainDef, live: boolean): DomainObj {
    const same = this.domainByUuid(def.uuid);
    if (same) {
      if (same.def.name !== def.name) {
        throw operationFailed(
          `domain '${same.def.name}' is already defined with uuid ${formatUuid(def.uuid)}`,
          From.DOMAIN,
        );
      }
      if (live) {
        if (same.def.id !== -1) {
          throw operationInvalid(`domain '${same.def.name}' is already active`, From.DOMAIN);
        }
        if (!same.persistent) {
          throw operationInvalid(`domain '${same.def.name}' is already being started`, From.DOMAIN);
        }
      }
      if (same.def.id !== -1) {
        same.newDef = def;
      } else if (live) {
        if (!same.newDef) same.newDef = same.def;
        same.def = def;
      } else {
        same.def = def;
      }
      return same;
    }
    const byName = this.domainByName(def.name);
    if (byName) {
      throw operationFailed(
        `domain '${def.name}' already exists with uuid ${formatUuid(byName.def.uuid)}`,
        From.DOMAIN,
      );
    }
    const obj: DomainObj = {
      def,
      state: State.SHUTOFF,
      reason: 0,
      persistent: false,
      autostart: false,
      hasManagedSave: false,
      snapshots: [],
      seconds: 627319920n,
      nseconds: 0,
    };
    this.domains.push(obj);
    return obj;
  }

  /** Remove a domain from the list. */
  removeDomain(obj: DomainObj): void {
    this.domains = this.domains.filter((d) => d !== obj);
  }

  /** Mark a domain running with a fresh ID, keeping its persistent definition aside. */
  startDomain(obj: DomainObj, reason: number): void {
    obj.state = State.RUNNING;
    obj.reason = reason;
    obj.def.id = this.nextDomId++;
    if (obj.persistent && !obj.newDef) {
      obj.newDef = cloneDomainDef(obj.def);
      obj.newDef.id = -1;
    }
    obj.hasManagedSave = false;
  }

  /** Mark a domain shut off, returning to its persistent definition. */
  stopDomain(obj: DomainObj, reason: number): void {
    // Only a persistent definition goes back to id -1; a transient domain keeps its id until
    // it is dropped, and its stop event carries that id, as in libvirt.
    if (obj.newDef) {
      obj.def = obj.newDef;
      obj.newDef = undefined;
      obj.def.id = -1;
    } else if (obj.persistent) obj.def.id = -1;
    obj.state = State.SHUTOFF;
    obj.reason = reason;
  }

  /** Add or replace a network as virNetworkObjAssignDef does. */
  addNetwork(def: NetworkDef, live: boolean): NetworkObj {
    const same = this.networks.find((n) => uuidEqual(n.def.uuid, def.uuid));
    if (same) {
      if (same.def.name !== def.name) {
        throw operationFailed(
          `network '${same.def.name}' is already defined with uuid ${formatUuid(def.uuid)}`,
          From.NETWORK,
        );
      }
      if (live && same.active) {
        throw operationInvalid(`network is already active as '${same.def.name}'`, From.NETWORK);
      }
      if (same.active && !live) same.newDef = def;
      else same.def = def;
      if (!live) same.persistent = true;
      return same;
    }
    const byName = this.networks.find((n) => n.def.name === def.name);
    if (byName) {
      throw operationFailed(
        `network '${def.name}' already exists with uuid ${formatUuid(byName.def.uuid)}`,
        From.NETWORK,
      );
    }
    const obj: NetworkObj = { def, active: false, persistent: !live, autostart: false };
    this.networks.push(obj);
    return obj;
  }
}

function setPoolDefaults(obj: PoolObj): void {
  obj.def.capacity = DEFAULT_POOL_CAPACITY;
  obj.def.allocation = 0n;
  obj.def.available = DEFAULT_POOL_CAPACITY;
}

function fileError(path: string): VirtError {
  return virtError(27, `failed to parse xml document '${path}'`, From.XML);
}
