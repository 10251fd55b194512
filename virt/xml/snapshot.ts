// Domain snapshot XML (<domainsnapshot>): parsed into a SnapshotDef with libvirt's checks and
// error texts, and formatted back byte for byte as libvirt's snapshot_conf.c writes it.

import { child, childText, elements, escapeXml, parseXml, text, type XmlElement } from "./tree.ts";
import { DefinitionError, type DomainDef, formatDomainXml, parseDomainElement } from "./domain.ts";
import { expectRoot, STORAGE_FILE_FORMATS } from "./read.ts";

const FROM_DOMAIN_SNAPSHOT = 35;

const err = {
  internal: (m: string) => new DefinitionError(1, FROM_DOMAIN_SNAPSHOT, `internal error: ${m}`),
  xml: (m: string) => new DefinitionError(27, FROM_DOMAIN_SNAPSHOT, `XML error: ${m}`),
  unsupported: (m: string) =>
    new DefinitionError(67, FROM_DOMAIN_SNAPSHOT, `unsupported configuration: ${m}`),
};

/** The states a snapshot records (virDomainSnapshotState: a domain state or disk-snapshot). */
export const SNAPSHOT_STATES = [
  "nostate",
  "running",
  "blocked",
  "paused",
  "shutdown",
  "shutoff",
  "crashed",
  "pmsuspended",
  "disk-snapshot",
] as const;

/** Where a disk or the memory is saved (virDomainSnapshotLocation; "default" is the unset 0). */
export type SnapshotLocation = "no" | "internal" | "external" | "manual";

const LOCATIONS: readonly string[] = ["no", "internal", "external", "manual"];
const STORAGE_TYPES = [
  "file",
  "block",
  "dir",
  "network",
  "volume",
  "nvme",
  "vhostuser",
  "vhostvdpa",
];
// A disk snapshot's image may also be LUKS-encrypted.
const DISK_FORMATS = [...STORAGE_FILE_FORMATS, "luks"];

/** One <disk> of a snapshot. */
export interface SnapshotDiskDef {
  name: string;
  /** Unset means libvirt's "default", resolved against the domain when the snapshot is made. */
  snapshot?: SnapshotLocation;
  /** The storage type of the new image (default "file"). */
  type: string;
  /** Path of the external image. */
  source?: string;
  /** Format of the external image (<driver type=.../>). */
  format?: string;
}

/** A parsed <domainsnapshot>. */
export interface SnapshotDef {
  /** Unset when the XML gave none: the driver names it after its creation time. */
  name?: string;
  description?: string;
  /** One of SNAPSHOT_STATES, except "nostate". */
  state?: string;
  parent?: string;
  /** Seconds since the epoch. */
  creationTime?: bigint;
  memory?: SnapshotLocation;
  memoryFile?: string;
  disks: SnapshotDiskDef[];
  /** The domain definition the snapshot holds. */
  domain?: DomainDef;
}

/** Options of parseSnapshotXml, after virDomainSnapshotParseFlags. */
export interface ParseSnapshotOptions {
  /** The XML describes an existing snapshot (REDEFINE): state and creation time are required. */
  redefine?: boolean;
  /** Check the document against domainsnapshot.rng (VALIDATE); only its element names. */
  validate?: boolean;
}

/** The children domainsnapshot.rng allows under <domainsnapshot>. */
const SCHEMA_CHILDREN = [
  "name",
  "description",
  "state",
  "creationTime",
  "parent",
  "memory",
  "disks",
  "active",
  "domain",
  "inactiveDomain",
  "cookie",
];

function locationAttr(e: XmlElement, what: string): SnapshotLocation | undefined {
  const v = e.attrs.snapshot;
  if (v === undefined) return undefined;
  if (!LOCATIONS.includes(v)) {
    throw err.xml(`Invalid value for attribute 'snapshot' in element '${what}': '${v}'.`);
  }
  return v as SnapshotLocation;
}

function parseDisk(e: XmlElement): SnapshotDiskDef {
  const name = e.attrs.name;
  if (name === undefined) throw err.internal("missing name from disk snapshot element");
  const snapshot = locationAttr(e, "disk");
  const type = e.attrs.type ?? "file";
  if (!STORAGE_TYPES.includes(type)) {
    throw err.xml(`Invalid value for attribute 'type' in element 'disk': '${type}'.`);
  }
  if (type === "volume" || type === "dir") {
    throw err.xml(`unsupported disk snapshot type '${type}'`);
  }
  const src = child(e, "source");
  const source = src ? (src.attrs.file ?? src.attrs.dev ?? src.attrs.name) : undefined;
  const format = child(e, "driver")?.attrs.type;
  if (format !== undefined && !DISK_FORMATS.includes(format)) {
    throw err.unsupported(`unknown disk snapshot driver '${format}'`);
  }
  if (source !== undefined && (type === "file" || type === "block") && !source.startsWith("/")) {
    throw err.xml(`disk snapshot image path '${source}' must be absolute`);
  }
  const disk: SnapshotDiskDef = { name, type, snapshot, source, format };
  if (disk.snapshot === undefined && (source !== undefined || format !== undefined)) {
    disk.snapshot = "external";
  }
  return disk;
}

// virXPathString: the string value of the first such child, with "" meaning absent.
function nonEmpty(e: XmlElement, name: string): string | undefined {
  const c = child(e, name);
  const t = c ? (text(c) ?? "") : undefined;
  return t === "" ? undefined : t;
}

/**
 * Parse snapshot XML as virDomainSnapshotDefParseString does.
 *
 * @example
 * ```ts
 * import { parseSnapshotXml } from "./snapshot.ts";
 * const def = parseSnapshotXml("<domainsnapshot><name>s1</name></domainsnapshot>");
 * console.assert(def.name === "s1" && def.disks.length === 0);
 * ```
 */
export function parseSnapshotXml(xml: string, opts: ParseSnapshotOptions = {}): SnapshotDef {
  const root = parseXml(xml, "(domain_snapshot)");
  expectRoot(root, "domainsnapshot", FROM_DOMAIN_SNAPSHOT);
  const extra = opts.validate && elements(root).find((e) => !SCHEMA_CHILDREN.includes(e.name));
  if (extra) {
    throw new DefinitionError(
      92,
      FROM_DOMAIN_SNAPSHOT,
      "XML document failed to validate against schema: Unable to validate doc against " +
        "/usr/share/libvirt/schemas/domainsnapshot.rng\n" +
        `Element domainsnapshot has extra content: ${extra.name}\n`,
    );
  }
  return parseSnapshotElement(root, opts);
}

/** Parse an already-parsed <domainsnapshot> element. */
export function parseSnapshotElement(
  root: XmlElement,
  opts: ParseSnapshotOptions = {},
): SnapshotDef {
  const def: SnapshotDef = { disks: [] };
  def.name = nonEmpty(root, "name");
  if (def.name === undefined && opts.redefine) {
    throw err.xml("a redefined snapshot must have a name");
  }
  def.description = nonEmpty(root, "description");
  let offline = false;
  if (opts.redefine) {
    const ct = (childText(root, "creationTime") ?? "").trim();
    if (!/^[-+]?\d+$/.test(ct)) throw err.internal("missing creationTime from existing snapshot");
    def.creationTime = BigInt(ct);
    const parentEl = child(root, "parent");
    def.parent = parentEl ? nonEmpty(parentEl, "name") : undefined;
    const state = nonEmpty(root, "state");
    if (state === undefined) throw err.xml("missing state from existing snapshot");
    if (!SNAPSHOT_STATES.includes(state as typeof SNAPSHOT_STATES[number]) || state === "nostate") {
      throw err.unsupported(`Invalid state '${state}' in domain snapshot XML`);
    }
    def.state = state;
    offline = state === "shutoff" || state === "disk-snapshot";
    const dom = child(root, "domain");
    if (dom && dom.attrs.type !== undefined) def.domain = parseDomainElement(dom);
  }
  const mem = child(root, "memory");
  if (mem) {
    def.memoryFile = mem.attrs.file;
    def.memory = locationAttr(mem, "memory");
    if (def.memory === "manual") throw err.xml("'manual' memory snapshot mode not supported");
  }
  if (def.memory === undefined) {
    if (def.memoryFile !== undefined) def.memory = "external";
    else if (opts.redefine) def.memory = offline ? "no" : "internal";
  }
  if (def.memoryFile !== undefined && def.memory !== "external") {
    throw err.xml(`memory filename '${def.memoryFile}' requires external snapshot`);
  }
  if (def.memoryFile === undefined && def.memory === "external") {
    throw err.xml("external memory snapshots require a filename");
  }
  if (offline && def.memory !== undefined && def.memory !== "no") {
    throw err.xml("memory state cannot be saved with offline or disk-only snapshot");
  }
  if (def.memoryFile !== undefined && !def.memoryFile.startsWith("/")) {
    throw err.xml(`memory snapshot file path (${def.memoryFile}) must be absolute`);
  }
  const disks = child(root, "disks");
  if (disks) def.disks = elements(disks).map(parseDisk);
  return def;
}

function formatDisk(d: SnapshotDiskDef): string {
  let open = `    <disk name='${escapeXml(d.name)}'`;
  if (d.snapshot) open += ` snapshot='${d.snapshot}'`;
  if (d.source === undefined && d.format === undefined) return `${open}/>\n`;
  open += ` type='${d.type}'`;
  let body = "";
  if (d.format !== undefined) body += `      <driver type='${d.format}'/>\n`;
  if (d.source !== undefined) {
    const attr = d.type === "block" ? "dev" : d.type === "network" ? "name" : "file";
    body += `      <source ${attr}='${escapeXml(d.source)}'/>\n`;
  }
  return `${open}>\n${body}    </disk>\n`;
}

/** What formatSnapshotXml includes. */
export interface FormatSnapshotOptions {
  /** Include secrets of the embedded domain (VIR_DOMAIN_SNAPSHOT_XML_SECURE). */
  secure?: boolean;
  /** The domain's UUID, written as a bare <domain> when the snapshot holds no definition. */
  domainUuid?: string;
}

/**
 * Format a snapshot as virDomainSnapshotDefFormat does; the embedded domain is written as
 * inactive XML.
 *
 * @example
 * ```ts
 * import { formatSnapshotXml } from "./snapshot.ts";
 * const xml = formatSnapshotXml({ name: "s1", state: "shutoff", memory: "no", disks: [] });
 * console.assert(xml === "<domainsnapshot>\n  <name>s1</name>\n  <state>shutoff</state>\n" +
 *   "  <memory snapshot='no'/>\n</domainsnapshot>\n");
 * ```
 */
export function formatSnapshotXml(def: SnapshotDef, opts: FormatSnapshotOptions = {}): string {
  let out = "<domainsnapshot>\n";
  out += `  <name>${escapeXml(def.name ?? "")}</name>\n`;
  if (def.description !== undefined) {
    out += `  <description>${escapeXml(def.description)}</description>\n`;
  }
  if (def.state !== undefined) out += `  <state>${def.state}</state>\n`;
  if (def.parent !== undefined) {
    out += `  <parent>\n    <name>${escapeXml(def.parent)}</name>\n  </parent>\n`;
  }
  if (def.creationTime) out += `  <creationTime>${def.creationTime}</creationTime>\n`;
  if (def.memory !== undefined) {
    out += `  <memory snapshot='${def.memory}'`;
    if (def.memoryFile !== undefined) out += ` file='${escapeXml(def.memoryFile)}'`;
    out += "/>\n";
  }
  if (def.disks.length) out += `  <disks>\n${def.disks.map(formatDisk).join("")}  </disks>\n`;
  if (def.domain) {
    const dom = formatDomainXml(def.domain, { inactive: true, secure: opts.secure });
    out += dom.replace(/^(?=.)/gm, "  ");
  } else if (opts.domainUuid !== undefined) {
    out += `  <domain>\n    <uuid>${opts.domainUuid}</uuid>\n  </domain>\n`;
  }
  return out + "</domainsnapshot>\n";
}

/** Whether the snapshot keeps anything outside the disk images (virDomainSnapshotDefIsExternal). */
export function isExternalSnapshot(def: SnapshotDef): boolean {
  return def.memory === "external" || def.disks.some((d) => d.snapshot === "external");
}
