// Network, host interface and storage procedures of the embedded test driver.

import { ErrorCode } from "../errors.ts";
import type {
  RemoteInterface,
  RemoteNetwork,
  RemoteStoragePool,
  RemoteStorageVol,
} from "../remote/protocol.ts";
import { formatInterfaceXml, parseInterfaceXml } from "../xml/iface.ts";
import { formatNetworkXml, parseNetworkXml } from "../xml/network.ts";
import {
  formatPoolXml,
  formatVolumeXml,
  parsePoolXml,
  parseVolumeElement,
  type PoolDef,
  type VolumeDef,
} from "../xml/pool.ts";
import { parseXml } from "../xml/tree.ts";
import { updateNetworkDef } from "./netupdate.ts";
import { formatUuid, uuidEqual } from "../xml/uuid.ts";
import {
  checkFlags,
  From,
  internalError,
  invalidArg,
  operationFailed,
  operationInvalid,
  virtError,
} from "./errors.ts";
import {
  DEFAULT_POOL_CAPACITY,
  definitionToVirtError,
  type NetworkObj,
  type PoolObj,
  type TestState,
} from "./state.ts";

// deno-lint-ignore no-explicit-any
type Args = any;

function netRef(n: NetworkObj): RemoteNetwork {
  return { name: n.def.name, uuid: n.def.uuid };
}

function poolRef(p: PoolObj): RemoteStoragePool {
  return { name: p.def.name, uuid: p.def.uuid };
}

function volRef(p: PoolObj, v: VolumeDef): RemoteStorageVol {
  return { pool: p.def.name, name: v.name, key: v.key };
}

/** virStorageVolType of the volumes a pool type holds: file, block or network. */
function volumeType(poolType: string): number {
  if (["dir", "fs", "netfs", "vstorage"].includes(poolType)) return 0;
  if (["sheepdog", "iscsi-direct", "gluster", "rbd"].includes(poolType)) return 3;
  return 1;
}

/** Network procedures. */
export class NetworkProcs {
  constructor(private readonly s: TestState) {}

  private byName(name: string): NetworkObj {
    const n = this.s.networks.find((x) => x.def.name === name);
    if (!n) {
      throw virtError(ErrorCode.NO_NETWORK, `no network with matching name '${name}'`, From.TEST);
    }
    return n;
  }

  private byUuid(uuid: Uint8Array): NetworkObj {
    const n = this.s.networks.find((x) => uuidEqual(x.def.uuid, uuid));
    if (!n) {
      throw virtError(
        ErrorCode.NO_NETWORK,
        `no network with matching uuid '${formatUuid(uuid)}'`,
        From.TEST,
      );
    }
    return n;
  }

  lookupByName(a: Args) {
    return { net: netRef(this.byName(a.name)) };
  }

  lookupByUuid(a: Args) {
    return { net: netRef(this.byUuid(a.uuid)) };
  }

  listAll(a: Args) {
    checkFlags(a.flags, 0x3f, "testConnectListAllNetworks");
    const f = a.flags >>> 0;
    const pick = (on: number, off: number, has: boolean) =>
      !(f & (on | off)) || (has ? (f & on) !== 0 : (f & off) !== 0);
    const out = this.s.networks.filter((n) =>
      pick(2, 1, n.active) && pick(4, 8, n.persistent) && pick(16, 32, n.autostart)
    );
    return { nets: a.need_results ? out.map(netRef) : [], ret: out.length };
  }

  numOf(active: boolean) {
    return { num: this.s.networks.filter((n) => n.active === active).length };
  }

  list(active: boolean, a: Args) {
    const names = this.s.networks.filter((n) => n.active === active).map((n) => n.def.name);
    return { names: names.slice(0, Math.max(0, a.maxnames)) };
  }

  getXmlDesc(a: Args) {
    checkFlags(a.flags, 0, "testNetworkGetXMLDesc");
    return { xml: formatNetworkXml(this.byName(a.net.name).def) };
  }

  private parse(xml: string) {
    try {
      return parseNetworkXml(xml);
    } catch (e) {
      throw definitionToVirtError(e, From.NETWORK);
    }
  }

  defineXml(a: Args) {
    const n = this.s.addNetwork(this.parse(a.xml), false);
    this.s.events.networkLifecycle(netRef(n), 0);
    return { net: netRef(n) };
  }

  defineXmlFlags(a: Args) {
    checkFlags(a.flags, 1, "testNetworkDefineXMLFlags");
    return this.defineXml(a);
  }

  createXml(a: Args) {
    const n = this.s.addNetwork(this.parse(a.xml), true);
    n.active = true;
    this.s.events.networkLifecycle(netRef(n), 2);
    return { net: netRef(n) };
  }

  undefine(a: Args) {
    const n = this.byName(a.net.name);
    if (n.active) {
      throw operationInvalid(`Network '${a.net.name}' is still running`, From.TEST);
    }
    this.s.events.networkLifecycle(netRef(n), 1);
    this.s.networks = this.s.networks.filter((x) => x !== n);
  }

  create(a: Args) {
    const n = this.byName(a.net.name);
    if (n.active) {
      throw operationInvalid(`Network '${a.net.name}' is already running`, From.TEST);
    }
    n.active = true;
    this.s.events.networkLifecycle(netRef(n), 2);
  }

  destroy(a: Args) {
    const n = this.byName(a.net.name);
    // libvirt's test driver keeps the running definition as the network's definition.
    n.active = false;
    this.s.events.networkLifecycle(netRef(n), 3);
    if (!n.persistent) this.s.networks = this.s.networks.filter((x) => x !== n);
  }

  update(a: Args) {
    checkFlags(a.flags, 1 | 2, "testNetworkUpdate");
    const n = this.byUuid(a.net.uuid);
    let flags = a.flags;
    if ((flags & 3) === 0) flags |= n.active ? 1 : 2;
    if ((flags & 1) && !n.active) throw operationInvalid("network is not running", From.NETWORK);
    if ((flags & 2) && !n.persistent) {
      throw operationInvalid(
        "cannot change persistent config of a transient network",
        From.NETWORK,
      );
    }
    const targets = new Set([
      ...(flags & 1 ? [n.def] : []),
      ...(flags & 2 ? [n.newDef ?? n.def] : []),
    ]);
    for (const def of targets) updateNetworkDef(def, a.command, a.section, a.parentIndex, a.xml);
  }

  getBridgeName(a: Args) {
    const n = this.byName(a.net.name);
    if (!n.def.bridge) {
      throw internalError(`network '${n.def.name}' does not have a bridge name.`);
    }
    return { name: n.def.bridge };
  }

  getAutostart(a: Args) {
    return { autostart: this.byName(a.net.name).autostart ? 1 : 0 };
  }

  setAutostart(a: Args) {
    this.byName(a.net.name).autostart = a.autostart !== 0;
  }

  isActive(a: Args) {
    return { active: this.byUuid(a.net.uuid).active ? 1 : 0 };
  }

  isPersistent(a: Args) {
    return { persistent: this.byUuid(a.net.uuid).persistent ? 1 : 0 };
  }
}

/** Host interface procedures. */
export class InterfaceProcs {
  constructor(private readonly s: TestState) {}

  private byName(name: string) {
    const i = this.s.interfaces.find((x) => x.def.name === name);
    if (!i) {
      throw virtError(
        ErrorCode.NO_INTERFACE,
        `no interface with matching name '${name}'`,
        From.TEST,
      );
    }
    return i;
  }

  private ref(i: { def: { name: string; mac?: string } }): RemoteInterface {
    return { name: i.def.name, mac: i.def.mac ?? "" };
  }

  lookupByName(a: Args) {
    return { iface: this.ref(this.byName(a.name)) };
  }

  lookupByMacString(a: Args) {
    const mac = String(a.mac).toLowerCase();
    // libvirt compares with g_ascii_strcasecmp, which calls a missing MAC equal to any MAC.
    const found = this.s.interfaces.filter((i) =>
      i.def.mac === undefined || i.def.mac.toLowerCase() === mac
    );
    if (found.length === 0) {
      throw virtError(ErrorCode.NO_INTERFACE, `no interface with matching mac '${a.mac}'`);
    }
    if (found.length > 1) throw virtError(ErrorCode.MULTIPLE_INTERFACES, null);
    return { iface: this.ref(found[0]) };
  }

  listAll(a: Args) {
    checkFlags(a.flags, 3, "testConnectListAllInterfaces");
    const f = a.flags >>> 0;
    const out = this.s.interfaces.filter((i) =>
      !(f & 3) || (i.active ? (f & 2) !== 0 : (f & 1) !== 0)
    );
    return { ifaces: a.need_results ? out.map((i) => this.ref(i)) : [], ret: out.length };
  }

  numOf(active: boolean) {
    return { num: this.s.interfaces.filter((i) => i.active === active).length };
  }

  list(active: boolean, a: Args) {
    const names = this.s.interfaces.filter((i) => i.active === active).map((i) => i.def.name);
    return { names: names.slice(0, Math.max(0, a.maxnames)) };
  }

  getXmlDesc(a: Args) {
    checkFlags(a.flags, 0, "testInterfaceGetXMLDesc");
    return { xml: formatInterfaceXml(this.byName(a.iface.name).def) };
  }

  isActive(a: Args) {
    return { active: this.byName(a.iface.name).active ? 1 : 0 };
  }

  defineXml(a: Args) {
    checkFlags(a.flags, 1, "testInterfaceDefineXML");
    let def;
    try {
      def = parseInterfaceXml(a.xml);
    } catch (e) {
      throw definitionToVirtError(e, From.INTERFACE);
    }
    const same = this.s.interfaces.find((i) => i.def.name === def.name);
    if (same) same.def = def;
    else this.s.interfaces.push({ def, active: false });
    return { iface: this.ref({ def }) };
  }

  undefine(a: Args) {
    const i = this.byName(a.iface.name);
    this.s.interfaces = this.s.interfaces.filter((x) => x !== i);
  }

  create(a: Args) {
    checkFlags(a.flags, 0, "testInterfaceCreate");
    const i = this.byName(a.iface.name);
    if (i.active) throw virtError(ErrorCode.OPERATION_INVALID, null);
    i.active = true;
  }

  destroy(a: Args) {
    checkFlags(a.flags, 0, "testInterfaceDestroy");
    const i = this.byName(a.iface.name);
    if (!i.active) throw virtError(ErrorCode.OPERATION_INVALID, null);
    i.active = false;
  }

  changeBegin(a: Args) {
    checkFlags(a.flags, 0, "testInterfaceChangeBegin");
    if (this.s.ifaceBackup) throw operationInvalid("there is another transaction running.");
    this.s.ifaceBackup = this.s.interfaces.map((i) => ({ ...i }));
  }

  changeCommit(a: Args) {
    checkFlags(a.flags, 0, "testInterfaceChangeCommit");
    if (!this.s.ifaceBackup) {
      throw operationInvalid("no transaction running, nothing to be committed.");
    }
    this.s.ifaceBackup = undefined;
  }

  changeRollback(a: Args) {
    checkFlags(a.flags, 0, "testInterfaceChangeRollback");
    if (!this.s.ifaceBackup) throw operationInvalid("no transaction running, nothing to rollback.");
    // libvirt's copy of the list keeps the definitions but not their running state.
    this.s.interfaces = this.s.ifaceBackup.map((i) => ({ ...i, active: false }));
    this.s.ifaceBackup = undefined;
  }
}

/** Storage pool and volume procedures. */
export class StorageProcs {
  constructor(private readonly s: TestState) {}

  private byName(name: string): PoolObj {
    const p = this.s.pools.find((x) => x.def.name === name);
    if (!p) {
      throw virtError(
        ErrorCode.NO_STORAGE_POOL,
        `no storage pool with matching name '${name}'`,
        From.TEST,
      );
    }
    return p;
  }

  private byUuid(uuid: Uint8Array): PoolObj {
    const p = this.s.pools.find((x) => uuidEqual(x.def.uuid, uuid));
    if (!p) {
      throw virtError(
        ErrorCode.NO_STORAGE_POOL,
        `no storage pool with matching uuid '${formatUuid(uuid)}'`,
        From.TEST,
      );
    }
    return p;
  }

  private active(ref: RemoteStoragePool): PoolObj {
    const p = this.byName(ref.name);
    if (!p.active) throw operationInvalid(`storage pool '${ref.name}' is not active`);
    return p;
  }

  lookupByName(a: Args) {
    return { pool: poolRef(this.byName(a.name)) };
  }

  lookupByUuid(a: Args) {
    return { pool: poolRef(this.byUuid(a.uuid)) };
  }

  lookupByVolume(a: Args) {
    return { pool: poolRef(this.byName(a.vol.pool)) };
  }

  listAll(a: Args) {
    checkFlags(a.flags, 0xfffff, "testConnectListAllStoragePools");
    const f = a.flags >>> 0;
    const pick = (on: number, off: number, has: boolean) =>
      !(f & (on | off)) || (has ? (f & on) !== 0 : (f & off) !== 0);
    const types = [
      "dir",
      "fs",
      "netfs",
      "logical",
      "disk",
      "iscsi",
      "scsi",
      "mpath",
      "rbd",
      "sheepdog",
      "gluster",
      "zfs",
      "vstorage",
      "iscsi-direct",
    ];
    const typeMask = f >>> 6;
    const out = this.s.pools.filter((p) =>
      pick(2, 1, p.active) && pick(4, 8, p.persistent) && pick(16, 32, p.autostart) &&
      (!typeMask || (typeMask & (1 << types.indexOf(p.def.type))) !== 0)
    );
    return { pools: a.need_results ? out.map(poolRef) : [], ret: out.length };
  }

  numOf(active: boolean) {
    return { num: this.s.pools.filter((p) => p.active === active).length };
  }

  list(active: boolean, a: Args) {
    const names = this.s.pools.filter((p) => p.active === active).map((p) => p.def.name);
    return { names: names.slice(0, Math.max(0, a.maxnames)) };
  }

  getInfo(a: Args) {
    const p = this.byName(a.pool.name);
    return {
      state: p.active ? 2 : 0,
      capacity: p.def.capacity,
      allocation: p.def.allocation,
      available: p.def.available,
    };
  }

  getXmlDesc(a: Args) {
    checkFlags(a.flags, 0, "testStoragePoolGetXMLDesc");
    return { xml: formatPoolXml(this.byName(a.pool.name).def) };
  }

  getAutostart(a: Args) {
    const p = this.byName(a.pool.name);
    return { autostart: p.persistent && p.autostart ? 1 : 0 };
  }

  setAutostart(a: Args) {
    const p = this.byName(a.pool.name);
    if (!p.persistent) throw invalidArg("pool has no config file");
    p.autostart = a.autostart !== 0;
  }

  private inactive(ref: RemoteStoragePool): PoolObj {
    const p = this.byName(ref.name);
    if (p.active) throw operationInvalid(`storage pool '${ref.name}' is active`);
    return p;
  }

  private parsePool(xml: string): PoolDef {
    try {
      return parsePoolXml(xml);
    } catch (e) {
      throw definitionToVirtError(e, From.STORAGE);
    }
  }

  /** virStoragePoolObjListAdd: replace a pool of the same UUID or add a new one. */
  private addPool(def: PoolDef, checkLive: boolean): PoolObj {
    def.capacity = DEFAULT_POOL_CAPACITY;
    def.allocation = 0n;
    def.available = DEFAULT_POOL_CAPACITY;
    const clash = this.s.pools.find((p) =>
      p.def.name !== def.name && p.def.type === def.type && def.targetPath !== undefined &&
      p.def.targetPath === def.targetPath
    );
    if (clash) {
      throw operationFailed(`Storage source conflict with pool: '${clash.def.name}'`, From.STORAGE);
    }
    const same = this.s.pools.find((p) => uuidEqual(p.def.uuid, def.uuid));
    if (same) {
      if (same.def.name !== def.name) {
        throw operationFailed(
          `pool '${same.def.name}' is already defined with uuid ${formatUuid(def.uuid)}`,
          From.STORAGE,
        );
      }
      if (checkLive && same.active) {
        throw operationInvalid(`pool is already active as '${same.def.name}'`, From.STORAGE);
      }
      // libvirt keeps a running pool's definition (the test driver never applies the new one).
      if (!same.active) same.def = def;
      return same;
    }
    const byName = this.s.pools.find((p) => p.def.name === def.name);
    if (byName) {
      throw operationFailed(
        `pool '${def.name}' already exists with uuid ${formatUuid(byName.def.uuid)}`,
        From.STORAGE,
      );
    }
    const obj: PoolObj = { def, active: false, persistent: true, autostart: false, volumes: [] };
    this.s.pools.push(obj);
    return obj;
  }

  defineXml(a: Args) {
    checkFlags(a.flags, 1, "testStoragePoolDefineXML");
    const p = this.addPool(this.parsePool(a.xml), false);
    this.s.events.poolLifecycle(poolRef(p), 0);
    return { pool: poolRef(p) };
  }

  createXml(a: Args) {
    checkFlags(a.flags, 0, "testStoragePoolCreateXML");
    const p = this.addPool(this.parsePool(a.xml), true);
    p.persistent = false;
    p.active = true;
    this.s.events.poolLifecycle(poolRef(p), 2);
    return { pool: poolRef(p) };
  }

  create(a: Args) {
    checkFlags(a.flags, 0, "testStoragePoolCreate");
    const p = this.inactive(a.pool);
    p.active = true;
    this.s.events.poolLifecycle(poolRef(p), 2);
  }

  build(a: Args) {
    checkFlags(a.flags, 0, "testStoragePoolBuild");
    this.s.events.poolLifecycle(poolRef(this.inactive(a.pool)), 4);
  }

  undefine(a: Args) {
    const p = this.inactive(a.pool);
    this.s.events.poolLifecycle(poolRef(p), 1);
    this.s.pools = this.s.pools.filter((x) => x !== p);
  }

  destroy(a: Args) {
    const p = this.active(a.pool);
    p.active = false;
    this.s.events.poolLifecycle(poolRef(p), 3);
    if (!p.persistent) this.s.pools = this.s.pools.filter((x) => x !== p);
  }

  delete(a: Args) {
    checkFlags(a.flags, 0, "testStoragePoolDelete");
    this.s.events.poolLifecycle(poolRef(this.inactive(a.pool)), 5);
  }

  refresh(a: Args) {
    checkFlags(a.flags, 0, "testStoragePoolRefresh");
    this.s.events.poolRefresh(poolRef(this.active(a.pool)));
  }

  private parseVolume(p: PoolObj, xml: string): VolumeDef {
    let v: VolumeDef;
    try {
      v = parseVolumeElement(parseXml(xml, "(storage_volume_definition)"), p.def);
    } catch (e) {
      throw definitionToVirtError(e, From.STORAGE);
    }
    if (p.volumes.some((x) => x.name === v.name)) {
      throw operationFailed("storage vol already exists");
    }
    if (p.def.allocation + v.allocation > p.def.capacity) {
      throw internalError(`Not enough free space in pool for volume '${v.name}'`);
    }
    v.path = `${p.def.targetPath}/${v.name}`;
    v.key = v.path;
    return v;
  }

  private addVolume(p: PoolObj, v: VolumeDef) {
    p.volumes.push(v);
    p.def.allocation += v.allocation;
    p.def.available = p.def.capacity - p.def.allocation;
    return { vol: volRef(p, v) };
  }

  volCreateXml(a: Args) {
    checkFlags(a.flags, 0, "testStorageVolCreateXML");
    const p = this.active(a.pool);
    return this.addVolume(p, this.parseVolume(p, a.xml));
  }

  volCreateXmlFrom(a: Args) {
    checkFlags(a.flags, 0, "testStorageVolCreateXMLFrom");
    const p = this.active(a.pool);
    const v = this.parseVolume(p, a.xml);
    if (!p.volumes.some((x) => x.name === a.clonevol.name)) {
      throw virtError(
        ErrorCode.NO_STORAGE_VOL,
        `no storage vol with matching name '${a.clonevol.name}'`,
      );
    }
    return this.addVolume(p, v);
  }

  volDelete(a: Args) {
    checkFlags(a.flags, 0, "testStorageVolDelete");
    const { p, v } = this.vol(a.vol);
    p.def.allocation -= v.allocation;
    p.def.available = p.def.capacity - p.def.allocation;
    p.volumes = p.volumes.filter((x) => x !== v);
  }

  isActive(a: Args) {
    return { active: this.byUuid(a.pool.uuid).active ? 1 : 0 };
  }

  isPersistent(a: Args) {
    return { persistent: this.byUuid(a.pool.uuid).persistent ? 1 : 0 };
  }

  numOfVolumes(a: Args) {
    return { num: this.active(a.pool).volumes.length };
  }

  listVolumes(a: Args) {
    const names = this.active(a.pool).volumes.map((v) => v.name);
    return { names: names.slice(0, Math.max(0, a.maxnames)) };
  }

  listAllVolumes(a: Args) {
    checkFlags(a.flags, 0, "testStoragePoolListAllVolumes");
    const p = this.byUuid(a.pool.uuid);
    if (!p.active) throw operationInvalid("storage pool is not active");
    return {
      vols: a.need_results ? p.volumes.map((v) => volRef(p, v)) : [],
      ret: p.volumes.length,
    };
  }

  private vol(ref: RemoteStorageVol): { p: PoolObj; v: VolumeDef } {
    const p = this.active({ name: ref.pool, uuid: new Uint8Array(16) });
    const v = p.volumes.find((x) => x.name === ref.name);
    if (!v) {
      throw virtError(
        ErrorCode.NO_STORAGE_VOL,
        `no storage vol with matching name '${ref.name}'`,
      );
    }
    return { p, v };
  }

  volLookupByName(a: Args) {
    const { p, v } = this.vol({ pool: a.pool.name, name: a.name, key: "" });
    return { vol: volRef(p, v) };
  }

  volLookupByKey(a: Args) {
    for (const p of this.s.pools) {
      const v = p.active ? p.volumes.find((x) => x.key === a.key) : undefined;
      if (v) return { vol: volRef(p, v) };
    }
    throw virtError(
      ErrorCode.NO_STORAGE_VOL,
      `no storage vol with matching key '${a.key}'`,
    );
  }

  volLookupByPath(a: Args) {
    for (const p of this.s.pools) {
      const v = p.active ? p.volumes.find((x) => x.path === a.path) : undefined;
      if (v) return { vol: volRef(p, v) };
    }
    throw virtError(
      ErrorCode.NO_STORAGE_VOL,
      `no storage vol with matching path '${a.path}'`,
    );
  }

  volGetInfo(a: Args) {
    const { p, v } = this.vol(a.vol);
    return { type: volumeType(p.def.type), capacity: v.capacity, allocation: v.allocation };
  }

  volGetXmlDesc(a: Args) {
    checkFlags(a.flags, 0, "testStorageVolGetXMLDesc");
    const { p, v } = this.vol(a.vol);
    return { xml: formatVolumeXml(v, p.def) };
  }

  volGetPath(a: Args) {
    return { name: this.vol(a.vol).v.path };
  }

  /** testConnectFindStoragePoolSources: canned answers for logical and netfs pools. */
  findSources(a: Args) {
    checkFlags(a.flags, 0, "testConnectFindStoragePoolSources");
    // libvirt tests the type's number for zero, so "dir" (type 0) counts as unknown.
    if (a.type === "dir") throw internalError(`unknown storage pool type ${a.type}`);
    let host: string | undefined;
    if (a.srcSpec !== null) {
      let root;
      try {
        root = parseXml(a.srcSpec, "(storage_source_specification)");
      } catch (e) {
        throw definitionToVirtError(e, From.STORAGE);
      }
      if (root.name !== "source") {
        throw virtError(
          ErrorCode.XML_ERROR,
          `expecting root element of 'source', not '${root.name}'`,
          From.STORAGE,
        );
      }
      const hostEl = root.children.find((c) => typeof c !== "string" && c.name === "host");
      if (typeof hostEl === "object") host = hostEl.attrs.name;
    }
    if (a.type === "logical") return { xml: LOGICAL_SOURCES };
    if (a.type === "netfs") {
      if (!host) throw invalidArg("hostname must be specified for netfs sources");
      return {
        xml: `<sources>\n  <source>\n    <host name='${host}'/>\n` +
          "    <dir path='/testshare'/>\n    <format type='nfs'/>\n  </source>\n</sources>\n",
      };
    }
    throw virtError(
      ErrorCode.NO_SUPPORT,
      `pool type '${a.type}' does not support source discovery`,
      From.STORAGE,
    );
  }
}

const LOGICAL_SOURCES =
  ["dev/sda20", "dev/sda21"].map((d, i) =>
    `  <source>\n    <device path='/${d}'/>\n    <name>testvg${i + 1}</name>\n` +
    "    <format type='lvm2'/>\n  </source>\n"
  ).reduce((all, s) => all + s, "<sources>\n") + "</sources>\n";
