// virNetworkUpdate for the test driver: edits one section of a network definition in place
// (DHCP hosts and ranges, DNS hosts), with libvirt's checks and messages.

import { ErrorCode } from "../errors.ts";
import type { NetworkDef } from "../xml/network.ts";
import {
  child,
  childrenNamed,
  el,
  elements,
  parseXml,
  text,
  type XmlElement,
} from "../xml/tree.ts";
import { definitionToVirtError } from "./state.ts";
import { From, operationInvalid, virtError } from "./errors.ts";

const MODIFY = 1;
const DELETE = 2;
const ADD_LAST = 3;
const ADD_FIRST = 4;

const SECTIONS = [
  "none",
  "bridge",
  "domain",
  "ip",
  "ip-dhcp-host",
  "ip-dhcp-range",
  "forward",
  "forward-interface",
  "forward-pf",
  "portgroup",
  "dns-host",
  "dns-txt",
  "dns-srv",
];

function unsupported(msg: string): never {
  throw virtError(ErrorCode.OPERATION_UNSUPPORTED, msg, From.NETWORK);
}

function noSupport(def: NetworkDef, section: string): never {
  unsupported(`can't update '${section}' section of network '${def.name}'`);
}

function unknownCommand(command: number): never {
  unsupported(`unrecognized network update command code ${command}`);
}

function isIpv6(ip: XmlElement): boolean {
  return ip.attrs.family === "ipv6" || (ip.attrs.address ?? "").includes(":");
}

/** virNetworkIPDefByIndex: the <ip> a DHCP update applies to. */
function ipByIndex(def: NetworkDef, parentIndex: number): XmlElement {
  const ips = def.rest.filter((e) => e.name === "ip");
  if (parentIndex >= 0) {
    const ip = ips[parentIndex];
    if (!ip) {
      throw operationInvalid(
        `couldn't update dhcp host entry - no <ip> element found at index ${parentIndex} in network '${def.name}'`,
        From.NETWORK,
      );
    }
    return ip;
  }
  const withDhcp = ips.find((ip) => {
    const dhcp = child(ip, "dhcp");
    return dhcp && elements(dhcp).some((e) => e.name === "range" || e.name === "host");
  });
  const ip = withDhcp ?? ips.find((i) => !isIpv6(i)) ?? ips.find(isIpv6);
  if (!ip) {
    throw operationInvalid(
      `couldn't update dhcp host entry - no <ip> element found in network '${def.name}'`,
      From.NETWORK,
    );
  }
  return ip;
}

function dhcpOf(ip: XmlElement): XmlElement {
  let dhcp = child(ip, "dhcp");
  if (!dhcp) {
    dhcp = el("dhcp");
    ip.children.push(dhcp);
  }
  return dhcp;
}

/** Keep <dhcp> children in libvirt's order: ranges, then hosts, then bootp. */
function sortDhcp(dhcp: XmlElement): void {
  const kids = elements(dhcp);
  dhcp.children = [
    ...kids.filter((k) => k.name === "range"),
    ...kids.filter((k) => k.name === "host"),
    ...kids.filter((k) => k.name !== "range" && k.name !== "host"),
  ];
}

function insertAt(list: XmlElement[], item: XmlElement, first: boolean, tag: string): void {
  const same = list.map((e, i) => [e, i] as const).filter(([e]) => e.name === tag);
  if (first && same.length) list.splice(same[0][1], 0, item);
  else if (!first && same.length) list.splice(same[same.length - 1][1] + 1, 0, item);
  else list.push(item);
}

function sameMac(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

function updateDhcpHost(def: NetworkDef, command: number, parentIndex: number, node: XmlElement) {
  const ip = ipByIndex(def, parentIndex);
  const host = el("host", {
    mac: node.attrs.mac?.toLowerCase(),
    id: node.attrs.id,
    name: node.attrs.name,
    ip: node.attrs.ip,
  });
  const dhcp = dhcpOf(ip);
  const hosts = childrenNamed(dhcp, "host");
  const h = host.attrs;
  if (command === MODIFY) {
    const i = hosts.findIndex((e) =>
      sameMac(h.mac, e.attrs.mac) || (h.ip !== undefined && h.ip === e.attrs.ip) ||
      (h.name !== undefined && h.name === e.attrs.name)
    );
    if (i < 0) {
      throw operationInvalid(
        `couldn't locate an existing dhcp host entry with "mac='${h.mac ?? "unknown"}'" ` +
          `"name='${h.name ?? "(null)"}'" "ip='${h.ip ?? "unknown"}'" in network '${def.name}'`,
        From.NETWORK,
      );
    }
    dhcp.children[dhcp.children.indexOf(hosts[i])] = host;
  } else if (command === ADD_FIRST || command === ADD_LAST) {
    const clash = hosts.some((e) =>
      sameMac(h.mac, e.attrs.mac) || (h.name !== undefined && h.name === e.attrs.name) ||
      (h.ip !== undefined && h.ip === e.attrs.ip)
    );
    if (clash) {
      throw operationInvalid(
        `there is an existing dhcp host entry in network '${def.name}' that matches ` +
          `"<host mac='${h.mac ?? "unknown"}' name='${h.name ?? "(null)"}' ip='${
            h.ip ?? "unknown"
          }'/>"`,
        From.NETWORK,
      );
    }
    insertAt(dhcp.children as XmlElement[], host, command === ADD_FIRST, "host");
  } else if (command === DELETE) {
    const i = hosts.findIndex((e) =>
      (h.mac === undefined || e.attrs.mac === undefined || sameMac(h.mac, e.attrs.mac)) &&
      (h.name === undefined || h.name === e.attrs.name) &&
      (h.ip === undefined || h.ip === e.attrs.ip)
    );
    if (i < 0) {
      throw operationInvalid(
        `couldn't locate a matching dhcp host entry in network '${def.name}'`,
        From.NETWORK,
      );
    }
    dhcp.children = dhcp.children.filter((c) => c !== hosts[i]);
  } else unknownCommand(command);
  sortDhcp(dhcp);
}

function updateDhcpRange(def: NetworkDef, command: number, parentIndex: number, node: XmlElement) {
  const ip = ipByIndex(def, parentIndex);
  if (command === MODIFY) unsupported("dhcp ranges cannot be modified, only added or deleted");
  const range = el("range", { start: node.attrs.start, end: node.attrs.end });
  const dhcp = dhcpOf(ip);
  const ranges = childrenNamed(dhcp, "range");
  const found = ranges.find((r) =>
    r.attrs.start === range.attrs.start && r.attrs.end === range.attrs.end
  );
  if (command === ADD_FIRST || command === ADD_LAST) {
    if (found) {
      throw operationInvalid(
        `there is an existing dhcp range entry in network '${def.name}' that matches ` +
          `"<range start='${range.attrs.start}' end='${range.attrs.end}'/>"`,
        From.NETWORK,
      );
    }
    insertAt(dhcp.children as XmlElement[], range, command === ADD_FIRST, "range");
  } else if (command === DELETE) {
    if (!found) {
      throw operationInvalid(
        `couldn't locate a matching dhcp range entry in network '${def.name}'`,
        From.NETWORK,
      );
    }
    dhcp.children = dhcp.children.filter((c) => c !== found);
  } else unknownCommand(command);
  sortDhcp(dhcp);
}

function hostnames(e: XmlElement): string[] {
  return childrenNamed(e, "hostname").map((h) => (text(h) ?? "").trim());
}

function updateDnsHost(def: NetworkDef, command: number, node: XmlElement) {
  let dns = def.rest.find((e) => e.name === "dns");
  const entry = el("host", { ip: node.attrs.ip }, childrenNamed(node, "hostname"));
  const existing = dns ? childrenNamed(dns, "host") : [];
  const names = hostnames(entry);
  const matches = (e: XmlElement) =>
    e.attrs.ip === entry.attrs.ip ||
    hostnames(e).some((n) => names.includes(n));
  if (command === MODIFY) unsupported("DNS HOST records cannot be modified, only added or deleted");
  if (command === ADD_FIRST || command === ADD_LAST) {
    if (existing.some(matches)) {
      throw operationInvalid(
        `there is already at least one DNS HOST record with a matching field in network ${def.name}`,
        From.NETWORK,
      );
    }
    if (!dns) {
      dns = el("dns");
      const at = def.rest.findIndex((e) => e.name === "ip" || e.name === "route");
      if (at < 0) def.rest.push(dns);
      else def.rest.splice(at, 0, dns);
    }
    insertAt(dns.children as XmlElement[], entry, command === ADD_FIRST, "host");
  } else if (command === DELETE) {
    const found = existing.filter(matches);
    if (found.length === 0) {
      throw operationInvalid(
        `couldn't locate a matching DNS HOST record in network ${def.name}`,
        From.NETWORK,
      );
    }
    if (found.length > 1) {
      throw operationInvalid(
        `multiple matching DNS HOST records were found in network ${def.name}`,
        From.NETWORK,
      );
    }
    dns!.children = dns!.children.filter((c) => c !== found[0]);
  } else unknownCommand(command);
}

/** Apply one virNetworkUpdate command to a definition, as libvirt's network_conf does. */
export function updateNetworkDef(
  def: NetworkDef,
  command: number,
  section: number,
  parentIndex: number,
  xml: string,
): void {
  let node: XmlElement;
  try {
    node = parseXml(xml, "network_update_xml");
  } catch (e) {
    throw definitionToVirtError(e, From.NETWORK);
  }
  const name = SECTIONS[section];
  const expect = (tag: string) => {
    if (node.name !== tag) {
      throw virtError(
        ErrorCode.XML_ERROR,
        `unexpected element <${node.name}>, expecting <${tag}>, while updating network '${def.name}'`,
        From.NETWORK,
      );
    }
  };
  switch (name) {
    case "ip-dhcp-host":
      expect("host");
      return updateDhcpHost(def, command, parentIndex, node);
    case "ip-dhcp-range":
      expect("range");
      return updateDhcpRange(def, command, parentIndex, node);
    case "dns-host":
      expect("host");
      return updateDnsHost(def, command, node);
    case undefined:
    case "none":
      unsupported(`can't update unrecognized section of network`);
      break;
    default:
      noSupport(def, name);
  }
}
