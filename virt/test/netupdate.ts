// virNetworkUpdate for the test driver: edits one section of a network definition in place
// (DHCP hosts and ranges, DNS hosts), with libvirt's checks and messages.

import { ErrorCode } from "../errors.ts";
import { type NetworkDef, orderDns } from "../xml/network.ts";
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

/** virMacAddrParse and the unicast check of a DHCP host entry (libvirt keeps the text given). */
function checkMac(def: NetworkDef, mac: string | undefined): string | undefined {
  if (mac === undefined) return undefined;
  const parts = mac.split(":");
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) {
    throw virtError(
      ErrorCode.XML_ERROR,
      `Cannot parse MAC address '${mac}' in network '${def.name}'`,
      From.NETWORK,
    );
  }
  if (parseInt(parts[0], 16) & 1) {
    throw virtError(
      ErrorCode.XML_ERROR,
      `expected unicast mac address, found multicast '${mac}' in network '${def.name}'`,
      From.NETWORK,
    );
  }
  return mac;
}

function updateDhcpHost(def: NetworkDef, command: number, parentIndex: number, node: XmlElement) {
  const ip = ipByIndex(def, parentIndex);
  const host = el("host", {
    mac: checkMac(def, node.attrs.mac),
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

function updateForwardInterface(def: NetworkDef, command: number, node: XmlElement) {
  if (command === MODIFY) {
    unsupported("forward interface entries cannot be modified, only added or deleted");
  }
  const dev = node.attrs.dev;
  if (dev === undefined) {
    throw virtError(
      ErrorCode.XML_ERROR,
      "missing dev attribute in <interface> element",
      From.NETWORK,
    );
  }
  const forward = def.forward ??= el("forward", { mode: "nat" });
  const ifaces = childrenNamed(forward, "interface");
  const found = ifaces.find((i) => i.attrs.dev === dev);
  if (command === ADD_FIRST || command === ADD_LAST) {
    if (found) {
      throw operationInvalid(
        `there is an existing interface entry in network '${def.name}' that matches "<interface dev='${dev}'>"`,
        From.NETWORK,
      );
    }
    insertAt(
      forward.children as XmlElement[],
      el("interface", { dev }),
      command === ADD_FIRST,
      "interface",
    );
  } else if (command === DELETE) {
    if (!found) {
      throw operationInvalid(
        `couldn't find an interface entry in network '${def.name}' matching <interface dev='${dev}'>`,
        From.NETWORK,
      );
    }
    forward.children = forward.children.filter((c) => c !== found);
  } else unknownCommand(command);
  // The first forward interface is also written as the forward element's dev attribute.
  const first = childrenNamed(forward, "interface")[0]?.attrs.dev;
  const { dev: _old, ...rest } = forward.attrs;
  forward.attrs = first === undefined ? rest : { dev: first, ...rest };
}

function hostnames(e: XmlElement): string[] {
  return childrenNamed(e, "hostname").map((h) => (text(h) ?? "").trim());
}

/** The <dns> element, created in its place when missing. */
function dnsOf(def: NetworkDef): XmlElement {
  let dns = def.rest.find((e) => e.name === "dns");
  if (!dns) {
    dns = el("dns");
    const at = def.rest.findIndex((e) => e.name === "ip" || e.name === "route");
    if (at < 0) def.rest.push(dns);
    else def.rest.splice(at, 0, dns);
  }
  return dns;
}

function addOrDelete(
  dns: XmlElement,
  command: number,
  entry: XmlElement,
  found: XmlElement[],
  messages: { exists: string; missing: string; multiple?: string },
): void {
  if (command === ADD_FIRST || command === ADD_LAST) {
    if (found.length) throw operationInvalid(messages.exists, From.NETWORK);
    insertAt(dns.children as XmlElement[], entry, command === ADD_FIRST, entry.name);
  } else if (command === DELETE) {
    if (found.length === 0) throw operationInvalid(messages.missing, From.NETWORK);
    if (found.length > 1 && messages.multiple) {
      throw operationInvalid(messages.multiple, From.NETWORK);
    }
    dns.children = dns.children.filter((c) => c !== found[0]);
  } else unknownCommand(command);
  dns.children = orderDns(dns).children;
}

function updateDnsHost(def: NetworkDef, command: number, node: XmlElement) {
  const entry = el("host", { ip: node.attrs.ip }, childrenNamed(node, "hostname"));
  const names = hostnames(entry);
  const isAdd = command === ADD_FIRST || command === ADD_LAST;
  const dns = dnsOf(def);
  // Adding checks addresses only: several addresses may carry one name.
  const found = childrenNamed(dns, "host").filter((e) =>
    e.attrs.ip === entry.attrs.ip || (!isAdd && hostnames(e).some((n) => names.includes(n)))
  );
  addOrDelete(dns, command, entry, found, {
    exists:
      `there is already at least one DNS HOST record with a matching field in network ${def.name}`,
    missing: `couldn't locate a matching DNS HOST record in network ${def.name}`,
    multiple: `multiple matching DNS HOST records were found in network ${def.name}`,
  });
}

function updateDnsTxt(def: NetworkDef, command: number, node: XmlElement) {
  const entry = el("txt", { name: node.attrs.name, value: node.attrs.value });
  const dns = dnsOf(def);
  const found = childrenNamed(dns, "txt").filter((e) => e.attrs.name === entry.attrs.name);
  addOrDelete(dns, command, entry, found.slice(0, 1), {
    exists:
      `there is already a DNS TXT record with name '${entry.attrs.name}' in network ${def.name}`,
    missing: `couldn't locate a matching DNS TXT record in network ${def.name}`,
  });
}

function updateDnsSrv(def: NetworkDef, command: number, node: XmlElement) {
  const a = node.attrs;
  const entry = el("srv", {
    service: a.service,
    protocol: a.protocol,
    domain: a.domain,
    target: a.target,
    port: a.port,
    priority: a.priority,
    weight: a.weight,
  });
  const dns = dnsOf(def);
  const same = (k: string, e: XmlElement) => a[k] === undefined || a[k] === e.attrs[k];
  const found = childrenNamed(dns, "srv").filter((e) =>
    same("domain", e) && same("service", e) && same("protocol", e) && same("target", e)
  );
  addOrDelete(dns, command, entry, found, {
    exists:
      `there is already at least one DNS SRV record matching all specified fields in network ${def.name}`,
    missing: `couldn't locate a matching DNS SRV record in network ${def.name}`,
    multiple:
      `multiple DNS SRV records matching all specified fields were found in network ${def.name}`,
  });
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
      if (command === MODIFY) {
        unsupported("DNS HOST records cannot be modified, only added or deleted");
      }
      expect("host");
      return updateDnsHost(def, command, node);
    case "forward-interface":
      expect("interface");
      return updateForwardInterface(def, command, node);
    case "dns-txt":
      if (command === MODIFY) {
        unsupported("DNS TXT records cannot be modified, only added or deleted");
      }
      expect("txt");
      return updateDnsTxt(def, command, node);
    case "dns-srv":
      if (command === MODIFY) {
        unsupported("DNS SRV records cannot be modified, only added or deleted");
      }
      expect("srv");
      return updateDnsSrv(def, command, node);
    case undefined:
    case "none":
      unsupported(`can't update unrecognized section of network`);
      break;
    default:
      noSupport(def, name);
  }
}
