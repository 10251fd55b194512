// Finding the network or interface an option names, the way virsh does: by UUID when the text
// has a UUID's length, else by name; interfaces by MAC when the text is a MAC address, else by
// name. A failure names the text; the driver's own error, if any, follows it.

import { VshError } from "../../shell/mod.ts";
import type { ShellContext } from "../../shell/mod.ts";
import { VirtError } from "../../virt/errors.ts";
import {
  interfaceByMac,
  interfaceByName,
  isMacAddress,
  networkByName,
  networkByUuidString,
  type RemoteInterface,
  type RemoteNetwork,
} from "../../virt/network.ts";

/** Which lookups an option allows. */
export interface LookupBy {
  uuid?: boolean;
  name?: boolean;
}

const encoder = new TextEncoder();

// virsh compares the option's length in bytes with VIR_UUID_STRING_BUFLEN - 1.
const UUID_STRING_LEN = 36;
const byteLength = (s: string) => encoder.encode(s).length;

// Keeps the last libvirt error of the attempts, as virsh reports the pending one.
async function attempt<T>(fn: () => Promise<T>, errors: VirtError[]): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof VirtError)) throw e;
    errors.push(e);
    return undefined;
  }
}

function notFound(kind: string, text: string, errors: VirtError[]): VshError {
  const cause = errors.at(-1);
  return new VshError(`failed to get ${kind} '${text}'`, cause ? { cause } : undefined);
}

/** The network `text` names (virsh's virshCommandOptNetworkBy). */
export async function lookupNetwork(
  ctx: ShellContext,
  text: string,
  by: LookupBy = { uuid: true, name: true },
): Promise<RemoteNetwork> {
  const conn = ctx.conn;
  const errors: VirtError[] = [];
  let net: RemoteNetwork | undefined;
  if (by.uuid && byteLength(text) === UUID_STRING_LEN) {
    net = await attempt(() => networkByUuidString(conn, text), errors);
  }
  if (!net && by.name) net = await attempt(() => networkByName(conn, text), errors);
  if (!net) throw notFound("network", text, errors);
  return net;
}

/** The host interface `text` names (virsh's virshCommandOptInterfaceBy). */
export async function lookupInterface(
  ctx: ShellContext,
  text: string,
  by: { name?: boolean; mac?: boolean } = { name: true, mac: true },
): Promise<RemoteInterface> {
  const conn = ctx.conn;
  const errors: VirtError[] = [];
  let iface: RemoteInterface | undefined;
  const mac = isMacAddress(text);
  if (!mac && by.name) iface = await attempt(() => interfaceByName(conn, text), errors);
  else if (mac && by.mac) iface = await attempt(() => interfaceByMac(conn, text), errors);
  if (!iface) throw notFound("interface", text, errors);
  return iface;
}

/** virsh's vshStrcasecmp: byte-wise comparison with ASCII letters folded to lower case. */
export function compareNames(a: string, b: string): number {
  const x = encoder.encode(a), y = encoder.encode(b);
  const lower = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = lower(x[i]) - lower(y[i]);
    if (d) return d;
  }
  return x.length - y.length;
}
