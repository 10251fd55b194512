// virsh's "Storage Pool" group: listing, inspecting, defining, building and running pools.

import {
  defineCommand,
  exclusive,
  opt,
  Result,
  splitCommaList,
  VshError,
} from "../../shell/mod.ts";
import type { CommandDef, OptionDefs, ShellContext } from "../../shell/mod.ts";
import { ErrorCode, VirtError } from "../../virt/errors.ts";
import { formatUuid } from "../../virt/network.ts";
import {
  BuildFlags,
  CreateFlags,
  ListPools,
  listPools,
  POOL_STATES,
  poolAutostart,
  poolInfo,
  poolIsActive,
  poolIsPersistent,
  poolTypeFlag,
  poolXml,
  type RemoteStoragePool,
} from "../../virt/storage.ts";
import { editDefinition } from "../../shell/edit_loop.ts";
import {
  compareNames,
  dumpXml,
  lookupPool,
  orFail,
  orUndefined,
  poolOpt,
  pretty,
  xpathOptions,
} from "./common.ts";
import { objectAction, valueLine, withData } from "../common.ts";

const stateName = (state: number) => POOL_STATES[state] ?? "unknown";
const yesNo = (b: boolean) => (b ? "yes" : "no");
const isRunning = (state: number) => state === 2 || state === 3;

/** `pool-list`: list pools. */
export const poolList = defineCommand({
  name: "pool-list",
  group: "pool",
  summary: "list pools",
  description: "Returns list of pools.",
  options: {
    inactive: opt.bool("list inactive pools"),
    all: opt.bool("list inactive & active pools"),
    transient: opt.bool("list transient pools"),
    persistent: opt.bool("list persistent pools"),
    autostart: opt.bool("list pools with autostart enabled"),
    "no-autostart": opt.bool("list pools with autostart disabled"),
    type: opt.string("only list pool of specified type(s) (if supported)"),
    details: opt.bool("display extended details for pools"),
    uuid: opt.bool("list UUID of active pools only"),
    name: opt.bool("list name of active pools only"),
  },
  json: "an array of pools: name, uuid, state, autostart, persistent, capacity, allocation, " +
    "available (sizes in bytes, null when not running)",
  async handler(ctx, opts) {
    let flags: number = ListPools.ACTIVE;
    if (opts.inactive) flags = ListPools.INACTIVE;
    if (opts.all) flags = 0;
    if (opts.persistent) flags |= ListPools.PERSISTENT;
    if (opts.transient) flags |= ListPools.TRANSIENT;
    if (opts.autostart) flags |= ListPools.AUTOSTART;
    if (opts["no-autostart"]) flags |= ListPools.NO_AUTOSTART;
    if (opts.type !== undefined) {
      for (const t of splitCommaList(opts.type)) {
        const bit = poolTypeFlag(t);
        if (bit === undefined) throw new VshError(`Invalid pool type '${t}'`);
        flags |= bit;
      }
    }
    exclusive("details", opts["details"], "uuid", opts["uuid"]);
    exclusive("details", opts["details"], "name", opts["name"]);
    const conn = ctx.conn;
    const pools = await orFail("Failed to list pools", () => listPools(conn, flags));
    pools.sort((a, b) => compareNames(a.name, b.name));
    const r = new Result();
    const rows: string[][] = [];
    const data = [];
    for (const pool of pools) {
      const autostart = await orUndefined(poolAutostart(conn, pool));
      const autostartText = autostart === undefined ? "no autostart" : yesNo(autostart);
      let persistentText = "";
      let persistent: boolean | undefined;
      if (opts.details) {
        persistent = await orUndefined(poolIsPersistent(conn, pool));
        persistentText = persistent === undefined ? "unknown" : yesNo(persistent);
      }
      const info = await orUndefined(poolInfo(conn, pool));
      let state: string;
      let sizes = ["unknown", "unknown", "unknown"];
      if (!info) {
        r.error("Could not retrieve pool information");
        state = "unknown";
      } else if (opts.details) {
        state = stateName(info.state);
        sizes = isRunning(info.state)
          ? [pretty(info.capacity), pretty(info.allocation), pretty(info.available)]
          : ["-", "-", "-"];
      } else {
        // virsh tests the -1 of a failed query as true.
        state = (await orUndefined(poolIsActive(conn, pool))) ?? true ? "active" : "inactive";
      }
      rows.push(
        opts.details
          ? [pool.name, state, autostartText, persistentText, ...sizes]
          : [pool.name, state, autostartText],
      );
      const running = info !== undefined && isRunning(info.state);
      data.push({
        name: pool.name,
        uuid: formatUuid(pool.uuid),
        state: info ? stateName(info.state) : null,
        autostart: autostart ?? null,
        persistent: persistent ?? (await orUndefined(poolIsPersistent(conn, pool))) ?? null,
        capacity: running ? info.capacity : null,
        allocation: running ? info.allocation : null,
        available: running ? info.available : null,
      });
    }
    r.data = data;
    if (!opts.details && (opts.uuid || opts.name)) {
      for (const pool of pools) {
        if (opts.uuid) r.print(formatUuid(pool.uuid).padEnd(36) + (opts.name ? " " : "\n"));
        if (opts.name) r.print(`${pool.name.padEnd(20)}\n`);
      }
      return r;
    }
    const header = opts.details
      ? ["Name", "State", "Autostart", "Persistent", "Capacity", "Allocation", "Available"]
      : ["Name", "State", "Autostart"];
    return r.table(header, rows);
  },
});

/** `pool-info`: storage pool information. */
export const poolInfoCmd = defineCommand({
  name: "pool-info",
  group: "pool",
  summary: "storage pool information",
  description: "Returns basic information about the storage pool.",
  options: {
    pool: poolOpt(),
    bytes: opt.bool("Return pool info in bytes"),
  },
  json: "name, uuid, state, persistent, autostart, capacity, allocation, available (bytes)",
  async handler(ctx, opts) {
    const conn = ctx.conn;
    const pool = await lookupPool(ctx, opts.pool!);
    const r = new Result();
    const line = (label: string, value: string) => r.print(`${label.padEnd(15)} ${value}\n`);
    const uuid = formatUuid(pool.uuid);
    line("Name:", pool.name);
    line("UUID:", uuid);
    const data: Record<string, unknown> = { name: pool.name, uuid };
    r.data = data;
    let info;
    try {
      info = await poolInfo(conn, pool);
    } catch (e) {
      if (!(e instanceof VirtError)) throw e;
      // virsh ends with the pending libvirt error once the lines above are out.
      r.error(e.message);
      return r.fail();
    }
    line("State:", stateName(info.state));
    const persistent = await orUndefined(poolIsPersistent(conn, pool));
    line("Persistent:", persistent === undefined ? "unknown" : yesNo(persistent));
    const autostart = await orUndefined(poolAutostart(conn, pool));
    line("Autostart:", autostart === undefined ? "no autostart" : yesNo(autostart));
    Object.assign(data, {
      state: stateName(info.state),
      persistent: persistent ?? null,
      autostart: autostart ?? null,
    });
    if (isRunning(info.state)) {
      const show = (n: bigint) => (opts.bytes ? `${n}` : pretty(n));
      line("Capacity:", show(info.capacity));
      line("Allocation:", show(info.allocation));
      line("Available:", show(info.available));
      Object.assign(data, {
        capacity: info.capacity,
        allocation: info.allocation,
        available: info.available,
      });
    }
    return r;
  },
});

/** `pool-dumpxml`: pool information in XML. */
export const poolDumpxml = defineCommand({
  name: "pool-dumpxml",
  group: "pool",
  summary: "pool information in XML",
  description: "Output the pool information as an XML dump to stdout.",
  options: {
    pool: poolOpt(),
    inactive: opt.bool("show inactive defined XML"),
    ...xpathOptions,
  },
  json: "the XML document as a string (or the --xpath matches as an array)",
  async handler(ctx, opts) {
    const pool = await lookupPool(ctx, opts.pool!);
    const xml = await poolXml(ctx.conn, pool, opts.inactive ? 1 : 0);
    return dumpXml(xml, opts.xpath, opts.wrap);
  },
});

/** `pool-define`: define a pool from an XML file. */
export const poolDefine = defineCommand({
  name: "pool-define",
  group: "pool",
  summary:
    "define an inactive persistent storage pool or modify an existing persistent one from an XML file",
  description: "Define or modify a persistent storage pool.",
  options: {
    file: opt.data("file containing an XML pool description", { required: true, complete: "file" }),
    validate: opt.bool("validate the XML against the schema"),
  },
  json: "the pool's name",
  async handler(ctx, opts) {
    const xml = await ctx.readFile(opts.file!);
    const { pool } = await orFail(
      `Failed to define pool from ${opts.file}`,
      () => ctx.conn.call("storagePoolDefineXml", { xml, flags: opts.validate ? 1 : 0 }),
    );
    return withData(new Result().extra(`Pool ${pool.name} defined from ${opts.file}\n`), pool.name);
  },
});

// virsh's flags for --build, --overwrite and --no-overwrite of pool-create and pool-start.
function createFlags(opts: { build: boolean; overwrite: boolean; "no-overwrite": boolean }) {
  exclusive("overwrite", opts["overwrite"], "no-overwrite", opts["no-overwrite"]);
  let flags = 0;
  if (opts.build) flags |= CreateFlags.WITH_BUILD;
  if (opts.overwrite) flags |= CreateFlags.WITH_BUILD_OVERWRITE;
  if (opts["no-overwrite"]) flags |= CreateFlags.WITH_BUILD_NO_OVERWRITE;
  return flags;
}

const buildOptions = {
  build: opt.bool("build the pool as normal"),
  "no-overwrite": opt.bool("do not overwrite any existing data"),
  overwrite: opt.bool("overwrite any existing data"),
};

/** `pool-create`: create a pool from an XML file. */
export const poolCreate = defineCommand({
  name: "pool-create",
  group: "pool",
  summary: "create a pool from an XML file",
  description: "Create a pool.",
  options: {
    file: opt.data("file containing an XML pool description", { required: true, complete: "file" }),
    ...buildOptions,
  },
  json: "the pool's name",
  async handler(ctx, opts) {
    const flags = createFlags(opts);
    const xml = await ctx.readFile(opts.file!);
    const { pool } = await orFail(
      `Failed to create pool from ${opts.file}`,
      () => ctx.conn.call("storagePoolCreateXml", { xml, flags }),
    );
    return withData(new Result().extra(`Pool ${pool.name} created from ${opts.file}\n`), pool.name);
  },
});

const xAsOptions = {
  name: opt.data("name of the pool", { required: true }),
  type: opt.data("type of the pool", { required: true }),
  "print-xml": opt.bool("print XML document, but don't define/create"),
  "source-host": opt.string("source-host for underlying storage"),
  "source-path": opt.string("source path for underlying storage"),
  "source-dev": opt.string("source device for underlying storage"),
  "source-name": opt.string("source name for underlying storage"),
  target: opt.string("target for underlying storage"),
  "source-format": opt.string("format for underlying storage"),
  "auth-type": opt.string("auth type to be used for underlying storage"),
  "auth-username": opt.string("auth username to be used for underlying storage"),
  "secret-usage": opt.string("auth secret usage to be used for underlying storage"),
  "secret-uuid": opt.string("auth secret UUID to be used for underlying storage"),
  "adapter-name": opt.string("adapter name to be used for underlying storage"),
  "adapter-wwnn": opt.string("adapter wwnn to be used for underlying storage"),
  "adapter-wwpn": opt.string("adapter wwpn to be used for underlying storage"),
  "adapter-parent": opt.string("adapter parent scsi_hostN to be used for underlying vHBA storage"),
  "adapter-parent-wwnn": opt.string(
    "adapter parent scsi_hostN wwnn to be used for underlying vHBA storage",
  ),
  "adapter-parent-wwpn": opt.string(
    "adapter parent scsi_hostN wwpn to be used for underlying vHBA storage",
  ),
  "adapter-parent-fabric-wwn": opt.string(
    "adapter parent scsi_hostN fabric_wwn to be used for underlying vHBA storage",
  ),
  "source-protocol-ver": opt.string("nfsvers value for NFS pool mount option"),
  "source-initiator": opt.string("initiator iqn for underlying storage"),
} satisfies OptionDefs;

type XAsValues = { [K in keyof typeof xAsOptions]: K extends "print-xml" ? boolean : string };

/**
 * The pool document pool-define-as and pool-create-as build from their options (virsh's
 * vshBuildPoolXML: values go in as typed, unescaped).
 */
export function buildPoolXml(o: Partial<XAsValues>): string {
  const lines = [`<pool type='${o.type}'>`, `  <name>${o.name}</name>`];
  const fc = o["adapter-wwnn"] !== undefined && o["adapter-wwpn"] !== undefined;
  const src: string[] = [];
  if (o["source-host"] !== undefined) src.push(`<host name='${o["source-host"]}'/>`);
  if (o["source-path"] !== undefined) src.push(`<dir path='${o["source-path"]}'/>`);
  if (o["source-dev"] !== undefined) src.push(`<device path='${o["source-dev"]}'/>`);
  if (o["source-initiator"] !== undefined) {
    src.push("<initiator>", `  <iqn name='${o["source-initiator"]}'/>`, "</initiator>");
  }
  if (fc) {
    let parent = "";
    if (o["adapter-parent"] !== undefined) parent = ` parent='${o["adapter-parent"]}'`;
    else if (o["adapter-parent-wwnn"] !== undefined && o["adapter-parent-wwpn"] !== undefined) {
      parent = ` parent_wwnn='${o["adapter-parent-wwnn"]}' parent_wwpn='${
        o["adapter-parent-wwpn"]
      }'`;
    } else if (o["adapter-parent-fabric-wwn"] !== undefined) {
      parent = ` parent_fabric_wwn='${o["adapter-parent-fabric-wwn"]}'`;
    }
    src.push(
      `<adapter type='fc_host'${parent} wwnn='${o["adapter-wwnn"]}' wwpn='${o["adapter-wwpn"]}'/>`,
    );
  } else if (o["adapter-name"] !== undefined) {
    src.push(`<adapter type='scsi_host' name='${o["adapter-name"]}'/>`);
  }
  const secret = o["secret-usage"] !== undefined
    ? `usage='${o["secret-usage"]}'`
    : o["secret-uuid"] !== undefined
    ? `uuid='${o["secret-uuid"]}'`
    : undefined;
  const hasSource = src.length > 0 || o["source-format"] !== undefined ||
    o["source-name"] !== undefined;
  if (
    hasSource && o["auth-type"] !== undefined && o["auth-username"] !== undefined &&
    secret !== undefined
  ) {
    src.push(
      `<auth type='${o["auth-type"]}' username='${o["auth-username"]}'>`,
      `  <secret ${secret}/>`,
      "</auth>",
    );
  }
  if (o["source-format"] !== undefined) src.push(`<format type='${o["source-format"]}'/>`);
  if (o["source-name"] !== undefined) src.push(`<name>${o["source-name"]}</name>`);
  if (hasSource && o["source-protocol-ver"] !== undefined) {
    src.push(`<protocol ver='${o["source-protocol-ver"]}'/>`);
  }
  if (hasSource) lines.push("  <source>", ...src.map((l) => `    ${l}`), "  </source>");
  if (o.target !== undefined) {
    lines.push("  <target>", `    <path>${o.target}</path>`, "  </target>");
  }
  lines.push("</pool>");
  return lines.join("\n") + "\n";
}

/** `pool-define-as`: define a pool from a set of args. */
export const poolDefineAs = defineCommand({
  name: "pool-define-as",
  group: "pool",
  summary: "define a pool from a set of args",
  description: "Define a pool.",
  options: xAsOptions,
  json: "the pool's name, or the XML document with --print-xml",
  async handler(ctx, opts) {
    exclusive("secret-usage", opts["secret-usage"], "secret-uuid", opts["secret-uuid"]);
    const xml = buildPoolXml(opts as Partial<XAsValues>);
    const r = new Result();
    if (opts["print-xml"]) {
      r.data = xml;
      return r.print(xml);
    }
    await orFail(
      `Failed to define pool ${opts.name}`,
      () => ctx.conn.call("storagePoolDefineXml", { xml, flags: 0 }),
    );
    r.data = opts.name;
    return r.extra(`Pool ${opts.name} defined\n`);
  },
});

/** `pool-create-as`: create a pool from a set of args. */
export const poolCreateAs = defineCommand({
  name: "pool-create-as",
  group: "pool",
  summary: "create a pool from a set of args",
  description: "Create a pool.",
  options: { ...xAsOptions, ...buildOptions },
  json: "the pool's name, or the XML document with --print-xml",
  async handler(ctx, opts) {
    exclusive("secret-usage", opts["secret-usage"], "secret-uuid", opts["secret-uuid"]);
    const flags = createFlags(opts);
    const xml = buildPoolXml(opts as Partial<XAsValues>);
    const r = new Result();
    if (opts["print-xml"]) {
      r.data = xml;
      return r.print(xml);
    }
    await orFail(
      `Failed to create pool ${opts.name}`,
      () => ctx.conn.call("storagePoolCreateXml", { xml, flags }),
    );
    r.data = opts.name;
    return r.extra(`Pool ${opts.name} created\n`);
  },
});

/** `pool-build`: build a pool. */
export const poolBuild = defineCommand({
  name: "pool-build",
  group: "pool",
  summary: "build a pool",
  description: "Build a given pool.",
  options: {
    pool: poolOpt(),
    "no-overwrite": opt.bool("do not overwrite any existing data"),
    overwrite: opt.bool("overwrite any existing data"),
  },
  async handler(ctx, opts) {
    const pool = await lookupPool(ctx, opts.pool!);
    let flags = 0;
    if (opts["no-overwrite"]) flags |= BuildFlags.NO_OVERWRITE;
    if (opts.overwrite) flags |= BuildFlags.OVERWRITE;
    await orFail(
      `Failed to build pool ${opts.pool}`,
      () => ctx.conn.call("storagePoolBuild", { pool, flags }),
    );
    return new Result().extra(`Pool ${opts.pool} built\n`);
  },
});

/** `pool-start`: start an inactive pool. */
export const poolStart = defineCommand({
  name: "pool-start",
  group: "pool",
  summary: "start a (previously defined) inactive pool",
  description: "Start a pool.",
  options: { pool: poolOpt(), ...buildOptions },
  async handler(ctx, opts) {
    const pool = await lookupPool(ctx, opts.pool!);
    const flags = createFlags(opts);
    await orFail(
      `Failed to start pool ${opts.pool}`,
      () => ctx.conn.call("storagePoolCreate", { pool, flags }),
    );
    return new Result().extra(`Pool ${opts.pool} started\n`);
  },
});

// One pool operation taking just the pool: its procedure, success line and failure line.
const simplePoolCommand = objectAction<RemoteStoragePool>({
  group: "pool",
  kind: "Pool",
  option: ["pool", poolOpt()],
  lookup: (ctx, text) => lookupPool(ctx, text),
});

/** `pool-destroy`: stop a pool. */
export const poolDestroy = simplePoolCommand(
  "pool-destroy",
  "destroy (stop) a pool",
  "Forcefully stop a given pool. Raw data in the pool is untouched",
  (ctx, pool) => ctx.conn.call("storagePoolDestroy", { pool }),
  "destroyed",
  "Failed to destroy pool",
);

/** `pool-delete`: delete a pool's storage. */
export const poolDelete = simplePoolCommand(
  "pool-delete",
  "delete a pool",
  "Delete a given pool.",
  (ctx, pool) => ctx.conn.call("storagePoolDelete", { pool, flags: 0 }),
  "deleted",
  "Failed to delete pool",
);

/** `pool-undefine`: forget an inactive pool's definition. */
export const poolUndefine = simplePoolCommand(
  "pool-undefine",
  "undefine an inactive pool",
  "Undefine the configuration for an inactive pool.",
  (ctx, pool) => ctx.conn.call("storagePoolUndefine", { pool }),
  "has been undefined",
  "Failed to undefine pool",
);

/** `pool-refresh`: rescan a pool's volumes. */
export const poolRefresh = simplePoolCommand(
  "pool-refresh",
  "refresh a pool",
  "Refresh a given pool.",
  (ctx, pool) => ctx.conn.call("storagePoolRefresh", { pool, flags: 0 }),
  "refreshed",
  "Failed to refresh pool",
);

/** `pool-autostart`: start a pool with the host, or not. */
export const poolAutostartCmd = defineCommand({
  name: "pool-autostart",
  group: "pool",
  summary: "autostart a pool",
  description: "Configure a pool to be automatically started at boot.",
  options: { pool: poolOpt(), disable: opt.bool("disable autostarting") },
  async handler(ctx, opts) {
    const pool = await lookupPool(ctx, opts.pool!);
    const autostart = opts.disable ? 0 : 1;
    const verb = autostart ? "mark" : "unmark";
    await orFail(
      `failed to ${verb} pool ${opts.pool} as autostarted`,
      () => ctx.conn.call("storagePoolSetAutostart", { pool, autostart }),
    );
    return new Result().extra(`Pool ${opts.pool} ${verb}ed as autostarted\n`);
  },
});

/** `pool-edit`: edit a pool's XML definition. */
export const poolEdit = defineCommand({
  name: "pool-edit",
  group: "pool",
  summary: "edit XML configuration for a storage pool",
  description: "Edit the XML configuration for a storage pool.",
  options: { pool: poolOpt() },
  async handler(ctx, opts) {
    const conn = ctx.conn;
    const pool = await lookupPool(ctx, opts.pool!);
    let flags = 1;
    try {
      await poolXml(conn, pool, flags);
    } catch (e) {
      // Drivers without an inactive form refuse the flag; virsh then edits the live one.
      if (!(e instanceof VirtError) || e.code !== ErrorCode.INVALID_ARG) throw e;
      flags = 0;
    }
    return await editDefinition(ctx, {
      kind: "Pool",
      name: pool.name,
      getXml: () => poolXml(conn, pool, flags),
      define: async (xml) => (await conn.call("storagePoolDefineXml", { xml, flags: 0 })).pool.name,
    });
  },
});

/** `pool-uuid`: a pool's UUID from its name. */
export const poolUuid = defineCommand({
  name: "pool-uuid",
  group: "pool",
  summary: "convert a pool name to pool UUID",
  description: "",
  options: { pool: poolOpt() },
  json: "the UUID",
  async handler(ctx, opts) {
    const pool = await lookupPool(ctx, opts.pool!, { name: true });
    return valueLine(formatUuid(pool.uuid));
  },
});

/** `pool-name`: a pool's name from its UUID. */
export const poolName = defineCommand({
  name: "pool-name",
  group: "pool",
  summary: "convert a pool UUID to pool name",
  description: "",
  options: { pool: poolOpt() },
  json: "the name",
  async handler(ctx, opts) {
    const pool = await lookupPool(ctx, opts.pool!, { uuid: true });
    return valueLine(pool.name);
  },
});

/** `pool-capabilities`: what the storage driver supports. */
export const poolCapabilities = defineCommand({
  name: "pool-capabilities",
  group: "pool",
  summary: "storage pool capabilities",
  description: "Returns capabilities of storage pool support.",
  options: {},
  json: "the capabilities XML document as a string",
  async handler(ctx) {
    const { capabilities } = await orFail(
      "failed to get storage pool capabilities",
      () => ctx.conn.call("connectGetStoragePoolCapabilities", { flags: 0 }),
    );
    return withData(new Result().print(capabilities), capabilities);
  },
});

async function findSources(ctx: ShellContext, type: string, srcSpec: string | null) {
  const { xml } = await orFail(
    `Failed to find any ${type} pool sources`,
    () => ctx.conn.call("connectFindStoragePoolSources", { type, srcSpec, flags: 0 }),
  );
  return withData(new Result().print(xml), xml);
}

/** `find-storage-pool-sources`: discover pool sources from a source document. */
export const findStoragePoolSources = defineCommand({
  name: "find-storage-pool-sources",
  group: "pool",
  summary: "discover potential storage pool sources",
  description: "Returns XML <sources> document.",
  options: {
    type: opt.data("type of storage pool sources to discover", { required: true }),
    srcSpec: opt.string("optional file of source xml to query for pools", { complete: "file" }),
  },
  json: "the <sources> document as a string",
  async handler(ctx, opts) {
    const spec = opts.srcSpec === undefined ? null : await ctx.readFile(opts.srcSpec);
    return await findSources(ctx, opts.type!, spec);
  },
});

/** `find-storage-pool-sources-as`: discover pool sources on a host. */
export const findStoragePoolSourcesAs = defineCommand({
  name: "find-storage-pool-sources-as",
  group: "pool",
  summary: "find potential storage pool sources",
  description: "Returns XML <sources> document.",
  options: {
    type: opt.data("type of storage pool sources to find", { required: true }),
    host: opt.string("optional host to query"),
    port: opt.string("optional port to query"),
    initiator: opt.string("optional initiator IQN to use for query"),
  },
  json: "the <sources> document as a string",
  async handler(ctx, opts) {
    let spec: string | null = null;
    if (opts.host !== undefined) {
      const lines = ["<source>"];
      const port = opts.port !== undefined ? ` port='${opts.port}'` : "";
      lines.push(`  <host name='${opts.host}'${port}/>`);
      if (opts.initiator !== undefined) {
        lines.push("  <initiator>", `    <iqn name='${opts.initiator}'/>`, "  </initiator>");
      }
      lines.push("</source>");
      spec = lines.join("\n") + "\n";
    }
    return await findSources(ctx, opts.type!, spec);
  },
});

/** The pool commands, in virsh's order. */
export const poolCommands: CommandDef[] = [
  findStoragePoolSourcesAs,
  findStoragePoolSources,
  poolAutostartCmd,
  poolBuild,
  poolCreateAs,
  poolCreate,
  poolDefineAs,
  poolDefine,
  poolDelete,
  poolDestroy,
  poolDumpxml,
  poolEdit,
  poolInfoCmd,
  poolList,
  poolName,
  poolRefresh,
  poolStart,
  poolUndefine,
  poolUuid,
  poolCapabilities,
];
