// Connection commands: connect, uri, hostname, version.

import { defineCommand, opt } from "../shell/command.ts";
import { Result } from "../shell/result.ts";

/** `connect [URI] [--readonly]`. */
export const connect = defineCommand({
  name: "connect",
  group: "virsh",
  summary: "(re)connect to hypervisor",
  description: "Connect to local hypervisor. This is built-in command after shell start up.",
  noConnect: true,
  options: {
    name: opt.string("hypervisor connection URI"),
    readonly: opt.bool("read-only connection"),
  },
  async handler(ctx, opts) {
    // Reconnecting to the same URI keeps a read-only connection read-only, as virsh does.
    const readonly = opts.readonly || (opts.name === undefined && ctx.readonly);
    await ctx.connect(opts.name, { readonly });
    const r = new Result();
    r.data = { uri: ctx.uri, readonly: ctx.readonly };
    return r;
  },
});

/** `uri`. */
export const uri = defineCommand({
  name: "uri",
  group: "host",
  summary: "print the hypervisor canonical URI",
  description: "",
  json: "the URI as a string",
  options: {},
  handler(ctx) {
    // libvirt answers virConnectGetURI from the connection itself, without a remote call.
    const uri = ctx.conn.uri;
    const r = new Result().print(`${uri}\n`);
    r.data = uri;
    return r;
  },
});

/** `hostname`. */
export const hostname = defineCommand({
  name: "hostname",
  group: "host",
  summary: "print the hypervisor hostname",
  description: "",
  json: "the host name as a string",
  options: {},
  async handler(ctx) {
    const { hostname } = await ctx.conn.call("connectGetHostname", undefined);
    const r = new Result().print(`${hostname}\n`);
    r.data = hostname;
    return r;
  },
});

/** The libvirt release whose client behaviour vsh reproduces. */
export const LIBVIRT_VERSION = 9000000;

function dotted(v: number | bigint): string {
  const n = Number(v);
  return `${Math.floor(n / 1000000)}.${Math.floor(n / 1000) % 1000}.${n % 1000}`;
}

/** `version [--daemon]`. */
export const version = defineCommand({
  name: "version",
  group: "host",
  summary: "show version",
  description: "Display the system version information.",
  json: "{ library, api, hypervisorType, hypervisor, daemon? } version strings",
  options: {
    daemon: opt.bool("report daemon version too"),
  },
  async handler(ctx, opts) {
    const r = new Result();
    const { type } = await ctx.conn.call("connectGetType", undefined);
    const lib = dotted(LIBVIRT_VERSION);
    r.print(`Compiled against library: libvirt ${lib}\n`);
    r.print(`Using library: libvirt ${lib}\n`);
    r.print(`Using API: ${type} ${lib}\n`);
    const { hv_ver } = await ctx.conn.call("connectGetVersion", undefined);
    const data: Record<string, string> = { library: lib, api: lib, hypervisorType: type };
    if (Number(hv_ver) === 0) {
      r.print(`Cannot extract running ${type} hypervisor version\n`);
    } else {
      data.hypervisor = dotted(hv_ver);
      r.print(`Running hypervisor: ${type} ${data.hypervisor}\n`);
    }
    if (opts.daemon) {
      const { lib_ver } = await ctx.conn.call("connectGetLibVersion", undefined);
      data.daemon = dotted(lib_ver);
      r.print(`Running against daemon: ${data.daemon}\n`);
    }
    r.data = data;
    return r;
  },
});
