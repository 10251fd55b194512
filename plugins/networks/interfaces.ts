// virsh's "Interface" group: the host's physical interfaces as the hypervisor's netcf-style
// backend reports them.

import { defineCommand, opt, parseUIntOpt, Result, VshError } from "../../shell/mod.ts";
import type { CommandDef } from "../../shell/mod.ts";
import { VirtError } from "../../virt/errors.ts";
import {
  defineInterface,
  destroyInterface,
  interfaceByName,
  interfaceIsActive,
  interfaceTransaction,
  interfaceXml,
  ListInterfaces,
  listInterfaces,
  type RemoteInterface,
  startInterface,
  undefineInterface,
  XML_INACTIVE,
} from "../../virt/network.ts";
import {
  childrenNamed,
  el,
  elements,
  formatElement,
  parseXml,
  type XmlElement,
} from "../../virt/xml/tree.ts";
import { editDefinition } from "../../shell/edit_loop.ts";
import { lookupInterface } from "./lookup.ts";
import { compareNames, objectAction, orFail, orUndefined, valueLine, withData } from "../common.ts";
import { dumpXml, xpathOptions } from "../../shell/xml_output.ts";

const interfaceOpt = (help = "interface name or MAC address") =>
  opt.data(help, { required: true, complete: "interface" });

/** `iface-list`: list physical host interfaces. */
export const ifaceList = defineCommand({
  name: "iface-list",
  group: "interface",
  summary: "list physical host interfaces",
  description: "Returns list of physical host interfaces.",
  options: {
    inactive: opt.bool("list inactive interfaces"),
    all: opt.bool("list inactive & active interfaces"),
  },
  json: "an array of interfaces: name, active, mac",
  async handler(ctx, opts) {
    if (opts.all && opts.inactive) {
      throw new VshError("Options --all and --inactive are mutually exclusive");
    }
    let flags: number = ListInterfaces.ACTIVE;
    if (opts.inactive) flags = ListInterfaces.INACTIVE;
    if (opts.all) flags = ListInterfaces.ACTIVE | ListInterfaces.INACTIVE;
    const conn = ctx.conn;
    const ifaces = await orFail("Failed to list interfaces", () => listInterfaces(conn, flags));
    ifaces.sort((a, b) => compareNames(a.name, b.name));
    const rows: string[][] = [];
    const data = [];
    for (const iface of ifaces) {
      // virsh reads the -1 of a failed query as true.
      const active = (await orUndefined(interfaceIsActive(conn, iface))) ?? true;
      rows.push([iface.name, active ? "active" : "inactive", iface.mac]);
      data.push({ name: iface.name, active, mac: iface.mac });
    }
    const r = new Result().table(["Name", "State", "MAC Address"], rows);
    r.data = data;
    return r;
  },
});

/** `iface-name`: convert an interface MAC address to interface name. */
export const ifaceName = defineCommand({
  name: "iface-name",
  group: "interface",
  summary: "convert an interface MAC address to interface name",
  description: "",
  options: { interface: opt.data("interface mac", { required: true }) },
  json: "the name",
  async handler(ctx, opts) {
    const iface = await lookupInterface(ctx, opts.interface!, { mac: true });
    return valueLine(iface.name);
  },
});

/** `iface-mac`: convert an interface name to interface MAC address. */
export const ifaceMac = defineCommand({
  name: "iface-mac",
  group: "interface",
  summary: "convert an interface name to interface MAC address",
  description: "",
  options: { interface: opt.data("interface name", { required: true }) },
  json: "the MAC address",
  async handler(ctx, opts) {
    const iface = await lookupInterface(ctx, opts.interface!, { name: true });
    return valueLine(iface.mac);
  },
});

/** `iface-dumpxml`: interface information in XML. */
export const ifaceDumpxml = defineCommand({
  name: "iface-dumpxml",
  group: "interface",
  summary: "interface information in XML",
  description: "Output the physical host interface information as an XML dump to stdout.",
  options: {
    interface: interfaceOpt(),
    inactive: opt.bool("show inactive defined XML"),
    ...xpathOptions,
  },
  json: "the XML document (or the --xpath matches) as a string",
  async handler(ctx, opts) {
    const iface = await lookupInterface(ctx, opts.interface!);
    const xml = await interfaceXml(ctx.conn, iface, opts.inactive ? XML_INACTIVE : 0);
    return dumpXml(xml, opts.xpath, opts.wrap);
  },
});

/** The `iface-define` command. */
export const ifaceDefine = defineCommand({
  name: "iface-define",
  group: "interface",
  summary:
    "define an inactive persistent physical host interface or modify an existing persistent one from an XML file",
  description: "Define or modify a persistent physical host interface.",
  options: {
    file: opt.data("file containing an XML interface description", {
      required: true,
      complete: "file",
    }),
    validate: opt.bool("validate the XML against the schema"),
  },
  json: "the defined interface's name and MAC address",
  async handler(ctx, opts) {
    const file = opts.file!;
    const xml = await ctx.readFile(file);
    // VIR_INTERFACE_DEFINE_VALIDATE: the driver checks the document against the schema.
    const iface = await orFail(
      `Failed to define interface from ${file}`,
      () => defineInterface(ctx.conn, xml, opts.validate ? 1 : 0),
    );
    return withData(new Result().extra(`Interface ${iface.name} defined from ${file}\n`), {
      name: iface.name,
      mac: iface.mac,
    });
  },
});

// The commands that act on one interface and only report success or failure.
const lifecycle = objectAction<RemoteInterface>({
  group: "interface",
  kind: "Interface",
  option: ["interface", interfaceOpt()],
  lookup: (ctx, text) => lookupInterface(ctx, text),
  json: "the interface's name",
});

/** `iface-undefine`: undefine a physical host interface (remove it from configuration). */
export const ifaceUndefine = lifecycle(
  "iface-undefine",
  "undefine a physical host interface (remove it from configuration)",
  "undefine an interface.",
  (ctx, iface) => undefineInterface(ctx.conn, iface),
  "undefined",
  "Failed to undefine interface",
);

/** `iface-start`: start a physical host interface (enable it / "if-up"). */
export const ifaceStart = lifecycle(
  "iface-start",
  'start a physical host interface (enable it / "if-up")',
  "start a physical host interface.",
  (ctx, iface) => startInterface(ctx.conn, iface),
  "started",
  "Failed to start interface",
);

/** `iface-destroy`: destroy a physical host interface (disable it / "if-down"). */
export const ifaceDestroy = lifecycle(
  "iface-destroy",
  'destroy a physical host interface (disable it / "if-down")',
  "forcefully stop a physical host interface.",
  (ctx, iface) => destroyInterface(ctx.conn, iface),
  "destroyed",
  "Failed to destroy interface",
);

// iface-begin, iface-commit and iface-rollback: the host configuration transaction.
function transaction(
  name: string,
  summary: string,
  description: string,
  step: "begin" | "commit" | "rollback",
  done: string,
): CommandDef {
  return defineCommand({
    name,
    group: "interface",
    summary,
    description,
    options: {},
    async handler(ctx) {
      await orFail(
        `Failed to ${step} network config change transaction`,
        () => interfaceTransaction(ctx.conn, step),
      );
      return new Result().extra(`Network config change transaction ${done}\n`);
    },
  }) as unknown as CommandDef;
}

/** The `iface-begin` command. */
export const ifaceBegin = transaction(
  "iface-begin",
  "create a snapshot of current interfaces settings, which can be later committed (iface-commit) or restored (iface-rollback)",
  "Create a restore point for interfaces settings",
  "begin",
  "started",
);

/** `iface-commit`: commit changes made since iface-begin and free restore point. */
export const ifaceCommit = transaction(
  "iface-commit",
  "commit changes made since iface-begin and free restore point",
  "commit changes and free restore point",
  "commit",
  "committed",
);

/** `iface-rollback`: rollback to previous saved configuration created via iface-begin. */
export const ifaceRollback = transaction(
  "iface-rollback",
  "rollback to previous saved configuration created via iface-begin",
  "rollback to previous restore point",
  "rollback",
  "rolled back",
);

/** `iface-edit`: edit XML configuration for a physical host interface. */
export const ifaceEdit = defineCommand({
  name: "iface-edit",
  group: "interface",
  summary: "edit XML configuration for a physical host interface",
  description: "Edit the XML configuration for a physical host interface.",
  options: { interface: interfaceOpt() },
  async handler(ctx, opts) {
    const conn = ctx.conn;
    const iface = await lookupInterface(ctx, opts.interface!);
    return await editDefinition(ctx, {
      kind: "Interface",
      name: iface.name,
      getXml: () => interfaceXml(conn, iface, XML_INACTIVE),
      define: async (xml) => (await defineInterface(conn, xml)).name,
    });
  },
});

// The elements that belong to the physical device rather than to the bridge over it.
const DEVICE_ELEMENTS = new Set(["mac", "bond", "vlan"]);

function parseDefinition(xml: string, context: string, name: string): XmlElement {
  try {
    return parseXml(xml, context);
  } catch {
    throw new VshError(`Failed to parse configuration of ${name}`);
  }
}

/** `iface-bridge`: create a bridge device and attach an existing network device to it. */
export const ifaceBridge = defineCommand({
  name: "iface-bridge",
  group: "interface",
  summary: "create a bridge device and attach an existing network device to it",
  description: "bridge an existing network device",
  options: {
    interface: opt.data("existing interface name", { required: true, complete: "interface" }),
    bridge: opt.data("new bridge device name", { required: true }),
    "no-stp": opt.bool("do not enable STP for this bridge"),
    delay: opt.int("number of seconds to squelch traffic on newly connected ports"),
    "no-start": opt.bool("don't start the bridge immediately"),
  },
  json: "the bridge's name, the attached device's name and whether the bridge was started",
  async handler(ctx, opts) {
    const conn = ctx.conn;
    const ifName = opts.interface!;
    const iface = await lookupInterface(ctx, ifName, { name: true });
    const brName = opts.bridge!;
    // virsh leaves the failed lookup's error pending: it follows any later message of ours.
    let pending: VirtError | undefined;
    try {
      await interfaceByName(conn, brName);
      throw new VshError(`Network device ${brName} already exists`);
    } catch (e) {
      if (!(e instanceof VirtError)) throw e;
      pending = e;
    }
    const fail = (msg: string) => new VshError(msg, pending ? { cause: pending } : undefined);
    const stp = !opts["no-stp"];
    let delay: number;
    try {
      delay = parseUIntOpt(opts.delay, "delay") ?? 0;
    } catch (e) {
      if (e instanceof VshError) throw fail(e.message);
      throw e;
    }
    const xml = await interfaceXml(conn, iface, XML_INACTIVE);
    pending = undefined;
    const top = parseDefinition(xml, "(interface definition)", ifName);
    const type = top.attrs.type;
    if (type === undefined) throw fail(`Existing device ${ifName} has no type`);
    if (type === "bridge") throw fail(`Existing device ${ifName} is already a bridge`);
    if (top.attrs.name !== ifName) {
      throw fail(
        `Interface name from config ${
          top.attrs.name ?? "(null)"
        } doesn't match given supplied name ${ifName}`,
      );
    }
    const attached = el("interface", { type, name: ifName });
    const bridge = el("bridge", { stp: stp ? "on" : "off", delay: stp ? delay : undefined }, [
      attached,
    ]);
    attached.children = elements(top).filter((c) => DEVICE_ELEMENTS.has(c.name));
    top.children = top.children.filter((c) =>
      typeof c === "string" || !DEVICE_ELEMENTS.has(c.name)
    );
    top.children.push(bridge);
    top.attrs = { ...top.attrs, type: "bridge", name: brName };
    const created = await orFail(
      `Failed to define new bridge interface ${brName}`,
      () => defineInterface(conn, formatElement(top)),
    );
    const r = new Result().extra(`Created bridge ${brName} with attached device ${ifName}\n`);
    r.data = { bridge: brName, device: ifName, started: !opts["no-start"] };
    if (!opts["no-start"]) {
      await orFail(
        `Failed to start bridge interface ${brName}`,
        () => startInterface(conn, created),
      );
      r.extra(`Bridge interface ${brName} started\n`);
    }
    return r;
  },
});

/** `iface-unbridge`: undefine a bridge device after detaching its device(s). */
export const ifaceUnbridge = defineCommand({
  name: "iface-unbridge",
  group: "interface",
  summary: "undefine a bridge device after detaching its device(s)",
  description: "unbridge a network device",
  options: {
    bridge: opt.data("current bridge device name", { required: true }),
    "no-start": opt.bool("don't start the detached interface immediately (not recommended)"),
  },
  json: "the detached device's name, the bridge's name and whether the device was started",
  async handler(ctx, opts) {
    const conn = ctx.conn;
    const brName = opts.bridge!;
    const br = await lookupInterface(ctx, brName, { name: true });
    const xml = await interfaceXml(conn, br, XML_INACTIVE);
    const top = parseDefinition(xml, "(bridge interface definition)", brName);
    if (top.attrs.type === undefined) throw new VshError(`Existing device ${brName} has no type`);
    if (top.attrs.type !== "bridge") throw new VshError(`Device ${brName} is not a bridge`);
    if (top.attrs.name !== brName) {
      throw new VshError(
        `Interface name from config ${
          top.attrs.name ?? "(null)"
        } doesn't match given supplied name ${brName}`,
      );
    }
    const bridge = childrenNamed(top, "bridge")[0];
    if (!bridge) throw new VshError("No bridge node in xml document");
    const attachedList = childrenNamed(bridge, "interface");
    if (attachedList.length > 1) throw new VshError("Multiple interfaces attached to bridge");
    const attached = attachedList[0];
    if (!attached) throw new VshError("No interface attached to bridge");
    const ifName = attached.attrs.name;
    if (ifName === undefined) throw new VshError(`Device attached to bridge ${brName} has no name`);
    const ifType = attached.attrs.type;
    if (ifType === undefined) throw new VshError(`Attached device ${ifName} has no type`);
    top.attrs = { ...top.attrs, type: ifType, name: ifName };
    const moved = elements(attached).filter((c) => DEVICE_ELEMENTS.has(c.name));
    attached.children = attached.children.filter((c) => !moved.includes(c as XmlElement));
    top.children.push(...moved);
    await orFail(`Failed to destroy bridge interface ${brName}`, () => destroyInterface(conn, br));
    await orFail(
      `Failed to undefine bridge interface ${brName}`,
      () => undefineInterface(conn, br),
    );
    const iface = await orFail(
      `Failed to define new interface ${ifName}`,
      () => defineInterface(conn, formatElement(top)),
    );
    const r = new Result().extra(`Device ${ifName} un-attached from bridge ${brName}\n`);
    r.data = { device: ifName, bridge: brName, started: !opts["no-start"] };
    if (!opts["no-start"]) {
      await orFail(`Failed to start interface ${ifName}`, () => startInterface(conn, iface));
      r.extra(`Interface ${ifName} started\n`);
    }
    return r;
  },
});

/** The Interface group's commands. */
export const interfaceCommands: CommandDef[] = [
  ifaceBegin,
  ifaceBridge,
  ifaceCommit,
  ifaceDefine,
  ifaceDestroy,
  ifaceDumpxml,
  ifaceEdit,
  ifaceList,
  ifaceMac,
  ifaceName,
  ifaceRollback,
  ifaceStart,
  ifaceUnbridge,
  ifaceUndefine,
] as unknown as CommandDef[];
