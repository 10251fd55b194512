// libvirt's XML documents (domain, network, storage pool and volume, host interface) parsed into
// definitions and formatted back byte for byte as libvirt writes them.

export {
  child,
  childrenNamed,
  childText,
  cloneElement,
  el,
  elements,
  escapeXml,
  formatElement,
  formatForeign,
  parseXml,
  text,
  type XmlElement,
  type XmlNode,
  XmlSyntaxError,
} from "./tree.ts";
export {
  cloneDomainDef,
  DefinitionError,
  diskNameToIndex,
  type DomainDef,
  domainDisks,
  domainInterfaces,
  formatCpuset,
  type FormatDomainOptions,
  formatDomainXml,
  hasMemballoon,
  parseCpuset,
  parseDomainElement,
  type ParseDomainOptions,
  parseDomainXml,
  randomMac,
  type TestNamespace,
} from "./domain.ts";
export {
  formatNetworkXml,
  type NetworkDef,
  orderDns,
  parseNetworkElement,
  parseNetworkXml,
} from "./network.ts";
export {
  formatPoolXml,
  formatVolumeXml,
  parsePoolElement,
  parsePoolXml,
  parseVolumeElement,
  type PoolDef,
  type VolumeDef,
} from "./pool.ts";
export {
  formatInterfaceXml,
  type InterfaceDef,
  parseInterfaceElement,
  parseInterfaceXml,
} from "./iface.ts";
export { formatUuid, parseUuid, randomUuid, uuidEqual } from "./uuid.ts";
