// Host interface XML (virInterfaceDef) as the test driver formats it.

import { child, elements, escapeXml, formatElement, parseXml, type XmlElement } from "./tree.ts";
import { DefinitionError } from "./domain.ts";
import { expectRoot, stripBlankText } from "./read.ts";

const FROM_INTERFACE = 26;

/** A parsed host interface definition. */
export interface InterfaceDef {
  type: string;
  name: string;
  mac?: string;
  el: XmlElement;
}

const ORDER = ["start", "mtu", "protocol", "mac", "bridge", "bond", "vlan", "link"];

/** Parse interface XML text. */
export function parseInterfaceXml(xml: string): InterfaceDef {
  return parseInterfaceElement(parseXml(xml, "(interface_definition)"));
}

/** Parse an <interface> element of a host interface. */
export function parseInterfaceElement(root: XmlElement): InterfaceDef {
  expectRoot(root, "interface", FROM_INTERFACE);
  const type = root.attrs.type;
  if (!type) {
    throw new DefinitionError(27, FROM_INTERFACE, "XML error: interface misses the type attribute");
  }
  const name = root.attrs.name;
  if (!name) {
    throw new DefinitionError(27, FROM_INTERFACE, "XML error: interface has no name");
  }
  const kids = elements(root);
  const children: XmlElement[] = [];
  for (const tag of ORDER) children.push(...kids.filter((k) => k.name === tag).map(stripBlankText));
  return {
    type,
    name,
    mac: child(root, "mac")?.attrs.address,
    el: { name: "interface", attrs: { type, name }, children },
  };
}

/** Format an interface definition as `iface-dumpxml` prints it. */
export function formatInterfaceXml(def: InterfaceDef): string {
  let out = `<interface type='${escapeXml(def.type)}' name='${escapeXml(def.name)}'>\n`;
  for (const c of def.el.children) if (typeof c !== "string") out += formatElement(c, 2);
  return out + "</interface>\n";
}
