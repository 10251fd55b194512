// virsh's "Networking" group: listing, inspecting, defining and running virtual networks.

import { defineCommand, opt, Result, VshError } from "../../shell/mod.ts";
import type { CommandDef, ShellContext } from "../../shell/mod.ts";
import { VirtError } from "../../virt/errors.ts";
import {
  createNetwork,
  defineNetwork,
  destroyNetwork,
  formatUuid,
  ListNetworks,
  listNetworks,
  networkAutostart,
  networkBridge,
  networkIsActive,
  networkIsPersistent,
  networkXml,
  type RemoteNetwork,
  setNetworkAutostart,
  startNetwork,
  undefineNetwork,
  XML_INACTIVE,
} from "../../virt/network.ts";
import { lookupNetwork } from "./lookup.ts";
import { dumpXml, xpathOptions } from "./xml_output.ts";

const networkOpt = (help = "network name or uuid") => opt.network(help);

// A query whose failure virsh shows as a fallback word rather than an error.
async function orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof VirtError) return undefined;
    throw e;
  }
}

const yesNo = (b: boolean) => (b ? "yes" : "no");

// virsh sorts names with an ASCII case-insensitive comparison.
function byName(a: RemoteNetwork, b: RemoteNetwork): number {
  const x = a.name.toLowerCase(), y = b.name.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

export const netList = defineCommand({
  name: "net-list",
  group: "network",
  summary: "list networks",
  description: "Returns list of networks.",
  options: {
    inactive: opt.bool("list inactive networks"),
    all: opt.bool("list inactive & active networks"),
    persistent: opt.bool("list persistent networks"),
    transient: opt.bool("list transient networks"),
    autostart: opt.bool("list networks with autostart enabled"),
    "no-autostart": opt.bool("list networks with autostart disabled"),
    uuid: opt.bool("list uuid's only"),
    name: opt.bool("list network names only"),
    table: opt.bool("list table (default)"),
  },
  json: "an array of networks: name, uuid, active, autostart, persistent",
  async handler(ctx, opts) {
    let flags: number = ListNetworks.ACTIVE;
    if (opts.inactive) flags = ListNetworks.INACTIVE;
    if (opts.all) flags = ListNetworks.ACTIVE | ListNetworks.INACTIVE;
    if (opts.persistent) flags |= ListNetworks.PERSISTENT;
    if (opts.transient) flags |= ListNetworks.TRANSIENT;
    if (opts.autostart) flags |= ListNetworks.AUTOSTART;
    if (opts["no-autostart"]) flags |= ListNetworks.NO_AUTOSTART;
    if (Number(opts.table) + Number(opts.name) + Number(opts.uuid) > 1) {
      throw new VshError("Only one argument from --table, --name and --uuid may be specified.");
    }
    const conn = ctx.conn;
    let nets: RemoteNetwork[];
    try {
      nets = await listNetworks(conn, flags);
    } catch (e) {
      if (e instanceof VirtError) throw new VshError("Failed to list networks", { cause: e });
      throw e;
    }
    nets.sort(byName);
    const r = new Result();
    const data = [];
    const rows: string[][] = [];
    for (const net of nets) {
      const uuid = formatUuid(net.uuid);
      if (opts.uuid) r.print(`${uuid}\n`);
      else if (opts.name) r.print(`${net.name}\n`);
      const autostart = await orUndefined(networkAutostart(conn, net));
      // virsh tests the -1 of a failed query as true.
      const active = (await orUndefined(networkIsActive(conn, net))) ?? true;
      const persistent = (await orUndefined(networkIsPersistent(conn, net))) ?? true;
      const autostartText = autostart === undefined ? "no autostart" : yesNo(autostart);
      rows.push([net.name, active ? "active" : "inactive", autostartText, yesNo(persistent)]);
      data.push({ name: net.name, uuid, active, autostart: autostart ?? null, persistent });
    }
    if (!opts.uuid && !opts.name) r.table(["Name", "State", "Autostart", "Persistent"], rows);
    r.data = data;
    return r;
  },
});

export const netInfo = defineCommand({
  name: "net-info",
  group: "network",
  summary: "network information",
  description: "Returns basic information about the network",
  options: { network: networkOpt() },
  json: "name, uuid, active, persistent, autostart, bridge",
  async handler(ctx, opts) {
    const conn = ctx.conn;
    const net = await lookupNetwork(ctx, opts.network!);
    const uuid = formatUuid(net.uuid);
    const active = await orUndefined(networkIsActive(conn, net));
    const persistent = await orUndefined(networkIsPersistent(conn, net));
    const autostart = await orUndefined(networkAutostart(conn, net));
    const bridge = await orUndefined(networkBridge(conn, net));
    const line = (label: string, value: string) => `${label.padEnd(15)} ${value}\n`;
    const r = new Result();
    r.print(line("Name:", net.name));
    r.print(line("UUID:", uuid));
    if (active !== undefined) r.print(line("Active:", yesNo(active)));
    r.print(line("Persistent:", persistent === undefined ? "unknown" : yesNo(persistent)));
    r.print(line("Autostart:", autostart === undefined ? "no autostart" : yesNo(autostart)));
    if (bridge !== undefined) r.print(line("Bridge:", bridge));
    r.data = {
      name: net.name,
      uuid,
      active: active ?? null,
      persistent: persistent ?? null,
      autostart: autostart ?? null,
      bridge: bridge ?? null,
    };
    return r;
  },
});

export const netDumpxml = defineCommand({
  name: "net-dumpxml",
  group: "network",
  summary: "network information in XML",
  description: "Output the network information as an XML dump to stdout.",
  options: {
    network: networkOpt(),
    inactive: opt.bool("show inactive defined XML"),
    ...xpathOptions,
  },
  json: "the XML document (or the --xpath matches) as a string",
  async handler(ctx, opts) {
    const net = await lookupNetwork(ctx, opts.network!);
    const xml = await networkXml(ctx.conn, net, opts.inactive ? XML_INACTIVE : 0);
    return dumpXml(xml, opts.xpath, opts.wrap);
  },
});

export const netUuid = defineCommand({
  name: "net-uuid",
  group: "network",
  summary: "convert a network name to network UUID",
  description: "",
  options: { network: networkOpt("network name") },
  json: "the UUID",
  async handler(ctx, opts) {
    const net = await lookupNetwork(ctx, opts.network!, { name: true });
    const uuid = formatUuid(net.uuid);
    const r = new Result().print(`${uuid}\n`);
    r.data = uuid;
    return r;
  },
});

export const netName = defineCommand({
  name: "net-name",
  group: "network",
  summary: "convert a network UUID to network name",
  description: "",
  options: { network: { ...networkOpt("network uuid"), complete: undefined } },
  json: "the name",
  async handler(ctx, opts) {
    const net = await lookupNetwork(ctx, opts.network!, { uuid: true });
    const r = new Result().print(`${net.name}\n`);
    r.data = net.name;
    return r;
  },
});

const fileOpt = opt.data("file containing an XML network description", {
  required: true,
  complete: "file",
});

// net-define and net-create: read the file, hand it to the driver, report either way.
async function fromFile(
  ctx: ShellContext,
  file: string,
  validate: boolean,
  action: "define" | "create",
): Promise<Result> {
  if (validate) {
    throw new VirtError({
      code: 3,
      domain: 0,
      message: `this function is not supported by the connection driver: ${
        action === "define" ? "virNetworkDefineXMLFlags" : "virNetworkCreateXMLFlags"
      }`,
    });
  }
  const xml = await ctx.readFile(file);
  let net: RemoteNetwork;
  try {
    net = action === "define"
      ? await defineNetwork(ctx.conn, xml)
      : await createNetwork(ctx.conn, xml);
  } catch (e) {
    if (e instanceof VirtError) {
      throw new VshError(`Failed to ${action} network from ${file}`, { cause: e });
    }
    throw e;
  }
  const r = new Result().extra(`Network ${net.name} ${action}d from ${file}\n`);
  r.data = { name: net.name, uuid: formatUuid(net.uuid) };
  return r;
}

export const netDefine = defineCommand({
  name: "net-define",
  group: "network",
  summary:
    "define an inactive persistent virtual network or modify an existing persistent one from an XML file",
  description: "Define or modify a persistent virtual network.",
  options: { file: fileOpt, validate: opt.bool("validate the XML against the schema") },
  json: "the defined network's name and uuid",
  handler: (ctx, opts) => fromFile(ctx, opts.file!, opts.validate, "define"),
});

export const netCreate = defineCommand({
  name: "net-create",
  group: "network",
  summary: "create a network from an XML file",
  description: "Create a network.",
  options: { file: fileOpt, validate: opt.bool("validate the XML against the schema") },
  json: "the created network's name and uuid",
  handler: (ctx, opts) => fromFile(ctx, opts.file!, opts.validate, "create"),
});

// The commands that act on one network and only report success or failure.
function lifecycle(
  name: string,
  summary: string,
  description: string,
  act: (ctx: ShellContext, net: RemoteNetwork) => Promise<void>,
  done: string,
  failed: string,
): CommandDef {
  return defineCommand({
    name,
    group: "network",
    summary,
    description,
    options: { network: networkOpt() },
    json: "the network's name",
    async handler(ctx, opts) {
      const text = opts.network!;
      const net = await lookupNetwork(ctx, text);
      try {
        await act(ctx, net);
      } catch (e) {
        if (e instanceof VirtError) throw new VshError(`${failed} ${text}`, { cause: e });
        throw e;
      }
      const r = new Result().extra(`Network ${text} ${done}\n`);
      r.data = { name: net.name };
      return r;
    },
  }) as unknown as CommandDef;
}

export const netStart = lifecycle(
  "net-start",
  "start a (previously defined) inactive network",
  "Start a network.",
  (ctx, net) => startNetwork(ctx.conn, net),
  "started",
  "Failed to start network",
);

export const netDestroy = lifecycle(
  "net-destroy",
  "destroy (stop) a network",
  "Forcefully stop a given network.",
  (ctx, net) => destroyNetwork(ctx.conn, net),
  "destroyed",
  "Failed to destroy network",
);

export const netUndefine = lifecycle(
  "net-undefine",
  "undefine a persistent network",
  "Undefine the configuration for a persistent network.",
  (ctx, net) => undefineNetwork(ctx.conn, net),
  "has been undefined",
  "Failed to undefine network",
);

export const netAutostart = defineCommand({
  name: "net-autostart",
  group: "network",
  summary: "autostart a network",
  description: "Configure a network to be automatically started at boot.",
  options: { network: networkOpt(), disable: opt.bool("disable autostarting") },
  json: "the network's name and its new autostart setting",
  async handler(ctx, opts) {
    const text = opts.network!;
    const net = await lookupNetwork(ctx, text);
    const on = !opts.disable;
    try {
      await setNetworkAutostart(ctx.conn, net, on);
    } catch (e) {
      if (e instanceof VirtError) {
        throw new VshError(`failed to ${on ? "" : "un"}mark network ${text} as autostarted`, {
          cause: e,
        });
      }
      throw e;
    }
    const r = new Result().extra(`Network ${text} ${on ? "" : "un"}marked as autostarted\n`);
    r.data = { name: net.name, autostart: on };
    return r;
  },
});

/** The Networking group's commands, in virsh's order. */
export const networkCommands: CommandDef[] = [
  netAutostart,
  netCreate,
  netDefine,
  netDestroy,
  netDumpxml,
  netInfo,
  netList,
  netName,
  netStart,
  netUndefine,
  netUuid,
] as unknown as CommandDef[];
