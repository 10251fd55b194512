// virsh's "Storage Volume" group, except the data transfers (transfer.ts): listing,
// inspecting, creating, cloning, resizing, wiping and deleting volumes.

import { defineCommand, opt, Result, VshError } from "../../shell/mod.ts";
import { formatUuid } from "../../virt/network.ts";
import {
  listVolumes,
  ResizeFlags,
  VOL_TYPES,
  volByKey,
  volByName,
  volByPath,
  volInfo,
  volPath,
  volPool,
  volXml,
  WIPE_ALGORITHMS,
} from "../../virt/storage.ts";
import { xpathDocument } from "../../virt/xml/xpath.ts";
import { parseXml } from "../../virt/xml/tree.ts";
import {
  compareNames,
  dumpNode,
  dumpXml,
  lookupPool,
  lookupVol,
  orFail,
  orUndefined,
  parseVolSize,
  poolOpt,
  pretty,
  volOpt,
  volPoolOpt,
  xpathOptions,
} from "./common.ts";
import { valueLine, withData } from "../common.ts";
import { VirtError } from "../../virt/errors.ts";

const typeName = (t: number) => VOL_TYPES[t] ?? "unknown";

const preallocOpt = () => opt.bool("preallocate metadata (for qcow2 instead of full allocation)");
const reflinkOpt = () => opt.bool("use btrfs COW lightweight copy");

/** `vol-list`: list the volumes of a pool. */
export const volList = defineCommand({
  name: "vol-list",
  group: "volume",
  summary: "list vols",
  description: "Returns list of vols by pool.",
  options: { pool: poolOpt(), details: opt.bool("display extended details for volumes") },
  json: "an array of volumes: name, path, and with --details type, capacity, allocation",
  async handler(ctx, opts) {
    const conn = ctx.conn;
    const pool = await lookupPool(ctx, opts.pool!);
    const vols = await orFail("Failed to list volumes", () => listVolumes(conn, pool));
    vols.sort((a, b) => compareNames(a.name, b.name));
    const rows: string[][] = [];
    const data = [];
    for (const vol of vols) {
      const path = (await orUndefined(volPath(conn, vol))) ?? "unknown";
      const entry: Record<string, unknown> = { name: vol.name, path };
      if (!opts.details) {
        rows.push([vol.name, path]);
      } else {
        const info = await orUndefined(volInfo(conn, vol));
        if (info) {
          rows.push([
            vol.name,
            path,
            typeName(info.type),
            pretty(info.capacity),
            pretty(info.allocation),
          ]);
          Object.assign(entry, {
            type: typeName(info.type),
            capacity: info.capacity,
            allocation: info.allocation,
          });
        } else {
          rows.push([vol.name, path, "unknown", "unknown", "unknown"]);
        }
      }
      data.push(entry);
    }
    const header = opts.details
      ? ["Name", "Path", "Type", "Capacity", "Allocation"]
      : ["Name", "Path"];
    const r = new Result().table(header, rows);
    r.data = data;
    return r;
  },
});

/** `vol-info`: a volume's type and sizes. */
export const volInfoCmd = defineCommand({
  name: "vol-info",
  group: "volume",
  summary: "storage vol information",
  description: "Returns basic information about the storage vol.",
  options: {
    vol: volOpt(),
    pool: volPoolOpt(),
    bytes: opt.bool("sizes are represented in bytes rather than pretty units"),
    physical: opt.bool("return the physical size of the volume in allocation field"),
  },
  json: "name, type, capacity and allocation (or physical) in bytes",
  async handler(ctx, opts) {
    const vol = await lookupVol(ctx, opts.vol!, opts.pool);
    const r = new Result();
    const line = (label: string, value: string) => r.print(`${label.padEnd(15)} ${value}\n`);
    line("Name:", vol.name);
    const data: Record<string, unknown> = { name: vol.name };
    r.data = data;
    let info;
    try {
      info = await volInfo(ctx.conn, vol, opts.physical ? 1 : undefined);
    } catch (e) {
      if (!(e instanceof VirtError)) throw e;
      r.error(e.message);
      return r.fail();
    }
    const show = (n: bigint) => (opts.bytes ? `${n} bytes` : pretty(n));
    line("Type:", typeName(info.type));
    line("Capacity:", show(info.capacity));
    line(opts.physical ? "Physical:" : "Allocation:", show(info.allocation));
    Object.assign(data, { type: typeName(info.type), capacity: info.capacity });
    data[opts.physical ? "physical" : "allocation"] = info.allocation;
    return r;
  },
});

/** `vol-dumpxml`: a volume's XML description. */
export const volDumpxml = defineCommand({
  name: "vol-dumpxml",
  group: "volume",
  summary: "vol information in XML",
  description: "Output the vol information as an XML dump to stdout.",
  options: { vol: volOpt(), pool: volPoolOpt(), ...xpathOptions },
  json: "the XML document as a string (or the --xpath matches as an array)",
  async handler(ctx, opts) {
    const vol = await lookupVol(ctx, opts.vol!, opts.pool);
    return dumpXml(await volXml(ctx.conn, vol), opts.xpath, opts.wrap);
  },
});

/** `vol-create`: create a volume from an XML file. */
export const volCreate = defineCommand({
  name: "vol-create",
  group: "volume",
  summary: "create a vol from an XML file",
  description: "Create a vol.",
  options: {
    pool: poolOpt("pool name"),
    file: opt.data("file containing an XML vol description", { required: true, complete: "file" }),
    "prealloc-metadata": preallocOpt(),
    validate: opt.bool("validate the XML against the schema"),
  },
  json: "the new volume's name",
  async handler(ctx, opts) {
    let flags = 0;
    if (opts["prealloc-metadata"]) flags |= 1;
    if (opts.validate) flags |= 4;
    const pool = await lookupPool(ctx, opts.pool!);
    const xml = await ctx.readFile(opts.file!);
    const { vol } = await orFail(
      `Failed to create vol from ${opts.file}`,
      () => ctx.conn.call("storageVolCreateXml", { pool, xml, flags }),
    );
    return withData(new Result().extra(`Vol ${vol.name} created from ${opts.file}\n`), vol.name);
  },
});

/** `vol-create-as`: create a volume from a set of args. */
export const volCreateAs = defineCommand({
  name: "vol-create-as",
  group: "volume",
  summary: "create a volume from a set of args",
  description: "Create a vol.",
  options: {
    pool: poolOpt("pool name"),
    name: opt.data("name of the volume", { required: true }),
    capacity: opt.data("size of the vol, as scaled integer (default bytes)", { required: true }),
    allocation: opt.string("initial allocation size, as scaled integer (default bytes)"),
    format: opt.string("file format type raw,bochs,qcow,qcow2,qed,vmdk"),
    "backing-vol": opt.string("the backing volume if taking a snapshot"),
    "backing-vol-format": opt.string("format of backing volume if taking a snapshot"),
    "prealloc-metadata": preallocOpt(),
    "print-xml": opt.bool("print XML document, but don't define/create"),
  },
  json: "the new volume's name, or the XML document with --print-xml",
  async handler(ctx, opts) {
    const conn = ctx.conn;
    const flags = opts["prealloc-metadata"] ? 1 : 0;
    const pool = await lookupPool(ctx, opts.pool!);
    const capacity = parseVolSize(opts.capacity!);
    const allocation = opts.allocation === undefined ? undefined : parseVolSize(opts.allocation);
    const lines = ["<volume>", `  <name>${opts.name}</name>`, `  <capacity>${capacity}</capacity>`];
    if (allocation !== undefined) lines.push(`  <allocation>${allocation}</allocation>`);
    if (opts.format !== undefined) {
      lines.push("  <target>", `    <format type='${opts.format}'/>`, "  </target>");
    }
    const backing = opts["backing-vol"];
    if (backing !== undefined) {
      // The backing volume by name in the same pool, else by key, else by path.
      const found = (await orUndefined(volByName(conn, pool, backing))) ??
        (await orUndefined(volByKey(conn, backing)));
      const vol = found ??
        await orFail(`failed to get vol '${backing}'`, () => volByPath(conn, backing));
      lines.push("  <backingStore>", `    <path>${await volPath(conn, vol)}</path>`);
      if (opts["backing-vol-format"] !== undefined) {
        lines.push(`    <format type='${opts["backing-vol-format"]}'/>`);
      }
      lines.push("  </backingStore>");
    }
    lines.push("</volume>");
    const xml = lines.join("\n") + "\n";
    const r = new Result();
    if (opts["print-xml"]) {
      r.data = xml;
      return r.print(xml);
    }
    await orFail(
      `Failed to create vol ${opts.name}`,
      () => conn.call("storageVolCreateXml", { pool, xml, flags }),
    );
    r.data = opts.name;
    return r.extra(`Vol ${opts.name} created\n`);
  },
});

/** `vol-create-from`: create a volume from an XML file, with another volume's content. */
export const volCreateFrom = defineCommand({
  name: "vol-create-from",
  group: "volume",
  summary: "create a vol, using another volume as input",
  description: "Create a vol from an existing volume.",
  options: {
    pool: poolOpt(),
    file: opt.data("file containing an XML vol description", { required: true, complete: "file" }),
    vol: volOpt(),
    inputpool: opt.string("pool name or uuid of the input volume's pool", { complete: "pool" }),
    "prealloc-metadata": preallocOpt(),
    reflink: reflinkOpt(),
    validate: opt.bool("validate the XML against the schema"),
  },
  json: "the new volume's name",
  async handler(ctx, opts) {
    const pool = await lookupPool(ctx, opts.pool!);
    let flags = 0;
    if (opts["prealloc-metadata"]) flags |= 1;
    if (opts.reflink) flags |= 2;
    if (opts.validate) flags |= 4;
    const input = await lookupVol(ctx, opts.vol!, opts.inputpool, "inputpool");
    const xml = await ctx.readFile(opts.file!);
    const { vol } = await orFail(
      `Failed to create vol from ${opts.file}`,
      () => ctx.conn.call("storageVolCreateXmlFrom", { pool, xml, clonevol: input, flags }),
    );
    return withData(
      new Result().extra(`Vol ${vol.name} created from input vol ${input.name}\n`),
      vol.name,
    );
  },
});

/** virsh's virshMakeCloneXML: the volume's document with another name, as libxml2 dumps it. */
export function cloneXml(xml: string, name: string): string {
  const root = parseXml(xml, "(volume_definition)");
  const nameEl = root.children.find((c) => typeof c !== "string" && c.name === "name");
  if (typeof nameEl === "object") nameEl.children = [name];
  const doc = xpathDocument(root);
  return doc.children.map((c) => dumpNode(c, 0, true)).join("");
}

/** `vol-clone`: clone a volume within its pool. */
export const volClone = defineCommand({
  name: "vol-clone",
  group: "volume",
  summary: "clone a volume.",
  description: "Clone an existing volume within the parent pool.",
  options: {
    vol: volOpt(),
    newname: opt.data("clone name", { required: true }),
    pool: volPoolOpt(),
    "prealloc-metadata": preallocOpt(),
    reflink: reflinkOpt(),
    "print-xml": opt.bool("print XML document rather than clone the volume"),
  },
  json: "the new volume's name, or the XML document with --print-xml",
  async handler(ctx, opts) {
    const conn = ctx.conn;
    const orig = await lookupVol(ctx, opts.vol!, opts.pool);
    let flags = 0;
    if (opts["prealloc-metadata"]) flags |= 1;
    if (opts.reflink) flags |= 2;
    const pool = await orUndefined(volPool(conn, orig));
    if (!pool) throw new VshError("failed to get parent pool");
    const xml = cloneXml(await volXml(conn, orig), opts.newname!);
    const r = new Result();
    if (opts["print-xml"]) {
      r.data = xml;
      return r.print(xml);
    }
    const { vol } = await orFail(
      `Failed to clone vol from ${orig.name}`,
      () => conn.call("storageVolCreateXmlFrom", { pool, xml, clonevol: orig, flags }),
    );
    r.data = vol.name;
    return r.extra(`Vol ${vol.name} cloned from ${orig.name}\n`);
  },
});

/** `vol-delete`: delete a volume. */
export const volDelete = defineCommand({
  name: "vol-delete",
  group: "volume",
  summary: "delete a vol",
  description: "Delete a given vol.",
  options: {
    vol: volOpt(),
    pool: volPoolOpt(),
    "delete-snapshots": opt.bool(
      "delete snapshots associated with volume (must be supported by storage driver)",
    ),
  },
  async handler(ctx, opts) {
    const vol = await lookupVol(ctx, opts.vol!, opts.pool);
    const flags = opts["delete-snapshots"] ? 2 : 0;
    await orFail(
      `Failed to delete vol ${opts.vol}`,
      () => ctx.conn.call("storageVolDelete", { vol, flags }),
    );
    return new Result().extra(`Vol ${opts.vol} deleted\n`);
  },
});

/** `vol-wipe`: overwrite a volume's data. */
export const volWipe = defineCommand({
  name: "vol-wipe",
  group: "volume",
  summary: "wipe a vol",
  description: "Ensure data previously on a volume is not accessible to future reads",
  options: {
    vol: volOpt(),
    pool: volPoolOpt(),
    algorithm: opt.string("perform selected wiping algorithm"),
  },
  async handler(ctx, opts) {
    const vol = await lookupVol(ctx, opts.vol!, opts.pool);
    let algorithm = 0;
    if (opts.algorithm !== undefined) {
      algorithm = (WIPE_ALGORITHMS as readonly string[]).indexOf(opts.algorithm);
      if (algorithm < 0) throw new VshError(`Unsupported algorithm '${opts.algorithm}'`);
    }
    await orFail(
      `Failed to wipe vol ${opts.vol}`,
      () =>
        algorithm === 0
          ? ctx.conn.call("storageVolWipe", { vol, flags: 0 })
          : ctx.conn.call("storageVolWipePattern", { vol, algorithm, flags: 0 }),
    );
    return new Result().extra(`Vol ${opts.vol} wiped\n`);
  },
});

/** `vol-resize`: change a volume's capacity. */
export const volResize = defineCommand({
  name: "vol-resize",
  group: "volume",
  summary: "resize a vol",
  description: "Resizes a storage volume. This is safe only for storage volumes not in use by an " +
    "active guest.\nSee blockresize for live resizing.",
  options: {
    vol: volOpt(),
    capacity: opt.data("new capacity for the vol, as scaled integer (default bytes)", {
      required: true,
    }),
    pool: volPoolOpt(),
    allocate: opt.bool("allocate the new capacity, rather than leaving it sparse"),
    delta: opt.bool("use capacity as a delta to current size, rather than the new size"),
    shrink: opt.bool("allow the resize to shrink the volume"),
  },
  async handler(ctx, opts) {
    let flags = 0;
    if (opts.allocate) flags |= ResizeFlags.ALLOCATE;
    if (opts.delta) flags |= ResizeFlags.DELTA;
    if (opts.shrink) flags |= ResizeFlags.SHRINK;
    const vol = await lookupVol(ctx, opts.vol!, opts.pool);
    let text = opts.capacity!.replace(/^[ \t\n\v\f\r]+/, "");
    if (text.startsWith("-")) {
      if (!opts.shrink) throw new VshError("negative size requires --shrink");
      text = text.slice(1);
      flags |= ResizeFlags.DELTA;
    }
    const capacity = parseVolSize(text);
    const how = flags & ResizeFlags.DELTA ? "by" : "to";
    await orFail(
      `Failed to change size of volume '${vol.name}' ${how} ${text}`,
      () => ctx.conn.call("storageVolResize", { vol, capacity, flags }),
    );
    return new Result().extra(`Size of volume '${vol.name}' successfully changed ${how} ${text}\n`);
  },
});

/** `vol-name`: a volume's name from its key or path. */
export const volName = defineCommand({
  name: "vol-name",
  group: "volume",
  summary: "returns the volume name for a given volume key or path",
  description: "",
  options: { vol: volOpt("volume key or path") },
  json: "the name",
  async handler(ctx, opts) {
    const vol = await lookupVol(ctx, opts.vol!, undefined, null, { uuid: true });
    return valueLine(vol.name);
  },
});

/** `vol-path`: a volume's path from its name or key. */
export const volPathCmd = defineCommand({
  name: "vol-path",
  group: "volume",
  summary: "returns the volume path for a given volume name or key",
  description: "",
  options: { vol: volOpt("volume name or key"), pool: volPoolOpt() },
  json: "the path",
  async handler(ctx, opts) {
    const vol = await lookupVol(ctx, opts.vol!, opts.pool);
    const path = await volPath(ctx.conn, vol);
    return valueLine(path);
  },
});

/** `vol-key`: a volume's key from its name or path. */
export const volKey = defineCommand({
  name: "vol-key",
  group: "volume",
  summary: "returns the volume key for a given volume name or path",
  description: "",
  options: { vol: volOpt("volume name or path"), pool: volPoolOpt() },
  json: "the key",
  async handler(ctx, opts) {
    const vol = await lookupVol(ctx, opts.vol!, opts.pool);
    return valueLine(vol.key);
  },
});

/** `vol-pool`: the pool holding a volume. */
export const volPoolCmd = defineCommand({
  name: "vol-pool",
  group: "volume",
  summary: "returns the storage pool for a given volume key or path",
  description: "",
  options: {
    vol: volOpt("volume key or path"),
    uuid: opt.bool("return the pool uuid rather than pool name"),
  },
  json: "the pool's name (or UUID with --uuid)",
  async handler(ctx, opts) {
    const vol = await lookupVol(ctx, opts.vol!, undefined, null, { uuid: true });
    const pool = await orUndefined(volPool(ctx.conn, vol));
    if (!pool) throw new VshError("failed to get parent pool");
    const text = opts.uuid ? formatUuid(pool.uuid) : pool.name;
    return valueLine(text);
  },
});
