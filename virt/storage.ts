// Storage pools and volumes on a Connection: flag sets, lookups by the strings users type, and
// the typed calls the storage commands make.

import type { Connection } from "./connection.ts";
import { uuidArgument } from "./network.ts";
import type { RemoteStoragePool, RemoteStorageVol } from "./remote/protocol.ts";

/** Pool and volume references as the protocol carries them. */
export type { RemoteStoragePool, RemoteStorageVol };

/** libvirt's virConnectListAllStoragePoolsFlags (the type bits follow, see POOL_TYPE_FLAGS). */
export const ListPools = {
  INACTIVE: 1 << 0,
  ACTIVE: 1 << 1,
  PERSISTENT: 1 << 2,
  TRANSIENT: 1 << 3,
  AUTOSTART: 1 << 4,
  NO_AUTOSTART: 1 << 5,
} as const;

// The listing flag of each pool type (iscsi-direct's came last although its type number is 6).
const POOL_TYPE_FLAG: Record<string, number> = {
  dir: 1 << 6,
  fs: 1 << 7,
  netfs: 1 << 8,
  logical: 1 << 9,
  disk: 1 << 10,
  iscsi: 1 << 11,
  scsi: 1 << 12,
  mpath: 1 << 13,
  rbd: 1 << 14,
  sheepdog: 1 << 15,
  gluster: 1 << 16,
  zfs: 1 << 17,
  vstorage: 1 << 18,
  "iscsi-direct": 1 << 19,
};

/** The listing flag selecting pools of `type`, or undefined for an unknown type. */
export function poolTypeFlag(type: string): number | undefined {
  return POOL_TYPE_FLAG[type];
}

/** virStoragePoolBuildFlags, shared by build, create and start. */
export const BuildFlags = { NEW: 0, REPAIR: 1, RESIZE: 2, NO_OVERWRITE: 4, OVERWRITE: 8 } as const;

/** virStoragePoolCreateFlags. */
export const CreateFlags = { WITH_BUILD: 1, WITH_BUILD_OVERWRITE: 2, WITH_BUILD_NO_OVERWRITE: 4 };

/** virStorageVolResizeFlags. */
export const ResizeFlags = { ALLOCATE: 1, DELTA: 2, SHRINK: 4 } as const;

/** virStorageVolWipeAlgorithm names, in number order. */
export const WIPE_ALGORITHMS = [
  "zero",
  "nnsa",
  "dod",
  "bsi",
  "gutmann",
  "schneier",
  "pfitzner7",
  "pfitzner33",
  "random",
  "trim",
] as const;

/** virStoragePoolState names as virsh prints them. */
export const POOL_STATES = ["inactive", "building", "running", "degraded", "inaccessible"];

/** virStorageVolType names as virsh prints them. */
export const VOL_TYPES = ["file", "block", "dir", "network", "netdir", "ploop"];

/** A pool's runtime figures (virStoragePoolGetInfo). */
export interface PoolInfo {
  state: number;
  capacity: bigint;
  allocation: bigint;
  available: bigint;
}

/** A volume's figures (virStorageVolGetInfo). */
export interface VolInfo {
  type: number;
  capacity: bigint;
  allocation: bigint;
}

/** The pool a name refers to. */
export async function poolByName(conn: Connection, name: string): Promise<RemoteStoragePool> {
  return (await conn.call("storagePoolLookupByName", { name })).pool;
}

/** The pool a UUID string refers to, parsed as libvirt's client library does. */
export async function poolByUuidString(
  conn: Connection,
  text: string,
): Promise<RemoteStoragePool> {
  const uuid = uuidArgument(text, "virStoragePoolLookupByUUIDString");
  return (await conn.call("storagePoolLookupByUuid", { uuid })).pool;
}

/** Pools matching `flags` (ListPools and pool type bits). */
export async function listPools(conn: Connection, flags: number): Promise<RemoteStoragePool[]> {
  return (await conn.call("connectListAllStoragePools", { need_results: 1, flags })).pools;
}

/** A pool's state and sizes. */
export async function poolInfo(conn: Connection, pool: RemoteStoragePool): Promise<PoolInfo> {
  return await conn.call("storagePoolGetInfo", { pool });
}

/** A pool's XML description (flags 1: the inactive definition). */
export async function poolXml(
  conn: Connection,
  pool: RemoteStoragePool,
  flags = 0,
): Promise<string> {
  return (await conn.call("storagePoolGetXmlDesc", { pool, flags })).xml;
}

/** Whether the pool is running. */
export async function poolIsActive(conn: Connection, pool: RemoteStoragePool): Promise<boolean> {
  return (await conn.call("storagePoolIsActive", { pool })).active === 1;
}

/** Whether the pool has a persistent definition. */
export async function poolIsPersistent(
  conn: Connection,
  pool: RemoteStoragePool,
): Promise<boolean> {
  return (await conn.call("storagePoolIsPersistent", { pool })).persistent === 1;
}

/** Whether the pool starts with the host. */
export async function poolAutostart(conn: Connection, pool: RemoteStoragePool): Promise<boolean> {
  return (await conn.call("storagePoolGetAutostart", { pool })).autostart !== 0;
}

/** The volumes of a pool. */
export async function listVolumes(
  conn: Connection,
  pool: RemoteStoragePool,
): Promise<RemoteStorageVol[]> {
  return (await conn.call("storagePoolListAllVolumes", { pool, need_results: 1, flags: 0 })).vols;
}

/** A volume by name within a pool. */
export async function volByName(
  conn: Connection,
  pool: RemoteStoragePool,
  name: string,
): Promise<RemoteStorageVol> {
  return (await conn.call("storageVolLookupByName", { pool, name })).vol;
}

/** A volume by key. */
export async function volByKey(conn: Connection, key: string): Promise<RemoteStorageVol> {
  return (await conn.call("storageVolLookupByKey", { key })).vol;
}

/** A volume by path. */
export async function volByPath(conn: Connection, path: string): Promise<RemoteStorageVol> {
  return (await conn.call("storageVolLookupByPath", { path })).vol;
}

/** The pool holding a volume. */
export async function volPool(conn: Connection, vol: RemoteStorageVol): Promise<RemoteStoragePool> {
  return (await conn.call("storagePoolLookupByVolume", { vol })).pool;
}

/** A volume's type and sizes; `flags` 1 asks for the physical size as allocation. */
export async function volInfo(
  conn: Connection,
  vol: RemoteStorageVol,
  flags?: number,
): Promise<VolInfo> {
  if (flags === undefined) return await conn.call("storageVolGetInfo", { vol });
  return await conn.call("storageVolGetInfoFlags", { vol, flags });
}

/** A volume's XML description. */
export async function volXml(conn: Connection, vol: RemoteStorageVol): Promise<string> {
  return (await conn.call("storageVolGetXmlDesc", { vol, flags: 0 })).xml;
}

/** A volume's path on the host. */
export async function volPath(conn: Connection, vol: RemoteStorageVol): Promise<string> {
  return (await conn.call("storageVolGetPath", { vol })).name;
}
