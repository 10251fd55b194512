// Finding the network or interface an option names, the way virsh does: by UUID when the text
// has a UUID's length, else by name; interfaces by MAC when the text is a MAC address, else by
// name. A failure names the text; the driver's own error, if any, follows it.

import type { ShellContext } from "../../shell/mod.ts";
import type { VirtError } from "../../virt/errors.ts";
import {
  interfaceByMac,
  interfaceByName,
  isMacAddress,
  networkByName,
  networkByUuidString,
  type RemoteInterface,
  type RemoteNetwork,
} from "../../virt/network.ts";
import { attempt, type LookupBy, lookupByUuidOrName, lookupFailed } from "../common.ts";

/** The network `text` names (virsh's virshCommandOptNetworkBy). */
export async function lookupNetwork(
  ctx: ShellContext,
  text: string,
  by: LookupBy = { uuid: true, name: true },
): Promise<RemoteNetwork> {
  return await lookupByUuidOrName(ctx, "network", text, by, networkByUuidString, networkByName);
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
  if (!iface) throw lookupFailed(`failed to get interface '${text}'`, errors);
  return iface;
}
