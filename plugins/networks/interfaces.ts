// virsh's "Interface" group: the host's physical interfaces as the hypervisor's netcf-style
// backend reports them.

import { defineCommand, opt, Result, VshError } from "../../shell/mod.ts";
import type { CommandDef, ShellContext } from "../../shell/mod.ts";
import { VirtError } from "../../virt/errors.ts";
import {
  defineInterface,
  destroyInterface,
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
import { editDefinition } from "./edit.ts";
import { lookupInterface } from "./lookup.ts";
import { dumpXml, xpathOptions } from "./xml_output.ts";

const interfaceOpt = (help = "interface name or MAC address") =>
  opt.data(help, { required: true, complete: "interface" });

// Turns a libvirt failure into virsh's two lines: the command's message, then libvirt's.
async function reported<T>(message: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof VirtError) throw new VshError(message, { cause: e });
    throw e;
  }
}

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
    const ifaces = await reported("Failed to list interfaces", listInterfaces(conn, flags));
    ifaces.sort((a, b) => {
      const x = a.name.toLowerCase(), y = b.name.toLowerCase();
      return x < y ? -1 : x > y ? 1 : 0;
    });
    const rows: string[][] = [];
    const data = [];
    for (const iface of ifaces) {
      let active: boolean;
      try {
        active = await interfaceIsActive(conn, iface);
      } catch (e) {
        if (!(e instanceof VirtError)) throw e;
        active = true; // virsh reads the -1 of a failed query as true
      }
      rows.push([iface.name, active ? "active" : "inactive", iface.mac]);
      data.push({ name: iface.name, active, mac: iface.mac });
    }
    const r = new Result().table(["Name", "State", "MAC Address"], rows);
    r.data = data;
    return r;
  },
});

export const ifaceName = defineCommand({
  name: "iface-name",
  group: "interface",
  summary: "convert an interface MAC address to interface name",
  description: "",
  options: { interface: opt.data("interface mac", { required: true }) },
  json: "the name",
  async handler(ctx, opts) {
    const iface = await lookupInterface(ctx, opts.interface!, { mac: true });
    const r = new Result().print(`${iface.name}\n`);
    r.data = iface.name;
    return r;
  },
});

export const ifaceMac = defineCommand({
  name: "iface-mac",
  group: "interface",
  summary: "convert an interface name to interface MAC address",
  description: "",
  options: { interface: opt.data("interface name", { required: true }) },
  json: "the MAC address",
  async handler(ctx, opts) {
    const iface = await lookupInterface(ctx, opts.interface!, { name: true });
    const r = new Result().print(`${iface.mac}\n`);
    r.data = iface.mac;
    return r;
  },
});

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
    const iface = await reported(
      `Failed to define interface from ${file}`,
      defineInterface(ctx.conn, xml, opts.validate ? 1 : 0),
    );
    const r = new Result().extra(`Interface ${iface.name} defined from ${file}\n`);
    r.data = { name: iface.name, mac: iface.mac };
    return r;
  },
});

// The commands that act on one interface and only report success or failure.
function lifecycle(
  name: string,
  summary: string,
  description: string,
  act: (ctx: ShellContext, iface: RemoteInterface) => Promise<void>,
  done: string,
  verb: string,
): CommandDef {
  return defineCommand({
    name,
    group: "interface",
    summary,
    description,
    options: { interface: interfaceOpt() },
    json: "the interface's name",
    async handler(ctx, opts) {
      const text = opts.interface!;
      const iface = await lookupInterface(ctx, text);
      await reported(`Failed to ${verb} interface ${text}`, act(ctx, iface));
      const r = new Result().extra(`Interface ${text} ${done}\n`);
      r.data = { name: iface.name };
      return r;
    },
  }) as unknown as CommandDef;
}

export const ifaceUndefine = lifecycle(
  "iface-undefine",
  "undefine a physical host interface (remove it from configuration)",
  "undefine an interface.",
  (ctx, iface) => undefineInterface(ctx.conn, iface),
  "undefined",
  "undefine",
);

export const ifaceStart = lifecycle(
  "iface-start",
  'start a physical host interface (enable it / "if-up")',
  "start a physical host interface.",
  (ctx, iface) => startInterface(ctx.conn, iface),
  "started",
  "start",
);

export const ifaceDestroy = lifecycle(
  "iface-destroy",
  'destroy a physical host interface (disable it / "if-down")',
  "forcefully stop a physical host interface.",
  (ctx, iface) => destroyInterface(ctx.conn, iface),
  "destroyed",
  "destroy",
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
      await reported(
        `Failed to ${step} network config change transaction`,
        interfaceTransaction(ctx.conn, step),
      );
      return new Result().extra(`Network config change transaction ${done}\n`);
    },
  }) as unknown as CommandDef;
}

export const ifaceBegin = transaction(
  "iface-begin",
  "create a snapshot of current interfaces settings, which can be later committed (iface-commit) or restored (iface-rollback)",
  "Create a restore point for interfaces settings",
  "begin",
  "started",
);

export const ifaceCommit = transaction(
  "iface-commit",
  "commit changes made since iface-begin and free restore point",
  "commit changes and free restore point",
  "commit",
  "committed",
);

export const ifaceRollback = transaction(
  "iface-rollback",
  "rollback to previous saved configuration created via iface-begin",
  "rollback to previous restore point",
  "rollback",
  "rolled back",
);

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

/** The Interface group's commands. */
export const interfaceCommands: CommandDef[] = [
  ifaceBegin,
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
  ifaceUndefine,
] as unknown as CommandDef[];
