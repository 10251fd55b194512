// libvirt's remote program (REMOTE_PROGRAM) as data: limits, shared structures and one table of
// procedures with the XDR schema of their arguments and results. Facts from remote_protocol.x.

import {
  array,
  type Codec,
  double,
  fixedOpaque,
  hyper,
  type Infer,
  int,
  opaque,
  optional,
  string,
  struct,
  uhyper,
  uint,
  union,
  void_,
  XdrError,
} from "./xdr.ts";

export { void_ };

/** Program number of libvirt's remote protocol. */
export const REMOTE_PROGRAM = 0x20008086;
/** Version of the remote program. */
export const REMOTE_PROTOCOL_VERSION = 1;

/** Keepalive program ("keep" in ASCII): PING and PONG messages, both without payload. */
export const KEEPALIVE_PROGRAM = 0x6b656570;
/** Version of the keepalive program. */
export const KEEPALIVE_PROTOCOL_VERSION = 1;
/** Keepalive procedure numbers. */
export const KeepaliveProc = { PING: 1, PONG: 2 } as const;

// Framing limits of virnetprotocol.x.
/** Largest message, header and payload, not counting the 4-byte length word. */
export const VIR_NET_MESSAGE_MAX = 33554432;
/** Size of the serialised message header. */
export const VIR_NET_MESSAGE_HEADER_MAX = 24;
/** Largest payload. */
export const VIR_NET_MESSAGE_PAYLOAD_MAX = 33554408;
/** Size of the length word. */
export const VIR_NET_MESSAGE_LEN_MAX = 4;
/** Payload limit of daemons before the buffers grew; stream chunks stay below it. */
export const VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX = 262120;
/** Longest string in the framing layer's own structures (errors). */
export const VIR_NET_MESSAGE_STRING_MAX = 4194304;

// Limits of remote_protocol.x.
export const REMOTE_STRING_MAX = 4194304;
export const REMOTE_DOMAIN_LIST_MAX = 16384;
export const REMOTE_CPUMAP_MAX = 2048;
export const REMOTE_VCPUINFO_MAX = 16384;
export const REMOTE_CPUMAPS_MAX = 8388608;
export const REMOTE_IOTHREAD_INFO_MAX = 16384;
export const REMOTE_MIGRATE_COOKIE_MAX = 4194304;
export const REMOTE_NETWORK_LIST_MAX = 16384;
export const REMOTE_INTERFACE_LIST_MAX = 16384;
export const REMOTE_STORAGE_POOL_LIST_MAX = 4096;
export const REMOTE_STORAGE_VOL_LIST_MAX = 16384;
export const REMOTE_NODE_DEVICE_LIST_MAX = 16384;
export const REMOTE_NODE_DEVICE_CAPS_LIST_MAX = 65536;
export const REMOTE_NWFILTER_LIST_MAX = 1024;
export const REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX = 16;
export const REMOTE_DOMAIN_BLKIO_PARAMETERS_MAX = 16;
export const REMOTE_DOMAIN_MEMORY_PARAMETERS_MAX = 16;
export const REMOTE_DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX = 32;
export const REMOTE_DOMAIN_NUMA_PARAMETERS_MAX = 16;
export const REMOTE_DOMAIN_PERF_EVENTS_MAX = 64;
export const REMOTE_DOMAIN_BLOCK_COPY_PARAMETERS_MAX = 16;
export const REMOTE_NODE_CPU_STATS_MAX = 16;
export const REMOTE_NODE_MEMORY_STATS_MAX = 16;
export const REMOTE_DOMAIN_BLOCK_STATS_PARAMETERS_MAX = 16;
export const REMOTE_NODE_MAX_CELLS = 1024;
export const REMOTE_AUTH_SASL_DATA_MAX = 65536;
export const REMOTE_AUTH_TYPE_LIST_MAX = 20;
export const REMOTE_DOMAIN_MEMORY_STATS_MAX = 1024;
export const REMOTE_DOMAIN_SNAPSHOT_LIST_MAX = 1024;
export const REMOTE_DOMAIN_BLOCK_PEEK_BUFFER_MAX = 4194304;
export const REMOTE_DOMAIN_MEMORY_PEEK_BUFFER_MAX = 4194304;
export const REMOTE_SECURITY_LABEL_LIST_MAX = 64;
/** VIR_SECURITY_MODEL_BUFLEN: 256 + NUL. */
export const REMOTE_SECURITY_MODEL_MAX = 257;
/** VIR_SECURITY_LABEL_BUFLEN: 4096 + NUL. */
export const REMOTE_SECURITY_LABEL_MAX = 4097;
/** VIR_SECURITY_DOI_BUFLEN: 256 + NUL. */
export const REMOTE_SECURITY_DOI_MAX = 257;
export const REMOTE_SECRET_VALUE_MAX = 65536;
export const REMOTE_SECRET_LIST_MAX = 16384;
export const REMOTE_CPU_BASELINE_MAX = 256;
export const REMOTE_DOMAIN_SEND_KEY_MAX = 16;
export const REMOTE_DOMAIN_INTERFACE_PARAMETERS_MAX = 16;
export const REMOTE_DOMAIN_GET_CPU_STATS_NCPUS_MAX = 128;
export const REMOTE_DOMAIN_GET_CPU_STATS_MAX = 2048;
export const REMOTE_DOMAIN_DISK_ERRORS_MAX = 256;
export const REMOTE_NODE_MEMORY_PARAMETERS_MAX = 64;
export const REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX = 64;
export const REMOTE_DOMAIN_JOB_STATS_MAX = 64;
export const REMOTE_CONNECT_CPU_MODELS_MAX = 8192;
export const REMOTE_DOMAIN_FSFREEZE_MOUNTPOINTS_MAX = 256;
export const REMOTE_NETWORK_DHCP_LEASES_MAX = 65536;
export const REMOTE_CONNECT_GET_ALL_DOMAIN_STATS_MAX = 4096;
export const REMOTE_DOMAIN_EVENT_TUNABLE_MAX = 2048;
export const REMOTE_DOMAIN_FSINFO_MAX = 256;
export const REMOTE_DOMAIN_FSINFO_DISKS_MAX = 256;
export const REMOTE_DOMAIN_INTERFACE_MAX = 2048;
export const REMOTE_DOMAIN_IP_ADDR_MAX = 2048;
export const REMOTE_DOMAIN_GUEST_VCPU_PARAMS_MAX = 64;
export const REMOTE_DOMAIN_EVENT_GRAPHICS_IDENTITY_MAX = 20;
export const REMOTE_DOMAIN_MESSAGES_MAX = 2048;
/** VIR_UUID_BUFLEN. */
export const VIR_UUID_BUFLEN = 16;

/** Authentication schemes a daemon may offer in AUTH_LIST. */
export const RemoteAuthType = { NONE: 0, SASL: 1, POLKIT: 2 } as const;

import { TypedParamType } from "./typed_param_type.ts";
export { TypedParamType };

/** `remote_nonnull_string`. */
export const nonnullString: Codec<string> = string(REMOTE_STRING_MAX);
/** `remote_string`: a string that may be null. */
export const optString: Codec<string | null> = optional(nonnullString);
/** `remote_uuid`: 16 raw bytes. */
export const uuid: Codec<Uint8Array> = fixedOpaque(VIR_UUID_BUFLEN);

// rpcgen sends each C `char` as a full 4-byte XDR int. These two read such arrays as text,
// stopping at the NUL terminator that the daemon includes.
function charsToString(codes: number[]): string {
  const bytes: number[] = [];
  for (const c of codes) {
    if ((c & 0xff) === 0) break;
    bytes.push(c & 0xff);
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function stringToChars(s: string, n?: number): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  if (n === undefined) return [...bytes, 0];
  if (bytes.length > n) throw new XdrError(`string of ${bytes.length} bytes exceeds ${n}`);
  return [...bytes, ...new Array(n - bytes.length).fill(0)];
}

/** `char name[n]`: a fixed C char array (each char a 4-byte int), read as text up to NUL. */
export function fixedChars(n: number): Codec<string> {
  return {
    encode(w, v) {
      for (const c of stringToChars(v, n)) w.int(c << 24 >> 24);
    },
    decode(r) {
      const codes: number[] = [];
      for (let i = 0; i < n; i++) codes.push(r.int());
      return charsToString(codes);
    },
  };
}

/** `char name<max>`: a variable C char array (each char a 4-byte int), read as text up to NUL. */
export function varChars(max: number): Codec<string> {
  const inner = array(int, max);
  return {
    encode: (w, v) => inner.encode(w, stringToChars(v).map((c) => c << 24 >> 24)),
    decode: (r) => charsToString(inner.decode(r)),
  };
}

/** `char data<max>` carrying binary data (SASL tokens), each byte a 4-byte int. */
export function charBytes(max: number): Codec<Uint8Array> {
  const inner = array(int, max);
  return {
    encode: (w, v) => inner.encode(w, Array.from(v, (b) => b << 24 >> 24)),
    decode: (r) => Uint8Array.from(inner.decode(r), (c) => c & 0xff),
  };
}

/** `remote_nonnull_domain`. */
export const nonnullDomain = struct({ name: nonnullString, uuid, id: int });
/** `remote_nonnull_network`. */
export const nonnullNetwork = struct({ name: nonnullString, uuid });
/** `remote_nonnull_nwfilter`. */
export const nonnullNwfilter = struct({ name: nonnullString, uuid });
/** `remote_nonnull_interface`. */
export const nonnullInterface = struct({ name: nonnullString, mac: nonnullString });
/** `remote_nonnull_storage_pool`. */
export const nonnullStoragePool = struct({ name: nonnullString, uuid });
/** `remote_nonnull_storage_vol`. */
export const nonnullStorageVol = struct({
  pool: nonnullString,
  name: nonnullString,
  key: nonnullString,
});
/** `remote_nonnull_node_device`. */
export const nonnullNodeDevice = struct({ name: nonnullString });
/** `remote_nonnull_secret`. */
export const nonnullSecret = struct({ uuid, usageType: int, usageID: nonnullString });
/** `remote_nonnull_domain_snapshot`. */
export const nonnullDomainSnapshot = struct({ name: nonnullString, dom: nonnullDomain });

/** A domain reference as sent and received on the wire. */
export type RemoteDomain = Infer<typeof nonnullDomain>;
/** A network reference. */
export type RemoteNetwork = Infer<typeof nonnullNetwork>;
/** An interface reference. */
export type RemoteInterface = Infer<typeof nonnullInterface>;
/** A storage pool reference. */
export type RemoteStoragePool = Infer<typeof nonnullStoragePool>;
/** A storage volume reference. */
export type RemoteStorageVol = Infer<typeof nonnullStorageVol>;
/** A snapshot reference. */
export type RemoteDomainSnapshot = Infer<typeof nonnullDomainSnapshot>;

/** `remote_error`: the payload of a REPLY with status ERROR. */
export const remoteError = struct({
  code: int,
  domain: int,
  message: optString,
  level: int,
  dom: optional(nonnullDomain),
  str1: optString,
  str2: optString,
  str3: optString,
  int1: int,
  int2: int,
  net: optional(nonnullNetwork),
});
/** A decoded `remote_error`. */
export type RemoteError = Infer<typeof remoteError>;

/** `remote_typed_param_value`: `{ type: TypedParamType.X, value }`. */
export const typedParamValue = union({
  1: int,
  2: uint,
  3: hyper,
  4: uhyper,
  5: double,
  6: int,
  7: nonnullString,
});
/** `remote_typed_param`. */
export const typedParam = struct({ field: nonnullString, value: typedParamValue });
/** A typed parameter (name and discriminated value). */
export type TypedParam = Infer<typeof typedParam>;

/** `remote_vcpu_info`. */
export const vcpuInfo = struct({ number: uint, state: int, cpu_time: uhyper, cpu: int });

/** `remote_node_get_cpu_stats` / `remote_node_get_memory_stats` entries. */
export const nodeStat = struct({ field: nonnullString, value: uhyper });

/** `remote_domain_memory_stat`. */
export const domainMemoryStat = struct({ tag: int, val: uhyper });

/** `remote_domain_get_security_label_ret`, also the element of the label list. */
export const securityLabel = struct({ label: varChars(REMOTE_SECURITY_LABEL_MAX), enforcing: int });

/** `remote_domain_event_lifecycle_msg`. */
export const domainEventLifecycleMsg = struct({ dom: nonnullDomain, event: int, detail: int });

/** `remote_domain_event_graphics_address`. */
const graphicsAddress = struct({ family: int, node: nonnullString, service: nonnullString });

/** One row of the procedure table. */
export interface Procedure<A, R> {
  /** REMOTE_PROC_* number. */
  readonly number: number;
  readonly args: Codec<A>;
  readonly ret: Codec<R>;
  /** Whether the call opens a stream: "read" (daemon to client) or "write" (client to daemon). */
  readonly stream?: "read" | "write";
}

function proc<A, R>(
  number: number,
  args: Codec<A>,
  ret: Codec<R>,
  stream?: "read" | "write",
): Procedure<A, R> {
  return stream ? { number, args, ret, stream } : { number, args, ret };
}

// Shapes that many procedures share.
const names = (max: number) => array(nonnullString, max);
const dom = struct({ dom: nonnullDomain });
const domFlags = struct({ dom: nonnullDomain, flags: uint });
const domXml = struct({ dom: nonnullDomain, xml: nonnullString });
const domXmlFlags = struct({ dom: nonnullDomain, xml: nonnullString, flags: uint });
const retDom = struct({ dom: nonnullDomain });
const net = struct({ net: nonnullNetwork });
const retNet = struct({ net: nonnullNetwork });
const iface = struct({ iface: nonnullInterface });
const ifaceFlags = struct({ iface: nonnullInterface, flags: uint });
const retIface = struct({ iface: nonnullInterface });
const pool = struct({ pool: nonnullStoragePool });
const poolFlags = struct({ pool: nonnullStoragePool, flags: uint });
const retPool = struct({ pool: nonnullStoragePool });
const vol = struct({ vol: nonnullStorageVol });
const volFlags = struct({ vol: nonnullStorageVol, flags: uint });
const retVol = struct({ vol: nonnullStorageVol });
const snapFlags = struct({ snap: nonnullDomainSnapshot, flags: uint });
const retSnap = struct({ snap: nonnullDomainSnapshot });
const secret = struct({ secret: nonnullSecret });
const retSecret = struct({ secret: nonnullSecret });
const nwfilter = struct({ nwfilter: nonnullNwfilter });
const retNwfilter = struct({ nwfilter: nonnullNwfilter });
const retDev = struct({ dev: nonnullNodeDevice });
const byName = struct({ name: nonnullString });
const byUuid = struct({ uuid });
const xmlOnly = struct({ xml: nonnullString });
const xmlFlags = struct({ xml: nonnullString, flags: uint });
const retXml = struct({ xml: nonnullString });
const retNum = struct({ num: int });
const maxnames = struct({ maxnames: int });
const flagsOnly = struct({ flags: uint });
const callbackId = struct({ callbackID: int });
const listAll = struct({ need_results: int, flags: uint });
const getParams = struct({ dom: nonnullDomain, nparams: int, flags: uint });
const setParams = (max: number) =>
  struct({ dom: nonnullDomain, params: array(typedParam, max), flags: uint });
const retParams = (max: number) => struct({ params: array(typedParam, max), nparams: int });
const autostart = <K extends string, C extends Codec<unknown>>(key: K, ref: C) =>
  struct({ [key]: ref, autostart: int } as { [P in K]: C } & { autostart: typeof int });
const retAutostart = struct({ autostart: int });
const retActive = struct({ active: int });
const retPersistent = struct({ persistent: int });
const blockJob = struct({
  dom: nonnullDomain,
  path: nonnullString,
  bandwidth: uhyper,
  flags: uint,
});

/**
 * Every remote procedure vsh uses, keyed by the camelCase of its REMOTE_PROC_ name.
 * Field names are those of remote_protocol.x; `hyper` values are bigints.
 *
 * @example
 * ```ts
 * import { procedures } from "./protocol.ts";
 * console.assert(procedures.domainLookupByName.number === 23);
 * ```
 */
export const procedures = {
  connectOpen: proc(1, struct({ name: optString, flags: uint }), void_),
  connectClose: proc(2, void_, void_),
  connectGetType: proc(3, void_, struct({ type: nonnullString })),
  connectGetVersion: proc(4, void_, struct({ hv_ver: uhyper })),
  connectGetMaxVcpus: proc(5, struct({ type: optString }), struct({ max_vcpus: int })),
  nodeGetInfo: proc(
    6,
    void_,
    struct({
      model: fixedChars(32),
      memory: uhyper,
      cpus: int,
      mhz: int,
      nodes: int,
      sockets: int,
      cores: int,
      threads: int,
    }),
  ),
  connectGetCapabilities: proc(7, void_, struct({ capabilities: nonnullString })),
  domainAttachDevice: proc(8, domXml, void_),
  domainCreate: proc(9, dom, void_),
  domainCreateXml: proc(10, struct({ xml_desc: nonnullString, flags: uint }), retDom),
  domainDefineXml: proc(11, xmlOnly, retDom),
  domainDestroy: proc(12, dom, void_),
  domainDetachDevice: proc(13, domXml, void_),
  domainGetXmlDesc: proc(14, domFlags, retXml),
  domainGetAutostart: proc(15, dom, retAutostart),
  domainGetInfo: proc(
    16,
    dom,
    struct({ state: uint, maxMem: uhyper, memory: uhyper, nrVirtCpu: uint, cpuTime: uhyper }),
  ),
  domainGetMaxMemory: proc(17, dom, struct({ memory: uhyper })),
  domainGetMaxVcpus: proc(18, dom, retNum),
  domainGetOsType: proc(19, dom, struct({ type: nonnullString })),
  domainGetVcpus: proc(
    20,
    struct({ dom: nonnullDomain, maxinfo: int, maplen: int }),
    struct({ info: array(vcpuInfo, REMOTE_VCPUINFO_MAX), cpumaps: opaque(REMOTE_CPUMAPS_MAX) }),
  ),
  connectListDefinedDomains: proc(21, maxnames, struct({ names: names(REMOTE_DOMAIN_LIST_MAX) })),
  domainLookupById: proc(22, struct({ id: int }), retDom),
  domainLookupByName: proc(23, byName, retDom),
  domainLookupByUuid: proc(24, byUuid, retDom),
  connectNumOfDefinedDomains: proc(25, void_, retNum),
  domainPinVcpu: proc(
    26,
    struct({ dom: nonnullDomain, vcpu: uint, cpumap: opaque(REMOTE_CPUMAP_MAX) }),
    void_,
  ),
  domainReboot: proc(27, domFlags, void_),
  domainResume: proc(28, dom, void_),
  domainSetAutostart: proc(29, autostart("dom", nonnullDomain), void_),
  domainSetMaxMemory: proc(30, struct({ dom: nonnullDomain, memory: uhyper }), void_),
  domainSetMemory: proc(31, struct({ dom: nonnullDomain, memory: uhyper }), void_),
  domainSetVcpus: proc(32, struct({ dom: nonnullDomain, nvcpus: uint }), void_),
  domainShutdown: proc(33, dom, void_),
  domainSuspend: proc(34, dom, void_),
  domainUndefine: proc(35, dom, void_),
  connectListDefinedNetworks: proc(
    36,
    maxnames,
    struct({ names: names(REMOTE_NETWORK_LIST_MAX) }),
  ),
  connectListDomains: proc(
    37,
    struct({ maxids: int }),
    struct({ ids: array(int, REMOTE_DOMAIN_LIST_MAX) }),
  ),
  connectListNetworks: proc(38, maxnames, struct({ names: names(REMOTE_NETWORK_LIST_MAX) })),
  networkCreate: proc(39, net, void_),
  networkCreateXml: proc(40, xmlOnly, retNet),
  networkDefineXml: proc(41, xmlOnly, retNet),
  networkDestroy: proc(42, net, void_),
  networkGetXmlDesc: proc(43, struct({ net: nonnullNetwork, flags: uint }), retXml),
  networkGetAutostart: proc(44, net, retAutostart),
  networkGetBridgeName: proc(45, net, struct({ name: nonnullString })),
  networkLookupByName: proc(46, byName, retNet),
  networkLookupByUuid: proc(47, byUuid, retNet),
  networkSetAutostart: proc(48, autostart("net", nonnullNetwork), void_),
  networkUndefine: proc(49, net, void_),
  connectNumOfDefinedNetworks: proc(50, void_, retNum),
  connectNumOfDomains: proc(51, void_, retNum),
  connectNumOfNetworks: proc(52, void_, retNum),
  domainCoreDump: proc(
    53,
    struct({ dom: nonnullDomain, to: nonnullString, flags: uint }),
    void_,
  ),
  domainRestore: proc(54, struct({ from: nonnullString }), void_),
  domainSave: proc(55, struct({ dom: nonnullDomain, to: nonnullString }), void_),
  domainGetSchedulerType: proc(56, dom, struct({ type: nonnullString, nparams: int })),
  domainGetSchedulerParameters: proc(
    57,
    struct({ dom: nonnullDomain, nparams: int }),
    struct({ params: array(typedParam, REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX) }),
  ),
  domainSetSchedulerParameters: proc(
    58,
    struct({
      dom: nonnullDomain,
      params: array(typedParam, REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX),
    }),
    void_,
  ),
  connectGetHostname: proc(59, void_, struct({ hostname: nonnullString })),
  connectSupportsFeature: proc(60, struct({ feature: int }), struct({ supported: int })),
  domainBlockStats: proc(
    64,
    struct({ dom: nonnullDomain, path: nonnullString }),
    struct({ rd_req: hyper, rd_bytes: hyper, wr_req: hyper, wr_bytes: hyper, errs: hyper }),
  ),
  domainInterfaceStats: proc(
    65,
    struct({ dom: nonnullDomain, path: nonnullString }),
    struct({
      rx_bytes: hyper,
      rx_packets: hyper,
      rx_errs: hyper,
      rx_drop: hyper,
      tx_bytes: hyper,
      tx_packets: hyper,
      tx_errs: hyper,
      tx_drop: hyper,
    }),
  ),
  authList: proc(66, void_, struct({ types: array(int, REMOTE_AUTH_TYPE_LIST_MAX) })),
  authSaslInit: proc(67, void_, struct({ mechlist: nonnullString })),
  authSaslStart: proc(
    68,
    struct({ mech: nonnullString, nil: int, data: charBytes(REMOTE_AUTH_SASL_DATA_MAX) }),
    struct({ complete: int, nil: int, data: charBytes(REMOTE_AUTH_SASL_DATA_MAX) }),
  ),
  authSaslStep: proc(
    69,
    struct({ nil: int, data: charBytes(REMOTE_AUTH_SASL_DATA_MAX) }),
    struct({ complete: int, nil: int, data: charBytes(REMOTE_AUTH_SASL_DATA_MAX) }),
  ),
  authPolkit: proc(70, void_, struct({ complete: int })),
  connectNumOfStoragePools: proc(71, void_, retNum),
  connectListStoragePools: proc(
    72,
    maxnames,
    struct({ names: names(REMOTE_STORAGE_POOL_LIST_MAX) }),
  ),
  connectNumOfDefinedStoragePools: proc(73, void_, retNum),
  connectListDefinedStoragePools: proc(
    74,
    maxnames,
    struct({ names: names(REMOTE_STORAGE_POOL_LIST_MAX) }),
  ),
  connectFindStoragePoolSources: proc(
    75,
    struct({ type: nonnullString, srcSpec: optString, flags: uint }),
    retXml,
  ),
  storagePoolCreateXml: proc(76, xmlFlags, retPool),
  storagePoolDefineXml: proc(77, xmlFlags, retPool),
  storagePoolCreate: proc(78, poolFlags, void_),
  storagePoolBuild: proc(79, poolFlags, void_),
  storagePoolDestroy: proc(80, pool, void_),
  storagePoolDelete: proc(81, poolFlags, void_),
  storagePoolUndefine: proc(82, pool, void_),
  storagePoolRefresh: proc(83, poolFlags, void_),
  storagePoolLookupByName: proc(84, byName, retPool),
  storagePoolLookupByUuid: proc(85, byUuid, retPool),
  storagePoolLookupByVolume: proc(86, vol, retPool),
  storagePoolGetInfo: proc(
    87,
    pool,
    struct({ state: uint, capacity: uhyper, allocation: uhyper, available: uhyper }),
  ),
  storagePoolGetXmlDesc: proc(88, poolFlags, retXml),
  storagePoolGetAutostart: proc(89, pool, retAutostart),
  storagePoolSetAutostart: proc(90, autostart("pool", nonnullStoragePool), void_),
  storagePoolNumOfVolumes: proc(91, pool, retNum),
  storagePoolListVolumes: proc(
    92,
    struct({ pool: nonnullStoragePool, maxnames: int }),
    struct({ names: names(REMOTE_STORAGE_VOL_LIST_MAX) }),
  ),
  storageVolCreateXml: proc(
    93,
    struct({ pool: nonnullStoragePool, xml: nonnullString, flags: uint }),
    retVol,
  ),
  storageVolDelete: proc(94, volFlags, void_),
  storageVolLookupByName: proc(
    95,
    struct({ pool: nonnullStoragePool, name: nonnullString }),
    retVol,
  ),
  storageVolLookupByKey: proc(96, struct({ key: nonnullString }), retVol),
  storageVolLookupByPath: proc(97, struct({ path: nonnullString }), retVol),
  storageVolGetInfo: proc(
    98,
    vol,
    struct({ type: int, capacity: uhyper, allocation: uhyper }),
  ),
  storageVolGetXmlDesc: proc(99, volFlags, retXml),
  storageVolGetPath: proc(100, vol, struct({ name: nonnullString })),
  nodeGetCellsFreeMemory: proc(
    101,
    struct({ startCell: int, maxcells: int }),
    struct({ cells: array(uhyper, REMOTE_NODE_MAX_CELLS) }),
  ),
  nodeGetFreeMemory: proc(102, void_, struct({ freeMem: uhyper })),
  domainBlockPeek: proc(
    103,
    struct({
      dom: nonnullDomain,
      path: nonnullString,
      offset: uhyper,
      size: uint,
      flags: uint,
    }),
    struct({ buffer: opaque(REMOTE_DOMAIN_BLOCK_PEEK_BUFFER_MAX) }),
  ),
  domainMemoryPeek: proc(
    104,
    struct({ dom: nonnullDomain, offset: uhyper, size: uint, flags: uint }),
    struct({ buffer: opaque(REMOTE_DOMAIN_MEMORY_PEEK_BUFFER_MAX) }),
  ),
  connectDomainEventRegister: proc(105, void_, struct({ cb_registered: int })),
  connectDomainEventDeregister: proc(106, void_, struct({ cb_registered: int })),
  domainEventLifecycle: proc(107, domainEventLifecycleMsg, void_),
  connectGetUri: proc(110, void_, struct({ uri: nonnullString })),
  nodeNumOfDevices: proc(111, struct({ cap: optString, flags: uint }), retNum),
  nodeListDevices: proc(
    112,
    struct({ cap: optString, maxnames: int, flags: uint }),
    struct({ names: names(REMOTE_NODE_DEVICE_LIST_MAX) }),
  ),
  nodeDeviceLookupByName: proc(113, byName, retDev),
  nodeDeviceGetXmlDesc: proc(114, struct({ name: nonnullString, flags: uint }), retXml),
  nodeDeviceGetParent: proc(115, byName, struct({ parent: optString })),
  nodeDeviceNumOfCaps: proc(116, byName, retNum),
  nodeDeviceListCaps: proc(
    117,
    struct({ name: nonnullString, maxnames: int }),
    struct({ names: names(REMOTE_NODE_DEVICE_CAPS_LIST_MAX) }),
  ),
  nodeDeviceDettach: proc(118, byName, void_),
  nodeDeviceReAttach: proc(119, byName, void_),
  nodeDeviceReset: proc(120, byName, void_),
  domainGetSecurityLabel: proc(121, dom, securityLabel),
  nodeGetSecurityModel: proc(
    122,
    void_,
    struct({ model: varChars(REMOTE_SECURITY_MODEL_MAX), doi: varChars(REMOTE_SECURITY_DOI_MAX) }),
  ),
  nodeDeviceCreateXml: proc(123, struct({ xml_desc: nonnullString, flags: uint }), retDev),
  nodeDeviceDestroy: proc(124, byName, void_),
  storageVolCreateXmlFrom: proc(
    125,
    struct({
      pool: nonnullStoragePool,
      xml: nonnullString,
      clonevol: nonnullStorageVol,
      flags: uint,
    }),
    retVol,
  ),
  connectNumOfInterfaces: proc(126, void_, retNum),
  connectListInterfaces: proc(
    127,
    maxnames,
    struct({ names: names(REMOTE_INTERFACE_LIST_MAX) }),
  ),
  interfaceLookupByName: proc(128, byName, retIface),
  interfaceLookupByMacString: proc(129, struct({ mac: nonnullString }), retIface),
  interfaceGetXmlDesc: proc(130, ifaceFlags, retXml),
  interfaceDefineXml: proc(131, xmlFlags, retIface),
  interfaceUndefine: proc(132, iface, void_),
  interfaceCreate: proc(133, ifaceFlags, void_),
  interfaceDestroy: proc(134, ifaceFlags, void_),
  connectDomainXmlFromNative: proc(
    135,
    struct({ nativeFormat: nonnullString, nativeConfig: nonnullString, flags: uint }),
    struct({ domainXml: nonnullString }),
  ),
  connectDomainXmlToNative: proc(
    136,
    struct({ nativeFormat: nonnullString, domainXml: nonnullString, flags: uint }),
    struct({ nativeConfig: nonnullString }),
  ),
  connectNumOfDefinedInterfaces: proc(137, void_, retNum),
  connectListDefinedInterfaces: proc(
    138,
    maxnames,
    struct({ names: names(REMOTE_INTERFACE_LIST_MAX) }),
  ),
  connectNumOfSecrets: proc(139, void_, retNum),
  connectListSecrets: proc(
    140,
    struct({ maxuuids: int }),
    struct({ uuids: names(REMOTE_SECRET_LIST_MAX) }),
  ),
  secretLookupByUuid: proc(141, byUuid, retSecret),
  secretDefineXml: proc(142, xmlFlags, retSecret),
  secretGetXmlDesc: proc(143, struct({ secret: nonnullSecret, flags: uint }), retXml),
  secretSetValue: proc(
    144,
    struct({ secret: nonnullSecret, value: opaque(REMOTE_SECRET_VALUE_MAX), flags: uint }),
    void_,
  ),
  secretGetValue: proc(
    145,
    struct({ secret: nonnullSecret, flags: uint }),
    struct({ value: opaque(REMOTE_SECRET_VALUE_MAX) }),
  ),
  secretUndefine: proc(146, secret, void_),
  secretLookupByUsage: proc(147, struct({ usageType: int, usageID: nonnullString }), retSecret),
  connectIsSecure: proc(149, void_, struct({ secure: int })),
  domainIsActive: proc(150, dom, retActive),
  domainIsPersistent: proc(151, dom, retPersistent),
  networkIsActive: proc(152, net, retActive),
  networkIsPersistent: proc(153, net, retPersistent),
  storagePoolIsActive: proc(154, pool, retActive),
  storagePoolIsPersistent: proc(155, pool, retPersistent),
  interfaceIsActive: proc(156, iface, retActive),
  connectGetLibVersion: proc(157, void_, struct({ lib_ver: uhyper })),
  connectCompareCpu: proc(158, xmlFlags, struct({ result: int })),
  domainMemoryStats: proc(
    159,
    struct({ dom: nonnullDomain, maxStats: uint, flags: uint }),
    struct({ stats: array(domainMemoryStat, REMOTE_DOMAIN_MEMORY_STATS_MAX) }),
  ),
  domainAttachDeviceFlags: proc(160, domXmlFlags, void_),
  domainDetachDeviceFlags: proc(161, domXmlFlags, void_),
  connectBaselineCpu: proc(
    162,
    struct({ xmlCPUs: names(REMOTE_CPU_BASELINE_MAX), flags: uint }),
    struct({ cpu: nonnullString }),
  ),
  domainGetJobInfo: proc(
    163,
    dom,
    struct({
      type: int,
      timeElapsed: uhyper,
      timeRemaining: uhyper,
      dataTotal: uhyper,
      dataProcessed: uhyper,
      dataRemaining: uhyper,
      memTotal: uhyper,
      memProcessed: uhyper,
      memRemaining: uhyper,
      fileTotal: uhyper,
      fileProcessed: uhyper,
      fileRemaining: uhyper,
    }),
  ),
  domainAbortJob: proc(164, dom, void_),
  storageVolWipe: proc(165, volFlags, void_),
  domainMigrateSetMaxDowntime: proc(
    166,
    struct({ dom: nonnullDomain, downtime: uhyper, flags: uint }),
    void_,
  ),
  connectDomainEventRegisterAny: proc(167, struct({ eventID: int }), void_),
  connectDomainEventDeregisterAny: proc(168, struct({ eventID: int }), void_),
  domainEventReboot: proc(169, dom, void_),
  domainUpdateDeviceFlags: proc(174, domXmlFlags, void_),
  nwfilterLookupByName: proc(175, byName, retNwfilter),
  nwfilterLookupByUuid: proc(176, byUuid, retNwfilter),
  nwfilterGetXmlDesc: proc(177, struct({ nwfilter: nonnullNwfilter, flags: uint }), retXml),
  connectNumOfNwfilters: proc(178, void_, retNum),
  connectListNwfilters: proc(179, maxnames, struct({ names: names(REMOTE_NWFILTER_LIST_MAX) })),
  nwfilterDefineXml: proc(180, xmlOnly, retNwfilter),
  nwfilterUndefine: proc(181, nwfilter, void_),
  domainManagedSave: proc(182, domFlags, void_),
  domainHasManagedSaveImage: proc(183, domFlags, struct({ result: int })),
  domainManagedSaveRemove: proc(184, domFlags, void_),
  domainSnapshotCreateXml: proc(
    185,
    struct({ dom: nonnullDomain, xml_desc: nonnullString, flags: uint }),
    retSnap,
  ),
  domainSnapshotGetXmlDesc: proc(186, snapFlags, retXml),
  domainSnapshotNum: proc(187, domFlags, retNum),
  domainSnapshotListNames: proc(
    188,
    struct({ dom: nonnullDomain, maxnames: int, flags: uint }),
    struct({ names: names(REMOTE_DOMAIN_SNAPSHOT_LIST_MAX) }),
  ),
  domainSnapshotLookupByName: proc(
    189,
    struct({ dom: nonnullDomain, name: nonnullString, flags: uint }),
    retSnap,
  ),
  domainHasCurrentSnapshot: proc(190, domFlags, struct({ result: int })),
  domainSnapshotCurrent: proc(191, domFlags, retSnap),
  domainRevertToSnapshot: proc(192, snapFlags, void_),
  domainSnapshotDelete: proc(193, snapFlags, void_),
  domainGetBlockInfo: proc(
    194,
    struct({ dom: nonnullDomain, path: nonnullString, flags: uint }),
    struct({ allocation: uhyper, capacity: uhyper, physical: uhyper }),
  ),
  domainCreateWithFlags: proc(196, domFlags, retDom),
  domainSetMemoryParameters: proc(197, setParams(REMOTE_DOMAIN_MEMORY_PARAMETERS_MAX), void_),
  domainGetMemoryParameters: proc(
    198,
    getParams,
    retParams(REMOTE_DOMAIN_MEMORY_PARAMETERS_MAX),
  ),
  domainSetVcpusFlags: proc(
    199,
    struct({ dom: nonnullDomain, nvcpus: uint, flags: uint }),
    void_,
  ),
  domainGetVcpusFlags: proc(200, domFlags, retNum),
  domainOpenConsole: proc(
    201,
    struct({ dom: nonnullDomain, dev_name: optString, flags: uint }),
    void_,
    "read",
  ),
  domainIsUpdated: proc(202, dom, struct({ updated: int })),
  connectGetSysinfo: proc(203, flagsOnly, struct({ sysinfo: nonnullString })),
  domainSetMemoryFlags: proc(
    204,
    struct({ dom: nonnullDomain, memory: uhyper, flags: uint }),
    void_,
  ),
  domainSetBlkioParameters: proc(205, setParams(REMOTE_DOMAIN_BLKIO_PARAMETERS_MAX), void_),
  domainGetBlkioParameters: proc(206, getParams, retParams(REMOTE_DOMAIN_BLKIO_PARAMETERS_MAX)),
  domainMigrateSetMaxSpeed: proc(
    207,
    struct({ dom: nonnullDomain, bandwidth: uhyper, flags: uint }),
    void_,
  ),
  storageVolUpload: proc(
    208,
    struct({ vol: nonnullStorageVol, offset: uhyper, length: uhyper, flags: uint }),
    void_,
    "write",
  ),
  storageVolDownload: proc(
    209,
    struct({ vol: nonnullStorageVol, offset: uhyper, length: uhyper, flags: uint }),
    void_,
    "read",
  ),
  domainInjectNmi: proc(210, domFlags, void_),
  domainScreenshot: proc(
    211,
    struct({ dom: nonnullDomain, screen: uint, flags: uint }),
    struct({ mime: optString }),
    "read",
  ),
  domainGetState: proc(212, domFlags, struct({ state: int, reason: int })),
  domainSetSchedulerParametersFlags: proc(
    219,
    setParams(REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX),
    void_,
  ),
  interfaceChangeBegin: proc(220, flagsOnly, void_),
  interfaceChangeCommit: proc(221, flagsOnly, void_),
  interfaceChangeRollback: proc(222, flagsOnly, void_),
  domainGetSchedulerParametersFlags: proc(
    223,
    getParams,
    struct({ params: array(typedParam, REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX) }),
  ),
  domainPinVcpuFlags: proc(
    225,
    struct({ dom: nonnullDomain, vcpu: uint, cpumap: opaque(REMOTE_CPUMAP_MAX), flags: uint }),
    void_,
  ),
  domainSendKey: proc(
    226,
    struct({
      dom: nonnullDomain,
      codeset: uint,
      holdtime: uint,
      keycodes: array(uint, REMOTE_DOMAIN_SEND_KEY_MAX),
      flags: uint,
    }),
    void_,
  ),
  nodeGetCpuStats: proc(
    227,
    struct({ cpuNum: int, nparams: int, flags: uint }),
    struct({ params: array(nodeStat, REMOTE_NODE_CPU_STATS_MAX), nparams: int }),
  ),
  nodeGetMemoryStats: proc(
    228,
    struct({ nparams: int, cellNum: int, flags: uint }),
    struct({ params: array(nodeStat, REMOTE_NODE_MEMORY_STATS_MAX), nparams: int }),
  ),
  domainGetControlInfo: proc(
    229,
    domFlags,
    struct({ state: uint, details: uint, stateTime: uhyper }),
  ),
  domainGetVcpuPinInfo: proc(
    230,
    struct({ dom: nonnullDomain, ncpumaps: int, maplen: int, flags: uint }),
    struct({ cpumaps: opaque(REMOTE_CPUMAPS_MAX), num: int }),
  ),
  domainUndefineFlags: proc(231, domFlags, void_),
  domainSaveFlags: proc(
    232,
    struct({ dom: nonnullDomain, to: nonnullString, dxml: optString, flags: uint }),
    void_,
  ),
  domainRestoreFlags: proc(
    233,
    struct({ from: nonnullString, dxml: optString, flags: uint }),
    void_,
  ),
  domainDestroyFlags: proc(234, domFlags, void_),
  domainSaveImageGetXmlDesc: proc(235, struct({ file: nonnullString, flags: uint }), retXml),
  domainSaveImageDefineXml: proc(
    236,
    struct({ file: nonnullString, dxml: nonnullString, flags: uint }),
    void_,
  ),
  domainBlockJobAbort: proc(
    237,
    struct({ dom: nonnullDomain, path: nonnullString, flags: uint }),
    void_,
  ),
  domainGetBlockJobInfo: proc(
    238,
    struct({ dom: nonnullDomain, path: nonnullString, flags: uint }),
    struct({ found: int, type: int, bandwidth: uhyper, cur: uhyper, end: uhyper }),
  ),
  domainBlockJobSetSpeed: proc(239, blockJob, void_),
  domainBlockPull: proc(240, blockJob, void_),
  domainMigrateGetMaxSpeed: proc(242, domFlags, struct({ bandwidth: uhyper })),
  domainBlockStatsFlags: proc(
    243,
    struct({ dom: nonnullDomain, path: nonnullString, nparams: int, flags: uint }),
    retParams(REMOTE_DOMAIN_BLOCK_STATS_PARAMETERS_MAX),
  ),
  domainSnapshotGetParent: proc(244, snapFlags, retSnap),
  domainReset: proc(245, domFlags, void_),
  domainSnapshotNumChildren: proc(246, snapFlags, retNum),
  domainSnapshotListChildrenNames: proc(
    247,
    struct({ snap: nonnullDomainSnapshot, maxnames: int, flags: uint }),
    struct({ names: names(REMOTE_DOMAIN_SNAPSHOT_LIST_MAX) }),
  ),
  nodeSuspendForDuration: proc(
    250,
    struct({ target: uint, duration: uhyper, flags: uint }),
    void_,
  ),
  domainBlockResize: proc(
    251,
    struct({ dom: nonnullDomain, disk: nonnullString, size: uhyper, flags: uint }),
    void_,
  ),
  domainSetBlockIoTune: proc(
    252,
    struct({
      dom: nonnullDomain,
      disk: nonnullString,
      params: array(typedParam, REMOTE_DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX),
      flags: uint,
    }),
    void_,
  ),
  domainGetBlockIoTune: proc(
    253,
    struct({ dom: nonnullDomain, disk: optString, nparams: int, flags: uint }),
    retParams(REMOTE_DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX),
  ),
  domainSetNumaParameters: proc(254, setParams(REMOTE_DOMAIN_NUMA_PARAMETERS_MAX), void_),
  domainGetNumaParameters: proc(255, getParams, retParams(REMOTE_DOMAIN_NUMA_PARAMETERS_MAX)),
  domainSetInterfaceParameters: proc(
    256,
    struct({
      dom: nonnullDomain,
      device: nonnullString,
      params: array(typedParam, REMOTE_DOMAIN_INTERFACE_PARAMETERS_MAX),
      flags: uint,
    }),
    void_,
  ),
  domainGetInterfaceParameters: proc(
    257,
    struct({ dom: nonnullDomain, device: nonnullString, nparams: int, flags: uint }),
    retParams(REMOTE_DOMAIN_INTERFACE_PARAMETERS_MAX),
  ),
  domainShutdownFlags: proc(258, domFlags, void_),
  storageVolWipePattern: proc(
    259,
    struct({ vol: nonnullStorageVol, algorithm: uint, flags: uint }),
    void_,
  ),
  storageVolResize: proc(
    260,
    struct({ vol: nonnullStorageVol, capacity: uhyper, flags: uint }),
    void_,
  ),
  domainPmSuspendForDuration: proc(
    261,
    struct({ dom: nonnullDomain, target: uint, duration: uhyper, flags: uint }),
    void_,
  ),
  domainGetCpuStats: proc(
    262,
    struct({ dom: nonnullDomain, nparams: uint, start_cpu: int, ncpus: uint, flags: uint }),
    retParams(REMOTE_DOMAIN_GET_CPU_STATS_MAX),
  ),
  domainGetDiskErrors: proc(
    263,
    struct({ dom: nonnullDomain, maxerrors: uint, flags: uint }),
    struct({
      errors: array(struct({ disk: nonnullString, error: int }), REMOTE_DOMAIN_DISK_ERRORS_MAX),
      nerrors: int,
    }),
  ),
  domainSetMetadata: proc(
    264,
    struct({
      dom: nonnullDomain,
      type: int,
      metadata: optString,
      key: optString,
      uri: optString,
      flags: uint,
    }),
    void_,
  ),
  domainGetMetadata: proc(
    265,
    struct({ dom: nonnullDomain, type: int, uri: optString, flags: uint }),
    struct({ metadata: nonnullString }),
  ),
  domainBlockRebase: proc(
    266,
    struct({
      dom: nonnullDomain,
      path: nonnullString,
      base: optString,
      bandwidth: uhyper,
      flags: uint,
    }),
    void_,
  ),
  domainPmWakeup: proc(267, domFlags, void_),
  domainSnapshotIsCurrent: proc(271, snapFlags, struct({ current: int })),
  domainSnapshotHasMetadata: proc(272, snapFlags, struct({ metadata: int })),
  connectListAllDomains: proc(
    273,
    listAll,
    struct({ domains: array(nonnullDomain, REMOTE_DOMAIN_LIST_MAX), ret: uint }),
  ),
  domainListAllSnapshots: proc(
    274,
    struct({ dom: nonnullDomain, need_results: int, flags: uint }),
    struct({
      snapshots: array(nonnullDomainSnapshot, REMOTE_DOMAIN_SNAPSHOT_LIST_MAX),
      ret: int,
    }),
  ),
  domainSnapshotListAllChildren: proc(
    275,
    struct({ snapshot: nonnullDomainSnapshot, need_results: int, flags: uint }),
    struct({
      snapshots: array(nonnullDomainSnapshot, REMOTE_DOMAIN_SNAPSHOT_LIST_MAX),
      ret: int,
    }),
  ),
  domainGetHostname: proc(277, domFlags, struct({ hostname: nonnullString })),
  domainGetSecurityLabelList: proc(
    278,
    dom,
    struct({ labels: array(securityLabel, REMOTE_SECURITY_LABEL_LIST_MAX), ret: int }),
  ),
  domainPinEmulator: proc(
    279,
    struct({ dom: nonnullDomain, cpumap: opaque(REMOTE_CPUMAP_MAX), flags: uint }),
    void_,
  ),
  domainGetEmulatorPinInfo: proc(
    280,
    struct({ dom: nonnullDomain, maplen: int, flags: uint }),
    struct({ cpumaps: opaque(REMOTE_CPUMAPS_MAX), ret: int }),
  ),
  connectListAllStoragePools: proc(
    281,
    listAll,
    struct({ pools: array(nonnullStoragePool, REMOTE_STORAGE_POOL_LIST_MAX), ret: uint }),
  ),
  storagePoolListAllVolumes: proc(
    282,
    struct({ pool: nonnullStoragePool, need_results: int, flags: uint }),
    struct({ vols: array(nonnullStorageVol, REMOTE_STORAGE_VOL_LIST_MAX), ret: uint }),
  ),
  connectListAllNetworks: proc(
    283,
    listAll,
    struct({ nets: array(nonnullNetwork, REMOTE_NETWORK_LIST_MAX), ret: uint }),
  ),
  connectListAllInterfaces: proc(
    284,
    listAll,
    struct({ ifaces: array(nonnullInterface, REMOTE_INTERFACE_LIST_MAX), ret: uint }),
  ),
  connectListAllNodeDevices: proc(
    285,
    listAll,
    struct({ devices: array(nonnullNodeDevice, REMOTE_NODE_DEVICE_LIST_MAX), ret: uint }),
  ),
  connectListAllNwfilters: proc(
    286,
    listAll,
    struct({ filters: array(nonnullNwfilter, REMOTE_NWFILTER_LIST_MAX), ret: uint }),
  ),
  connectListAllSecrets: proc(
    287,
    listAll,
    struct({ secrets: array(nonnullSecret, REMOTE_SECRET_LIST_MAX), ret: uint }),
  ),
  nodeSetMemoryParameters: proc(
    288,
    struct({ params: array(typedParam, REMOTE_NODE_MEMORY_PARAMETERS_MAX), flags: uint }),
    void_,
  ),
  nodeGetMemoryParameters: proc(
    289,
    struct({ nparams: int, flags: uint }),
    retParams(REMOTE_NODE_MEMORY_PARAMETERS_MAX),
  ),
  domainBlockCommit: proc(
    290,
    struct({
      dom: nonnullDomain,
      disk: nonnullString,
      base: optString,
      top: optString,
      bandwidth: uhyper,
      flags: uint,
    }),
    void_,
  ),
  networkUpdate: proc(
    291,
    struct({
      net: nonnullNetwork,
      command: uint,
      section: uint,
      parentIndex: int,
      xml: nonnullString,
      flags: uint,
    }),
    void_,
  ),
  nodeGetCpuMap: proc(
    293,
    struct({ need_map: int, need_online: int, flags: uint }),
    struct({ cpumap: opaque(REMOTE_CPUMAP_MAX), online: uint, ret: int }),
  ),
  domainFstrim: proc(
    294,
    struct({ dom: nonnullDomain, mountPoint: optString, minimum: uhyper, flags: uint }),
    void_,
  ),
  domainSendProcessSignal: proc(
    295,
    struct({ dom: nonnullDomain, pid_value: hyper, signum: uint, flags: uint }),
    void_,
  ),
  domainOpenChannel: proc(
    296,
    struct({ dom: nonnullDomain, name: optString, flags: uint }),
    void_,
    "read",
  ),
  domainGetJobStats: proc(
    298,
    domFlags,
    struct({ type: int, params: array(typedParam, REMOTE_DOMAIN_JOB_STATS_MAX) }),
  ),
  domainMigrateGetCompressionCache: proc(299, domFlags, struct({ cacheSize: uhyper })),
  domainMigrateSetCompressionCache: proc(
    300,
    struct({ dom: nonnullDomain, cacheSize: uhyper, flags: uint }),
    void_,
  ),
  nodeDeviceDetachFlags: proc(
    301,
    struct({ name: nonnullString, driverName: optString, flags: uint }),
    void_,
  ),
  domainSetMemoryStatsPeriod: proc(
    308,
    struct({ dom: nonnullDomain, period: int, flags: uint }),
    void_,
  ),
  connectGetCpuModelNames: proc(
    312,
    struct({ arch: nonnullString, need_results: int, flags: uint }),
    struct({ models: names(REMOTE_CONNECT_CPU_MODELS_MAX), ret: int }),
  ),
  connectNetworkEventRegisterAny: proc(
    313,
    struct({ eventID: int, net: optional(nonnullNetwork) }),
    callbackId,
  ),
  connectNetworkEventDeregisterAny: proc(314, callbackId, void_),
  networkEventLifecycle: proc(
    315,
    struct({ callbackID: int, net: nonnullNetwork, event: int, detail: int }),
    void_,
  ),
  connectDomainEventCallbackRegisterAny: proc(
    316,
    struct({ eventID: int, dom: optional(nonnullDomain) }),
    callbackId,
  ),
  connectDomainEventCallbackDeregisterAny: proc(317, callbackId, void_),
  domainEventCallbackLifecycle: proc(
    318,
    struct({ callbackID: int, msg: domainEventLifecycleMsg }),
    void_,
  ),
  domainEventCallbackReboot: proc(319, struct({ callbackID: int, msg: dom }), void_),
  domainEventCallbackRtcChange: proc(
    320,
    struct({ callbackID: int, msg: struct({ dom: nonnullDomain, offset: hyper }) }),
    void_,
  ),
  domainEventCallbackWatchdog: proc(
    321,
    struct({ callbackID: int, msg: struct({ dom: nonnullDomain, action: int }) }),
    void_,
  ),
  domainEventCallbackIoError: proc(
    322,
    struct({
      callbackID: int,
      msg: struct({
        dom: nonnullDomain,
        srcPath: nonnullString,
        devAlias: nonnullString,
        action: int,
      }),
    }),
    void_,
  ),
  domainEventCallbackGraphics: proc(
    323,
    struct({
      callbackID: int,
      msg: struct({
        dom: nonnullDomain,
        phase: int,
        local: graphicsAddress,
        remote: graphicsAddress,
        authScheme: nonnullString,
        subject: array(
          struct({ type: nonnullString, name: nonnullString }),
          REMOTE_DOMAIN_EVENT_GRAPHICS_IDENTITY_MAX,
        ),
      }),
    }),
    void_,
  ),
  domainEventCallbackIoErrorReason: proc(
    324,
    struct({
      callbackID: int,
      msg: struct({
        dom: nonnullDomain,
        srcPath: nonnullString,
        devAlias: nonnullString,
        action: int,
        reason: nonnullString,
      }),
    }),
    void_,
  ),
  domainEventCallbackControlError: proc(325, struct({ callbackID: int, msg: dom }), void_),
  domainEventCallbackBlockJob: proc(
    326,
    struct({
      callbackID: int,
      msg: struct({ dom: nonnullDomain, path: nonnullString, type: int, status: int }),
    }),
    void_,
  ),
  domainEventCallbackDiskChange: proc(
    327,
    struct({
      callbackID: int,
      msg: struct({
        dom: nonnullDomain,
        oldSrcPath: optString,
        newSrcPath: optString,
        devAlias: nonnullString,
        reason: int,
      }),
    }),
    void_,
  ),
  domainEventCallbackTrayChange: proc(
    328,
    struct({
      callbackID: int,
      msg: struct({ dom: nonnullDomain, devAlias: nonnullString, reason: int }),
    }),
    void_,
  ),
  domainEventCallbackPmwakeup: proc(
    329,
    struct({ callbackID: int, reason: int, msg: dom }),
    void_,
  ),
  domainEventCallbackPmsuspend: proc(
    330,
    struct({ callbackID: int, reason: int, msg: dom }),
    void_,
  ),
  domainEventCallbackBalloonChange: proc(
    331,
    struct({ callbackID: int, msg: struct({ dom: nonnullDomain, actual: uhyper }) }),
    void_,
  ),
  domainEventCallbackPmsuspendDisk: proc(
    332,
    struct({ callbackID: int, reason: int, msg: dom }),
    void_,
  ),
  domainEventCallbackDeviceRemoved: proc(
    333,
    struct({ callbackID: int, msg: struct({ dom: nonnullDomain, devAlias: nonnullString }) }),
    void_,
  ),
  domainCoreDumpWithFormat: proc(
    334,
    struct({ dom: nonnullDomain, to: nonnullString, dumpformat: uint, flags: uint }),
    void_,
  ),
  domainFsfreeze: proc(
    335,
    struct({
      dom: nonnullDomain,
      mountpoints: names(REMOTE_DOMAIN_FSFREEZE_MOUNTPOINTS_MAX),
      flags: uint,
    }),
    struct({ filesystems: int }),
  ),
  domainFsthaw: proc(
    336,
    struct({
      dom: nonnullDomain,
      mountpoints: names(REMOTE_DOMAIN_FSFREEZE_MOUNTPOINTS_MAX),
      flags: uint,
    }),
    struct({ filesystems: int }),
  ),
  domainEventBlockJob2: proc(
    339,
    struct({
      callbackID: int,
      dom: nonnullDomain,
      dst: nonnullString,
      type: int,
      status: int,
    }),
    void_,
  ),
  domainGetTime: proc(337, domFlags, struct({ seconds: hyper, nseconds: uint })),
  domainSetTime: proc(
    338,
    struct({ dom: nonnullDomain, seconds: hyper, nseconds: uint, flags: uint }),
    void_,
  ),
  networkGetDhcpLeases: proc(
    341,
    struct({ net: nonnullNetwork, mac: optString, need_results: int, flags: uint }),
    struct({
      leases: array(
        struct({
          iface: nonnullString,
          expirytime: hyper,
          type: int,
          mac: optString,
          iaid: optString,
          ipaddr: nonnullString,
          prefix: uint,
          hostname: optString,
          clientid: optString,
        }),
        REMOTE_NETWORK_DHCP_LEASES_MAX,
      ),
      ret: uint,
    }),
  ),
  connectGetDomainCapabilities: proc(
    342,
    struct({
      emulatorbin: optString,
      arch: optString,
      machine: optString,
      virttype: optString,
      flags: uint,
    }),
    struct({ capabilities: nonnullString }),
  ),
  connectGetAllDomainStats: proc(
    344,
    struct({ doms: array(nonnullDomain, REMOTE_DOMAIN_LIST_MAX), stats: uint, flags: uint }),
    struct({
      retStats: array(
        struct({
          dom: nonnullDomain,
          params: array(typedParam, REMOTE_CONNECT_GET_ALL_DOMAIN_STATS_MAX),
        }),
        REMOTE_DOMAIN_LIST_MAX,
      ),
    }),
  ),
  domainEventCallbackTunable: proc(
    346,
    struct({
      callbackID: int,
      dom: nonnullDomain,
      params: array(typedParam, REMOTE_DOMAIN_EVENT_TUNABLE_MAX),
    }),
    void_,
  ),
  domainEventCallbackAgentLifecycle: proc(
    348,
    struct({ callbackID: int, dom: nonnullDomain, state: int, reason: int }),
    void_,
  ),
  domainGetFsinfo: proc(
    349,
    domFlags,
    struct({
      info: array(
        struct({
          mountpoint: nonnullString,
          name: nonnullString,
          fstype: nonnullString,
          dev_aliases: names(REMOTE_DOMAIN_FSINFO_DISKS_MAX),
        }),
        REMOTE_DOMAIN_FSINFO_MAX,
      ),
      ret: uint,
    }),
  ),
  domainDefineXmlFlags: proc(350, xmlFlags, retDom),
  domainGetIothreadInfo: proc(
    351,
    domFlags,
    struct({
      info: array(
        struct({ iothread_id: uint, cpumap: opaque(REMOTE_CPUMAP_MAX) }),
        REMOTE_IOTHREAD_INFO_MAX,
      ),
      ret: uint,
    }),
  ),
  domainPinIothread: proc(
    352,
    struct({
      dom: nonnullDomain,
      iothreads_id: uint,
      cpumap: opaque(REMOTE_CPUMAP_MAX),
      flags: uint,
    }),
    void_,
  ),
  domainInterfaceAddresses: proc(
    353,
    struct({ dom: nonnullDomain, source: uint, flags: uint }),
    struct({
      ifaces: array(
        struct({
          name: nonnullString,
          hwaddr: optString,
          addrs: array(
            struct({ type: int, addr: nonnullString, prefix: uint }),
            REMOTE_DOMAIN_IP_ADDR_MAX,
          ),
        }),
        REMOTE_DOMAIN_INTERFACE_MAX,
      ),
    }),
  ),
  domainEventCallbackDeviceAdded: proc(
    354,
    struct({ callbackID: int, dom: nonnullDomain, devAlias: nonnullString }),
    void_,
  ),
  domainAddIothread: proc(
    355,
    struct({ dom: nonnullDomain, iothread_id: uint, flags: uint }),
    void_,
  ),
  domainDelIothread: proc(
    356,
    struct({ dom: nonnullDomain, iothread_id: uint, flags: uint }),
    void_,
  ),
  domainSetUserPassword: proc(
    357,
    struct({ dom: nonnullDomain, user: optString, password: optString, flags: uint }),
    void_,
  ),
  domainRename: proc(
    358,
    struct({ dom: nonnullDomain, new_name: optString, flags: uint }),
    struct({ retcode: int }),
  ),
  domainEventCallbackMigrationIteration: proc(
    359,
    struct({ callbackID: int, dom: nonnullDomain, iteration: int }),
    void_,
  ),
  connectRegisterCloseCallback: proc(360, void_, void_),
  connectUnregisterCloseCallback: proc(361, void_, void_),
  connectEventConnectionClosed: proc(362, struct({ reason: int }), void_),
  domainEventCallbackJobCompleted: proc(
    363,
    struct({
      callbackID: int,
      dom: nonnullDomain,
      params: array(typedParam, REMOTE_DOMAIN_JOB_STATS_MAX),
    }),
    void_,
  ),
  domainMigrateStartPostCopy: proc(364, domFlags, void_),
  domainGetPerfEvents: proc(
    365,
    domFlags,
    struct({ params: array(typedParam, REMOTE_DOMAIN_PERF_EVENTS_MAX) }),
  ),
  domainSetPerfEvents: proc(366, setParams(REMOTE_DOMAIN_PERF_EVENTS_MAX), void_),
  domainEventCallbackDeviceRemovalFailed: proc(
    367,
    struct({ callbackID: int, dom: nonnullDomain, devAlias: nonnullString }),
    void_,
  ),
  connectStoragePoolEventRegisterAny: proc(
    368,
    struct({ eventID: int, pool: optional(nonnullStoragePool) }),
    callbackId,
  ),
  connectStoragePoolEventDeregisterAny: proc(369, callbackId, void_),
  storagePoolEventLifecycle: proc(
    370,
    struct({ callbackID: int, pool: nonnullStoragePool, event: int, detail: int }),
    void_,
  ),
  domainGetGuestVcpus: proc(
    371,
    domFlags,
    struct({ params: array(typedParam, REMOTE_DOMAIN_GUEST_VCPU_PARAMS_MAX) }),
  ),
  domainSetGuestVcpus: proc(
    372,
    struct({ dom: nonnullDomain, cpumap: nonnullString, state: int, flags: uint }),
    void_,
  ),
  storagePoolEventRefresh: proc(
    373,
    struct({ callbackID: int, pool: nonnullStoragePool }),
    void_,
  ),
  storageVolGetInfoFlags: proc(
    378,
    volFlags,
    struct({ type: int, capacity: uhyper, allocation: uhyper }),
  ),
  connectGetStoragePoolCapabilities: proc(
    403,
    flagsOnly,
    struct({ capabilities: nonnullString }),
  ),
  domainGetMessages: proc(
    426,
    domFlags,
    struct({ msgs: names(REMOTE_DOMAIN_MESSAGES_MAX) }),
  ),
  networkDefineXmlFlags: proc(
    432,
    struct({ xml: nonnullString, flags: uint }),
    retNet,
  ),
  networkCreateXmlFlags: proc(
    437,
    struct({ xml: nonnullString, flags: uint }),
    retNet,
  ),
} as const;

/** Name of a remote procedure in the table. */
export type ProcName = keyof typeof procedures;
/** Argument type of a procedure (`void` when it takes none). */
export type ProcArgs<P extends ProcName> = Infer<(typeof procedures)[P]["args"]>;
/** Result type of a procedure (`void` when it returns none). */
export type ProcRet<P extends ProcName> = Infer<(typeof procedures)[P]["ret"]>;

/** Procedure name by REMOTE_PROC_* number (for replies, events and error messages). */
export const procByNumber: Map<number, ProcName> = new Map(
  (Object.keys(procedures) as ProcName[]).map((name) => [procedures[name].number, name]),
);
