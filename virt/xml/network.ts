// Network XML as libvirt's network_conf reads and writes it for the test driver.

import {
  child,
  childText,
  elements,
  escapeXml,
  formatElement,
  parseXml,
  type XmlElement,
} from "./tree.ts";
import { DefinitionError } from "./domain.ts";
import { expectRoot, readUuid, stripBlankText } from "./read.ts";
import { formatUuid } from "./uuid.ts";

const FROM_NETWORK = 19;

/** A parsed network definition. */
export interface NetworkDef {
  name: string;
  uuid: Uint8Array;
  bridge?: string;
  forward?: XmlElement;
  bridgeEl?: XmlElement;
  /** Remaining elements in libvirt's order (mtu, mac, domain, dns, ip, route, ...). */
  rest: XmlElement[];
}

const REST_ORDER = ["metadata", "mtu", "mac", "domain", "dns", "ip", "route", "portgroup"];

/** Parse network XML text. */
export function parseNetworkXml(xml: string): NetworkDef {
  return parseNetworkElement(parseXml(xml, "(network_definition)"));
}

/** Parse a <network> element. */
export function parseNetworkElement(root: XmlElement): NetworkDef {
  expectRoot(root, "network", FROM_NETWORK);
  const name = childText(root, "name")?.trim();
  if (!name) {
    throw new DefinitionError(21, FROM_NETWORK, "missing name information");
  }
  if (name.includes("/")) {
    throw new DefinitionError(27, FROM_NETWORK, `XML error: name ${name} cannot contain '/'`);
  }
  const uuid = readUuid(
    root,
    () => new DefinitionError(1, FROM_NETWORK, "internal error: malformed uuid element"),
  );
  const fwdSrc = child(root, "forward");
  let forward: XmlElement | undefined;
  if (fwdSrc) {
    const attrs: Record<string, string> = {};
    if (fwdSrc.attrs.dev) attrs.dev = fwdSrc.attrs.dev;
    attrs.mode = fwdSrc.attrs.mode ?? "nat";
    for (const [k, v] of Object.entries(fwdSrc.attrs)) if (!(k in attrs)) attrs[k] = v;
    const kids = elements(fwdSrc).map(stripBlankText);
    if (fwdSrc.attrs.dev && !kids.some((k) => k.name === "interface")) {
      kids.push({ name: "interface", attrs: { dev: fwdSrc.attrs.dev }, children: [] });
    }
    forward = { name: "forward", attrs, children: kids };
  }
  const br = child(root, "bridge");
  const mode = forward?.attrs.mode;
  const routed = !forward || mode === "nat" || mode === "route" || mode === "open";
  let bridgeEl: XmlElement | undefined;
  if (br || routed) {
    const attrs: Record<string, string> = {};
    if (br?.attrs.name) attrs.name = br.attrs.name;
    if (br?.attrs.macTableManager) attrs.macTableManager = br.attrs.macTableManager;
    if (routed) {
      attrs.stp = br?.attrs.stp ?? "on";
      attrs.delay = br?.attrs.delay ?? "0";
    }
    bridgeEl = { name: "bridge", attrs, children: [] };
  }
  const kids = elements(root);
  const rest: XmlElement[] = [];
  for (const tag of REST_ORDER) rest.push(...kids.filter((k) => k.name === tag));
  const normalized = rest.map(stripBlankText).map((e) => {
    if (e.name === "mac" && e.attrs.address) {
      return { ...e, attrs: { ...e.attrs, address: e.attrs.address.toLowerCase() } };
    }
    return e.name === "dns" ? orderDns(e) : e;
  });
  return { name, uuid, bridge: br?.attrs.name, forward, bridgeEl, rest: normalized };
}

/** A <dns> element with its records in libvirt's order: forwarders, TXT, SRV, hosts. */
export function orderDns(dns: XmlElement): XmlElement {
  const kids = elements(dns);
  const order = ["forwarder", "txt", "srv", "host"];
  return {
    ...dns,
    children: [
      ...order.flatMap((tag) => kids.filter((k) => k.name === tag)),
      ...kids.filter((k) => !order.includes(k.name)),
    ],
  };
}

/** Format a network definition as `net-dumpxml` prints it. */
export function formatNetworkXml(def: NetworkDef): string {
  let out = "<network>\n";
  out += `  <name>${escapeXml(def.name)}</name>\n`;
  out += `  <uuid>${formatUuid(def.uuid)}</uuid>\n`;
  const meta = def.rest.filter((e) => e.name === "metadata");
  for (const m of meta) out += formatElement(m, 2);
  if (def.forward) out += formatElement(def.forward, 2);
  if (def.bridgeEl) out += formatElement(def.bridgeEl, 2);
  for (const e of def.rest) {
    if (e.name === "metadata") continue;
    // libvirt always writes <ip> with an opening and a closing tag.
    if (e.name === "ip" && e.children.length === 0) {
      out += formatElement({ ...e, children: [{ name: "x", attrs: {}, children: [] }] }, 2)
        .replace(/ {4}<x\/>\n/, "");
    } else out += formatElement(e, 2);
  }
  return out + "</network>\n";
}
