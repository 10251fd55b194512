// virsh's "Networking" group: listing, inspecting, defining and running virtual networks.

import { defineCommand, exclusive, opt, parseIntOpt, Result, VshError } from "../../shell/mod.ts";
import type { CommandDef, ShellContext } from "../../shell/mod.ts";
import type { ProcArgs } from "../../virt/remote/protocol.ts";
import { ErrorCode, VirtError } from "../../virt/errors.ts";
import {
  createNetwork,
  defineNetwork,
  destroyNetwork,
  formatUuid,
  ListNetworks,
  listNetworks,
  networkAutostart,
  networkBridge,
  networkDhcpLeases,
  networkIsActive,
  networkIsPersistent,
  NetworkSection,
  NetworkUpdateCommand,
  NetworkUpdateFlags,
  networkXml,
  type RemoteNetwork,
  setNetworkAutostart,
  startNetwork,
  undefineNetwork,
  updateNetwork,
  XML_INACTIVE,
} from "../../virt/network.ts";
import { editDefinition } from "../../shell/edit_loop.ts";
import { lookupNetwork } from "./lookup.ts";
import { compareNames, objectAction, orFail, orUndefined, valueLine, withData } from "../common.ts";
import { dumpXml, xpathOptions } from "../../shell/xml_output.ts";

const networkOpt = (help = "network name or uuid") => opt.network(help);

const yesNo = (b: boolean) => (b ? "yes" : "no");

/** `net-list`: list networks. */
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
    const nets = await orFail("Failed to list networks", () => listNetworks(conn, flags));
    nets.sort((a, b) => compareNames(a.name, b.name));
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

/** `net-info`: network information. */
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

/** `net-dumpxml`: network information in XML. */
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

/** `net-uuid`: convert a network name to network UUID. */
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
    return valueLine(uuid);
  },
});

/** `net-name`: convert a network UUID to network name. */
export const netName = defineCommand({
  name: "net-name",
  group: "network",
  summary: "convert a network UUID to network name",
  description: "",
  options: { network: { ...networkOpt("network uuid"), complete: undefined } },
  json: "the name",
  async handler(ctx, opts) {
    const net = await lookupNetwork(ctx, opts.network!, { uuid: true });
    return valueLine(net.name);
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
  const xml = await ctx.readFile(file);
  const net = await orFail(`Failed to ${action} network from ${file}`, async () => {
    if (validate) {
      // Validation needs virNetworkDefineXMLFlags/CreateXMLFlags, which vsh's procedure table
      // does not carry yet; report it as virsh does for a driver without them.
      const api = action === "define" ? "virNetworkDefineXMLFlags" : "virNetworkCreateXMLFlags";
      throw new VirtError({
        code: ErrorCode.NO_SUPPORT,
        domain: 0,
        message: `this function is not supported by the connection driver: ${api}`,
      });
    }
    return action === "define"
      ? await defineNetwork(ctx.conn, xml)
      : await createNetwork(ctx.conn, xml);
  });
  return withData(new Result().extra(`Network ${net.name} ${action}d from ${file}\n`), {
    name: net.name,
    uuid: formatUuid(net.uuid),
  });
}

/** The `net-define` command. */
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

/** `net-create`: create a network from an XML file. */
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
const lifecycle = objectAction<RemoteNetwork>({
  group: "network",
  kind: "Network",
  option: ["network", networkOpt()],
  lookup: (ctx, text) => lookupNetwork(ctx, text),
  json: "the network's name",
});

/** `net-start`: start a (previously defined) inactive network. */
export const netStart = lifecycle(
  "net-start",
  "start a (previously defined) inactive network",
  "Start a network.",
  (ctx, net) => startNetwork(ctx.conn, net),
  "started",
  "Failed to start network",
);

/** `net-destroy`: destroy (stop) a network. */
export const netDestroy = lifecycle(
  "net-destroy",
  "destroy (stop) a network",
  "Forcefully stop a given network.",
  (ctx, net) => destroyNetwork(ctx.conn, net),
  "destroyed",
  "Failed to destroy network",
);

/** `net-undefine`: undefine a persistent network. */
export const netUndefine = lifecycle(
  "net-undefine",
  "undefine a persistent network",
  "Undefine the configuration for a persistent network.",
  (ctx, net) => undefineNetwork(ctx.conn, net),
  "has been undefined",
  "Failed to undefine network",
);

/** `net-autostart`: autostart a network. */
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
    await orFail(
      `failed to ${on ? "" : "un"}mark network ${text} as autostarted`,
      () => setNetworkAutostart(ctx.conn, net, on),
    );
    return withData(
      new Result().extra(`Network ${text} ${on ? "" : "un"}marked as autostarted\n`),
      { name: net.name, autostart: on },
    );
  },
});

/** `net-edit`: edit XML configuration for a network. */
export const netEdit = defineCommand({
  name: "net-edit",
  group: "network",
  summary: "edit XML configuration for a network",
  description: "Edit the XML configuration for a network.",
  options: { network: networkOpt() },
  async handler(ctx, opts) {
    const conn = ctx.conn;
    const net = await lookupNetwork(ctx, opts.network!);
    // The persistent definition, or the live one from drivers that refuse the flag.
    const getXml = async () => {
      try {
        return await networkXml(conn, net, XML_INACTIVE);
      } catch (e) {
        if (!(e instanceof VirtError) || e.code !== ErrorCode.INVALID_ARG) throw e;
        return await networkXml(conn, net, 0);
      }
    };
    return await editDefinition(ctx, {
      kind: "Network",
      name: net.name,
      getXml,
      define: async (xml) => (await defineNetwork(conn, xml)).name,
    });
  },
});

/** `net-update`: update parts of an existing network's configuration. */
export const netUpdate = defineCommand({
  name: "net-update",
  group: "network",
  summary: "update parts of an existing network's configuration",
  description: "",
  options: {
    network: networkOpt(),
    command: opt.data("type of update (add-first, add-last (add), delete, or modify)", {
      required: true,
    }),
    section: opt.data("which section of network configuration to update", { required: true }),
    xml: opt.data(
      "name of file containing xml (or, if it starts with '<', the complete xml element itself) to add/modify, or to be matched for search",
      { required: true },
    ),
    "parent-index": opt.int("which parent object to search through"),
    config: opt.bool("affect next network startup"),
    live: opt.bool("affect running network"),
    current: opt.bool("affect current state of network"),
  },
  json: "the network's name and which definitions were changed",
  async handler(ctx, opts) {
    exclusive("current", opts["current"], "live", opts["live"]);
    exclusive("current", opts["current"], "config", opts["config"]);
    const net = await lookupNetwork(ctx, opts.network!);
    const commandText = opts.command!;
    const command = commandText === "add"
      ? NetworkUpdateCommand["add-last"]
      : NetworkUpdateCommand[commandText as keyof typeof NetworkUpdateCommand];
    if (!Object.hasOwn(NetworkUpdateCommand, commandText) && commandText !== "add") {
      throw new VshError(`unrecognized command name '${commandText}'`);
    }
    const sectionText = opts.section!;
    if (!Object.hasOwn(NetworkSection, sectionText)) {
      throw new VshError(`unrecognized section name '${sectionText}'`);
    }
    const section = NetworkSection[sectionText as keyof typeof NetworkSection];
    const parentIndex = parseIntOpt(opts["parent-index"], "parent-index") ?? -1;
    // A value starting with '<' is the element itself, anything else names a file holding it.
    const xml = opts.xml!.startsWith("<") ? opts.xml! : await ctx.readFile(opts.xml!);
    let flags: number = NetworkUpdateFlags.CURRENT;
    if (opts.config) flags |= NetworkUpdateFlags.CONFIG;
    if (opts.live) flags |= NetworkUpdateFlags.LIVE;
    await orFail(
      `Failed to update network ${net.name}`,
      () => updateNetwork(ctx.conn, net, { command, section, parentIndex, xml, flags }),
    );
    let affected: string;
    if (opts.config) {
      affected = opts.live ? "persistent config and live state" : "persistent config";
    } else if (opts.live) affected = "live state";
    else {
      const active = (await orUndefined(networkIsActive(ctx.conn, net))) ?? true;
      affected = active ? "live state" : "persistent config";
    }
    return withData(new Result().extra(`Updated network ${net.name} ${affected}`), {
      name: net.name,
      updated: affected,
    });
  },
});

// strftime("%Y-%m-%d %H:%M:%S") of a time in the local zone, as virsh prints lease expiry.
function localTime(seconds: bigint): string {
  const d = new Date(Number(seconds) * 1000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${
    p(d.getMinutes())
  }:${p(d.getSeconds())}`;
}

/** `net-dhcp-leases`: print lease info for a given network. */
export const netDhcpLeases = defineCommand({
  name: "net-dhcp-leases",
  group: "network",
  summary: "print lease info for a given network",
  description: "Print lease info for a given network",
  options: { network: networkOpt(), mac: opt.string("MAC address") },
  json: "an array of leases: expirytime, mac, type, ipaddr, prefix, hostname, clientid",
  async handler(ctx, opts) {
    const text = opts.network!;
    const net = await lookupNetwork(ctx, text);
    const leases = await orFail(
      `Failed to get leases info for ${text}`,
      () => networkDhcpLeases(ctx.conn, net, opts.mac),
    );
    leases.sort((a, b) => compareNames(a.mac ?? "", b.mac ?? ""));
    const rows = leases.map((l) => [
      localTime(l.expirytime),
      l.mac ?? "-",
      l.type === 0 ? "ipv4" : l.type === 1 ? "ipv6" : "-",
      `${l.ipaddr}/${l.prefix}`,
      l.hostname ?? "-",
      l.clientid ?? "-",
    ]);
    const r = new Result().table(
      ["Expiry Time", "MAC address", "Protocol", "IP address", "Hostname", "Client ID or DUID"],
      rows,
    );
    r.data = leases;
    return r;
  },
});

// What a driver that delivers events offers (the remote client does; events are messages it
// reads from the daemon).
interface EventSource {
  onEvent(
    proc: "networkEventLifecycle",
    listener: (msg: ProcArgs<"networkEventLifecycle">) => void,
  ): () => void;
}

const hasEvents = (d: unknown): d is EventSource =>
  typeof (d as Partial<EventSource>).onEvent === "function";

// virNetworkEventLifecycleType, as virsh names them.
const LIFECYCLE_EVENTS = ["Defined", "Undefined", "Started", "Stopped"];

// virTimeStringNowRaw: "YYYY-MM-DD HH:MM:SS.mmm+0000" in UTC.
function timestampNow(): string {
  return new Date().toISOString().replace("T", " ").replace("Z", "+0000");
}

/** `net-event`: Network Events. */
export const netEvent = defineCommand({
  name: "net-event",
  group: "network",
  summary: "Network Events",
  description: "List event types, or wait for network events to occur",
  options: {
    network: opt.string("filter by network name or uuid", { complete: "network" }),
    event: opt.string("which event type to wait for"),
    loop: opt.bool("loop until timeout or interrupt, rather than one-shot"),
    timeout: opt.int("timeout seconds"),
    list: opt.bool("list valid event types"),
    timestamp: opt.bool("show timestamp for each printed event"),
  },
  json: "the events received: network, event",
  async handler(ctx, opts) {
    const r = new Result();
    if (opts.list) return r.print("lifecycle\n");
    if (opts.event === undefined) {
      throw new VshError("either --list or --event <type> is required");
    }
    if (opts.event !== "lifecycle") throw new VshError(`unknown event type ${opts.event}`);
    let timeoutMs = 0;
    if (opts.timeout !== undefined) {
      const t = parseIntOpt(opts.timeout, "timeout")!;
      if (t < 1 || t > Math.floor(2147483647 / 1000)) {
        throw new VshError(
          `Numeric value '${opts.timeout}' for <timeout> option is malformed or out of range`,
        );
      }
      timeoutMs = t * 1000;
    }
    const conn = ctx.conn;
    // A network that cannot be found is reported, and the command listens to all of them; the
    // lookup's error stays pending and shows if nothing arrives.
    let net: RemoteNetwork | null = null;
    let pending: unknown;
    if (opts.network !== undefined) {
      try {
        net = await lookupNetwork(ctx, opts.network);
      } catch (e) {
        if (!(e instanceof VshError)) throw e;
        r.error(e.message);
        pending = e.cause;
      }
    }
    const events: { network: string; event: string }[] = [];
    const { promise: finished, resolve: finish } = Promise.withResolvers<string>();
    let callbackID: number | undefined;
    const early: ProcArgs<"networkEventLifecycle">[] = [];
    const deliver = (msg: ProcArgs<"networkEventLifecycle">) => {
      if (!opts.loop && events.length) return;
      const event = LIFECYCLE_EVENTS[msg.event] ?? "unknown";
      const line = `event 'lifecycle' for network ${msg.net.name}: ${event}\n`;
      r.print(opts.timestamp ? `${timestampNow()}: ${line}` : line);
      events.push({ network: msg.net.name, event });
      if (!opts.loop) finish("done");
    };
    const stopListening = hasEvents(conn.driver)
      ? conn.driver.onEvent("networkEventLifecycle", (msg) => {
        if (callbackID === undefined) early.push(msg);
        else if (msg.callbackID === callbackID) deliver(msg);
      })
      : () => {};
    try {
      ({ callbackID } = await conn.call("connectNetworkEventRegisterAny", { eventID: 0, net }));
    } catch (e) {
      stopListening();
      // A failed registration: virsh reports only libvirt's error.
      if (e instanceof VirtError) return r.error(e.message).fail();
      throw e;
    }
    const onInterrupt = () => finish("interrupted");
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      for (const msg of early) if (msg.callbackID === callbackID) deliver(msg);
      if (timeoutMs) timer = setTimeout(() => finish("timeout"), timeoutMs);
      Deno.addSignalListener("SIGINT", onInterrupt);
      const how = events.length && !opts.loop ? "done" : await finished;
      if (how === "timeout") r.print("event loop timed out\n");
      if (how === "interrupted") r.print("event loop interrupted\n");
      r.print(`events received: ${events.length}\n`);
    } finally {
      clearTimeout(timer);
      Deno.removeSignalListener("SIGINT", onInterrupt);
      stopListening();
      await conn.call("connectNetworkEventDeregisterAny", { callbackID }).catch(() => {});
    }
    r.data = events;
    if (events.length) return r;
    if (pending instanceof VirtError) r.error(pending.message);
    return r.fail();
  },
});

/** The Networking group's commands, in virsh's order. */
export const networkCommands: CommandDef[] = [
  netAutostart,
  netCreate,
  netDefine,
  netDestroy,
  netDhcpLeases,
  netDumpxml,
  netEdit,
  netEvent,
  netInfo,
  netList,
  netName,
  netStart,
  netUndefine,
  netUpdate,
  netUuid,
] as unknown as CommandDef[];
