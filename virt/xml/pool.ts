// Storage pool and volume XML as libvirt's storage_conf formats them for the test driver.

import {
  child,
  childText,
  elements,
  escapeXml,
  formatElement,
  parseXml,
  text,
  type XmlElement,
} from "./tree.ts";
import { DefinitionError } from "./domain.ts";
import { expectRoot, readUuid, STORAGE_FILE_FORMATS, stripBlankText } from "./read.ts";
import { formatUuid } from "./uuid.ts";

const FROM_STORAGE = 18;

/** A parsed storage pool definition; sizes in bytes. */
export interface PoolDef {
  type: string;
  name: string;
  uuid: Uint8Array;
  capacity: bigint;
  allocation: bigint;
  available: bigint;
  source: XmlElement;
  targetPath?: string;
  target?: XmlElement;
}

/** A parsed storage volume definition; sizes in bytes. */
export interface VolumeDef {
  name: string;
  key: string;
  type: string;
  capacity: bigint;
  allocation: bigint;
  path: string;
  format?: string;
  /** The backing store's path and format (raw when not given), for a volume that has one. */
  backing?: { path: string; format: string };
  el: XmlElement;
}

// A volume's format: one of libvirt's storage file formats ("none" is refused).
function volumeFormat(e: XmlElement | undefined): string | undefined {
  const type = e ? child(e, "format")?.attrs.type : undefined;
  if (type !== undefined && !STORAGE_FILE_FORMATS.includes(type)) {
    throw new DefinitionError(
      67,
      FROM_STORAGE,
      `unsupported configuration: unknown volume format type ${type}`,
    );
  }
  return type;
}

const SCALE: Record<string, bigint> = {
  b: 1n,
  bytes: 1n,
  k: 1024n,
  kib: 1024n,
  kb: 1000n,
  m: 1024n ** 2n,
  mib: 1024n ** 2n,
  mb: 1000n ** 2n,
  g: 1024n ** 3n,
  gib: 1024n ** 3n,
  gb: 1000n ** 3n,
  t: 1024n ** 4n,
  tib: 1024n ** 4n,
  tb: 1000n ** 4n,
};

function parseSize(e: XmlElement | undefined): bigint | undefined {
  if (!e) return undefined;
  const raw = (text(e) ?? "").trim();
  const scale = SCALE[(e.attrs.unit ?? "bytes").toLowerCase()];
  if (!/^\d+$/.test(raw) || scale === undefined) {
    throw new DefinitionError(27, FROM_STORAGE, `XML error: malformed ${e.name} element`);
  }
  return BigInt(raw) * scale;
}

/** Parse storage pool XML text. */
export function parsePoolXml(xml: string): PoolDef {
  return parsePoolElement(parseXml(xml, "(storage_pool_definition)"));
}

// libvirt's virStoragePoolType names.
const POOL_TYPE_NAMES = [
  "dir",
  "fs",
  "netfs",
  "logical",
  "disk",
  "iscsi",
  "iscsi-direct",
  "scsi",
  "mpath",
  "rbd",
  "sheepdog",
  "gluster",
  "zfs",
  "vstorage",
];

/** Parse a <pool> element. */
export function parsePoolElement(root: XmlElement): PoolDef {
  expectRoot(root, "pool", FROM_STORAGE);
  const type = root.attrs.type;
  if (!type) {
    throw new DefinitionError(27, FROM_STORAGE, "XML error: storage pool missing type attribute");
  }
  if (!POOL_TYPE_NAMES.includes(type)) {
    throw new DefinitionError(
      27,
      FROM_STORAGE,
      `XML error: Invalid value for attribute 'type' in element 'pool': '${type}'.`,
    );
  }
  const name = childText(root, "name")?.trim();
  if (!name) {
    throw new DefinitionError(
      21,
      FROM_STORAGE,
      "missing name information in missing pool name element",
    );
  }
  const uuid = readUuid(
    root,
    () => new DefinitionError(27, FROM_STORAGE, "XML error: malformed uuid element"),
  );
  const target = child(root, "target");
  const targetPath = target ? childText(target, "path")?.trim() : undefined;
  if (type === "dir" && !targetPath) {
    throw new DefinitionError(27, FROM_STORAGE, "XML error: missing storage pool target path");
  }
  return {
    type,
    name,
    uuid,
    capacity: parseSize(child(root, "capacity")) ?? 0n,
    allocation: parseSize(child(root, "allocation")) ?? 0n,
    available: parseSize(child(root, "available")) ?? 0n,
    source: stripBlankText(child(root, "source") ?? { name: "source", attrs: {}, children: [] }),
    targetPath,
    target: target ? stripBlankText(target) : undefined,
  };
}

/** Format a pool as `pool-dumpxml` prints it. */
export function formatPoolXml(def: PoolDef): string {
  let out = `<pool type='${escapeXml(def.type)}'>\n`;
  out += `  <name>${escapeXml(def.name)}</name>\n`;
  out += `  <uuid>${formatUuid(def.uuid)}</uuid>\n`;
  out += `  <capacity unit='bytes'>${def.capacity}</capacity>\n`;
  out += `  <allocation unit='bytes'>${def.allocation}</allocation>\n`;
  out += `  <available unit='bytes'>${def.available}</available>\n`;
  const src = elements(def.source);
  if (src.length === 0) out += "  <source>\n  </source>\n";
  else out += formatElement(def.source, 2);
  if (def.target) {
    out += "  <target>\n";
    for (const c of elements(def.target)) out += formatElement(c, 4);
    out += "  </target>\n";
  }
  return out + "</pool>\n";
}

/** Parse a <volume> element belonging to `pool`. */
export function parseVolumeElement(root: XmlElement, pool: PoolDef): VolumeDef {
  expectRoot(root, "volume", FROM_STORAGE);
  const name = childText(root, "name")?.trim();
  if (!name) {
    throw new DefinitionError(
      21,
      FROM_STORAGE,
      "missing name information in missing volume name element",
    );
  }
  const capacity = parseSize(child(root, "capacity"));
  if (capacity === undefined) {
    throw new DefinitionError(27, FROM_STORAGE, "XML error: missing capacity element");
  }
  const allocation = parseSize(child(root, "allocation")) ?? capacity;
  const target = child(root, "target");
  const path = (target ? childText(target, "path")?.trim() : undefined) ??
    `${pool.targetPath}/${name}`;
  const key = childText(root, "key")?.trim() ?? path;
  const backingEl = child(root, "backingStore");
  const backingPath = backingEl ? childText(backingEl, "path")?.trim() : undefined;
  const backingFormat = backingPath !== undefined ? volumeFormat(backingEl) : undefined;
  const format = volumeFormat(target);
  return {
    name,
    key,
    type: root.attrs.type ?? "file",
    capacity,
    allocation,
    path,
    format,
    backing: backingPath !== undefined
      ? { path: backingPath, format: backingFormat ?? "raw" }
      : undefined,
    el: stripBlankText(root),
  };
}

/** Format a volume as `vol-dumpxml` prints it for a directory pool. */
export function formatVolumeXml(v: VolumeDef, pool: PoolDef): string {
  let out = `<volume type='${escapeXml(v.type)}'>\n`;
  out += `  <name>${escapeXml(v.name)}</name>\n`;
  out += `  <key>${escapeXml(v.key)}</key>\n`;
  out += `  <capacity unit='bytes'>${v.capacity}</capacity>\n`;
  out += `  <allocation unit='bytes'>${v.allocation}</allocation>\n`;
  out += "  <target>\n";
  out += `    <path>${escapeXml(v.path)}</path>\n`;
  if (v.format || pool.type === "dir") {
    out += `    <format type='${escapeXml(v.format ?? "raw")}'/>\n`;
  }
  out += "  </target>\n";
  if (v.backing) {
    out += "  <backingStore>\n";
    out += `    <path>${escapeXml(v.backing.path)}</path>\n`;
    out += `    <format type='${escapeXml(v.backing.format)}'/>\n`;
    out += "  </backingStore>\n";
  }
  return out + "</volume>\n";
}
