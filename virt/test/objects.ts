// Network, host interface and storage procedures of the embedded test driver.

import { ErrorCode } from "../errors.ts";
import type {
  RemoteInterface,
  RemoteNetwork,
  RemoteStoragePool,
  RemoteStorageVol,
} from "../remote/protocol.ts";
import { formatInterfaceXml } from "../xml/iface.ts";
import { formatNetworkXml, parseNetworkXml } from "../xml/network.ts";
import { formatPoolXml, formatVolumeXml, type VolumeDef } from "../xml/pool.ts";
import { formatUuid, uuidEqual } from "../xml/uuid.ts";
import { checkFlags, From, internalError, operationInvalid, virtError } from "./errors.ts";
import { definitionToVirtError, type NetworkObj, type PoolObj, type TestState } from "./state.ts";

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
    return { net: netRef(this.s.addNetwork(this.parse(a.xml), false)) };
  }

  defineXmlFlags(a: Args) {
    checkFlags(a.flags, 1, "testNetworkDefineXMLFlags");
    return this.defineXml(a);
  }

  createXml(a: Args) {
    const n = this.s.addNetwork(this.parse(a.xml), true);
    n.active = true;
    return { net: netRef(n) };
  }

  undefine(a: Args) {
    const n = this.byName(a.net.name);
    if (n.active) {
      throw operationInvalid(`Network '${a.net.name}' is still running`, From.TEST);
    }
    this.s.networks = this.s.networks.filter((x) => x !== n);
  }

  create(a: Args) {
    const n = this.byName(a.net.name);
    if (n.active) {
      throw operationInvalid(`Network '${a.net.name}' is already running`, From.TEST);
    }
    n.active = true;
  }

  destroy(a: Args) {
    const n = this.byName(a.net.name);
    n.active = false;
    if (n.newDef) {
      n.def = n.newDef;
      n.newDef = undefined;
    }
    if (!n.persistent) this.s.networks = this.s.networks.filter((x) => x !== n);
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
    const found = this.s.interfaces.filter((i) => i.def.mac?.toLowerCase() === mac);
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
    if (!p.active) {
      throw operationInvalid(`storage pool '${ref.name}' is not active`, From.STORAGE);
    }
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
    checkFlags(a.flags, 1, "testStoragePoolGetXMLDesc");
    return { xml: formatPoolXml(this.byName(a.pool.name).def) };
  }

  getAutostart(a: Args) {
    return { autostart: this.byName(a.pool.name).autostart ? 1 : 0 };
  }

  setAutostart(a: Args) {
    this.byName(a.pool.name).autostart = a.autostart !== 0;
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
    const p = this.active(a.pool);
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
        From.STORAGE,
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
      From.STORAGE,
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
      From.STORAGE,
    );
  }

  volGetInfo(a: Args) {
    const { v } = this.vol(a.vol);
    return { type: 0, capacity: v.capacity, allocation: v.allocation };
  }

  volGetXmlDesc(a: Args) {
    checkFlags(a.flags, 0, "testStorageVolGetXMLDesc");
    const { p, v } = this.vol(a.vol);
    return { xml: formatVolumeXml(v, p.def) };
  }

  volGetPath(a: Args) {
    return { name: this.vol(a.vol).v.path };
  }
}
