// Virtual networks and host interfaces on a Connection: lookups, lists, XML and life cycle, with
// the string parsing (UUIDs, MAC addresses) libvirt's client library does before a call.

import type { Connection } from "./connection.ts";
import { ErrorCode, VirtError } from "./errors.ts";
import type { RemoteInterface, RemoteNetwork } from "./remote/protocol.ts";

/** Network and interface references as the protocol carries them. */
export type { RemoteInterface, RemoteNetwork };

/** libvirt's virConnectListAllNetworksFlags. */
export const ListNetworks = {
  INACTIVE: 1 << 0,
  ACTIVE: 1 << 1,
  PERSISTENT: 1 << 2,
  TRANSIENT: 1 << 3,
  AUTOSTART: 1 << 4,
  NO_AUTOSTART: 1 << 5,
} as const;

/** libvirt's virConnectListAllInterfacesFlags. */
export const ListInterfaces = { INACTIVE: 1 << 0, ACTIVE: 1 << 1 } as const;

/** VIR_NETWORK_XML_INACTIVE / VIR_INTERFACE_XML_INACTIVE. */
export const XML_INACTIVE = 1;

export { formatUuid } from "./xml/uuid.ts";

const isSpace = (c: string) => c === " " || (c >= "\t" && c <= "\r");
const isHex = (c: string) => /^[0-9a-fA-F]$/.test(c);

/**
 * Parse a UUID as libvirt's virUUIDParse does: 32 hex digits, with any '-' or ' ' between the
 * byte pairs and white space around. Returns undefined when the text is no UUID.
 */
export function parseUuid(text: string): Uint8Array | undefined {
  const out = new Uint8Array(16);
  let i = 0;
  while (i < text.length && isSpace(text[i])) i++;
  for (let n = 0; n < 16;) {
    if (i >= text.length) return undefined;
    if (text[i] === "-" || text[i] === " ") {
      i++;
      continue;
    }
    if (!isHex(text[i]) || i + 1 >= text.length || !isHex(text[i + 1])) return undefined;
    out[n++] = parseInt(text.slice(i, i + 2), 16);
    i += 2;
  }
  for (; i < text.length; i++) if (!isSpace(text[i])) return undefined;
  return out;
}

/** Whether `text` is a MAC address as libvirt's virMacAddrParse accepts it ("0:1e:FC:e:3a:cb"). */
export function isMacAddress(text: string): boolean {
  return /^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$/.test(text);
}

/**
 * The UUID written in `text`, as libvirt's client library parses it before calling `fn`
 * (a *LookupByUUIDString function); malformed text is its INVALID_ARG error.
 */
export function uuidArgument(text: string, fn: string): Uint8Array {
  const uuid = parseUuid(text);
  if (uuid) return uuid;
  throw new VirtError({
    code: ErrorCode.INVALID_ARG,
    domain: 0,
    message: `uuidstr in ${fn} must be a valid UUID`,
  });
}

// ---- networks ----

/** All networks matching `flags` (ListNetworks bits; 0 for all). */
export async function listNetworks(conn: Connection, flags: number): Promise<RemoteNetwork[]> {
  return (await conn.call("connectListAllNetworks", { need_results: 1, flags })).nets;
}

/** The network called `name`; rejects with libvirt's "Network not found" error. */
export async function networkByName(conn: Connection, name: string): Promise<RemoteNetwork> {
  return (await conn.call("networkLookupByName", { name })).net;
}

/** The network whose UUID is written in `text`; a malformed UUID is refused before the call. */
export async function networkByUuidString(conn: Connection, text: string): Promise<RemoteNetwork> {
  const uuid = uuidArgument(text, "virNetworkLookupByUUIDString");
  return (await conn.call("networkLookupByUuid", { uuid })).net;
}

/** The network's XML description (`flags`: XML_INACTIVE for the persistent definition). */
export async function networkXml(conn: Connection, net: RemoteNetwork, flags = 0): Promise<string> {
  return (await conn.call("networkGetXmlDesc", { net, flags })).xml;
}

/** Whether the network is running. */
export async function networkIsActive(conn: Connection, net: RemoteNetwork): Promise<boolean> {
  return (await conn.call("networkIsActive", { net })).active !== 0;
}

/** Whether the network has a persistent definition. */
export async function networkIsPersistent(conn: Connection, net: RemoteNetwork): Promise<boolean> {
  return (await conn.call("networkIsPersistent", { net })).persistent !== 0;
}

/** Whether the network starts with the host. */
export async function networkAutostart(conn: Connection, net: RemoteNetwork): Promise<boolean> {
  return (await conn.call("networkGetAutostart", { net })).autostart !== 0;
}

/** Turn autostart on or off. */
export async function setNetworkAutostart(
  conn: Connection,
  net: RemoteNetwork,
  autostart: boolean,
): Promise<void> {
  await conn.call("networkSetAutostart", { net, autostart: autostart ? 1 : 0 });
}

/** The name of the network's bridge device. */
export async function networkBridge(conn: Connection, net: RemoteNetwork): Promise<string> {
  return (await conn.call("networkGetBridgeName", { net })).name;
}

/** Define (or redefine) a persistent network from XML. */
export async function defineNetwork(conn: Connection, xml: string): Promise<RemoteNetwork> {
  return (await conn.call("networkDefineXml", { xml })).net;
}

/** Create and start a transient network from XML. */
export async function createNetwork(conn: Connection, xml: string): Promise<RemoteNetwork> {
  return (await conn.call("networkCreateXml", { xml })).net;
}

/** Start a defined network. */
export async function startNetwork(conn: Connection, net: RemoteNetwork): Promise<void> {
  await conn.call("networkCreate", { net });
}

/** Stop a network (a transient one disappears). */
export async function destroyNetwork(conn: Connection, net: RemoteNetwork): Promise<void> {
  await conn.call("networkDestroy", { net });
}

/** Remove a network's persistent definition. */
export async function undefineNetwork(conn: Connection, net: RemoteNetwork): Promise<void> {
  await conn.call("networkUndefine", { net });
}

/** libvirt's virNetworkUpdateCommand values. */
export const NetworkUpdateCommand = {
  modify: 1,
  delete: 2,
  "add-last": 3,
  "add-first": 4,
} as const;

/** libvirt's virNetworkUpdateSection values, by the names virsh accepts. */
export const NetworkSection = {
  bridge: 1,
  domain: 2,
  ip: 3,
  "ip-dhcp-host": 4,
  "ip-dhcp-range": 5,
  forward: 6,
  "forward-interface": 7,
  "forward-pf": 8,
  portgroup: 9,
  "dns-host": 10,
  "dns-txt": 11,
  "dns-srv": 12,
} as const;

/** libvirt's virNetworkUpdateFlags. */
export const NetworkUpdateFlags = { CURRENT: 0, LIVE: 1, CONFIG: 2 } as const;

/** Add, change or remove one piece (`section`) of a network's definition. */
export async function updateNetwork(
  conn: Connection,
  net: RemoteNetwork,
  update: { command: number; section: number; parentIndex: number; xml: string; flags: number },
): Promise<void> {
  await conn.call("networkUpdate", { net, ...update });
}

/** One DHCP lease a network's DHCP server handed out. */
export interface DhcpLease {
  iface: string;
  /** Seconds since the epoch. */
  expirytime: bigint;
  /** 0 for IPv4, 1 for IPv6. */
  type: number;
  mac: string | null;
  iaid: string | null;
  ipaddr: string;
  prefix: number;
  hostname: string | null;
  clientid: string | null;
}

/** The network's DHCP leases, all of them or those of one MAC address. */
export async function networkDhcpLeases(
  conn: Connection,
  net: RemoteNetwork,
  mac: string | undefined,
): Promise<DhcpLease[]> {
  const r = await conn.call("networkGetDhcpLeases", {
    net,
    mac: mac ?? null,
    need_results: 1,
    flags: 0,
  });
  return r.leases;
}

// ---- host interfaces ----

/** All host interfaces matching `flags` (ListInterfaces bits). */
export async function listInterfaces(conn: Connection, flags: number): Promise<RemoteInterface[]> {
  return (await conn.call("connectListAllInterfaces", { need_results: 1, flags })).ifaces;
}

/** The interface called `name`. */
export async function interfaceByName(conn: Connection, name: string): Promise<RemoteInterface> {
  return (await conn.call("interfaceLookupByName", { name })).iface;
}

/** The interface with MAC address `mac`. */
export async function interfaceByMac(conn: Connection, mac: string): Promise<RemoteInterface> {
  return (await conn.call("interfaceLookupByMacString", { mac })).iface;
}

/** Whether the interface is up. */
export async function interfaceIsActive(
  conn: Connection,
  iface: RemoteInterface,
): Promise<boolean> {
  return (await conn.call("interfaceIsActive", { iface })).active !== 0;
}

/** The interface's XML description (`flags`: XML_INACTIVE for the persistent definition). */
export async function interfaceXml(
  conn: Connection,
  iface: RemoteInterface,
  flags = 0,
): Promise<string> {
  return (await conn.call("interfaceGetXmlDesc", { iface, flags })).xml;
}

/** Define (or redefine) a host interface from XML (`flags`: 1 to validate against the schema). */
export async function defineInterface(
  conn: Connection,
  xml: string,
  flags = 0,
): Promise<RemoteInterface> {
  return (await conn.call("interfaceDefineXml", { xml, flags })).iface;
}

/** Remove an interface's definition. */
export async function undefineInterface(conn: Connection, iface: RemoteInterface): Promise<void> {
  await conn.call("interfaceUndefine", { iface });
}

/** Bring an interface up. */
export async function startInterface(conn: Connection, iface: RemoteInterface): Promise<void> {
  await conn.call("interfaceCreate", { iface, flags: 0 });
}

/** Bring an interface down. */
export async function destroyInterface(conn: Connection, iface: RemoteInterface): Promise<void> {
  await conn.call("interfaceDestroy", { iface, flags: 0 });
}

/** Start, commit or roll back a host network configuration transaction. */
export async function interfaceTransaction(
  conn: Connection,
  step: "begin" | "commit" | "rollback",
): Promise<void> {
  const proc = step === "begin"
    ? "interfaceChangeBegin"
    : step === "commit"
    ? "interfaceChangeCommit"
    : "interfaceChangeRollback";
  await conn.call(proc, { flags: 0 });
}
