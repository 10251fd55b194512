// libvirt connection URIs: `driver[+transport]://[user@][host][:port]/path[?params]`, plus the
// default-URI rules vsh follows when none is given.

/** A parsed libvirt URI. */
export interface VirtUri {
  /** The URI as given. */
  text: string;
  /** Hypervisor driver: "qemu", "test", "xen", … */
  driver: string;
  /** Transport after `+`: "unix", "tcp", "tls", "ssh", "libssh", "ext", or "" when absent. */
  transport: string;
  user: string;
  host: string;
  /** 0 when absent. */
  port: number;
  /** The path, e.g. "/system", "/default", "/tmp/node.xml". */
  path: string;
  /** Query parameters in order; names are case-insensitive in libvirt, kept as written here. */
  params: [string, string][];
}

/**
 * Parse a libvirt URI. Throws on text that is not a URI.
 *
 * @example
 * ```ts
 * import { parseUri } from "./uri.ts";
 * const u = parseUri("qemu+tcp://root@host:16509/system?no_verify=1");
 * console.assert(u.transport === "tcp" && u.port === 16509);
 * ```
 */
export function parseUri(text: string): VirtUri {
  const m =
    /^([A-Za-z][A-Za-z0-9.-]*)(?:\+([A-Za-z0-9-]+))?:(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?/
      .exec(text);
  if (!m) throw new Error(`Unable to parse URI ${text}`);
  const authority = m[3] ?? "";
  let user = "";
  let hostport = authority;
  const at = authority.lastIndexOf("@");
  if (at >= 0) {
    user = decodeURIComponent(authority.slice(0, at));
    hostport = authority.slice(at + 1);
  }
  let host = hostport;
  let port = 0;
  const pm = /^(.*?)(?::(\d*))?$/.exec(hostport);
  if (pm) {
    host = pm[1];
    if (pm[2]) port = Number(pm[2]);
  }
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  const params: [string, string][] = [];
  for (const part of (m[5] ?? "").split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const name = decodeURIComponent(eq >= 0 ? part.slice(0, eq) : part);
    const value = eq >= 0 ? decodeURIComponent(part.slice(eq + 1).replace(/\+/g, " ")) : "";
    params.push([name, value]);
  }
  return {
    text,
    driver: m[1].toLowerCase(),
    transport: (m[2] ?? "").toLowerCase(),
    user,
    host,
    port,
    path: decodeURIComponent(m[4] ?? ""),
    params,
  };
}

/** The value of a query parameter (case-insensitive name), or undefined. */
export function uriParam(uri: VirtUri, name: string): string | undefined {
  const lower = name.toLowerCase();
  return uri.params.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/** True when the URI names the embedded test driver (`test:///…`, no transport, no host). */
export function isEmbeddedTestUri(uri: VirtUri): boolean {
  return uri.driver === "test" && uri.transport === "" && uri.host === "";
}

/** Where the default URI came from, for the interactive notice. */
export type DefaultUriSource =
  | "VSH_DEFAULT_CONNECT_URI"
  | "LIBVIRT_DEFAULT_URI"
  | "config"
  | "socket"
  | "embedded";

/** Read `uri_default = "..."` from libvirt's client configuration file, if any. */
function configuredUri(env: (name: string) => string | undefined): string | undefined {
  const home = env("HOME") ?? "";
  const xdg = env("XDG_CONFIG_HOME") || `${home}/.config`;
  const isRoot = typeof Deno.uid === "function" && Deno.uid() === 0;
  const path = isRoot ? "/etc/libvirt/libvirt.conf" : `${xdg}/libvirt/libvirt.conf`;
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
  const m = /^[ \t]*uri_default[ \t]*=[ \t]*"([^"]*)"/m.exec(text);
  return m?.[1];
}

/** Whether `path` names something (a file, directory or socket) this process can stat. */
export function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The URI to use when none is given: VSH_DEFAULT_CONNECT_URI, then LIBVIRT_DEFAULT_URI, then
 * libvirt's `uri_default`, then a local libvirtd socket if one exists, else `test:///default`.
 */
export function defaultUri(
  env: (name: string) => string | undefined = (n) => Deno.env.get(n),
): { uri: string; source: DefaultUriSource } {
  const vsh = env("VSH_DEFAULT_CONNECT_URI");
  if (vsh) return { uri: vsh, source: "VSH_DEFAULT_CONNECT_URI" };
  const libvirt = env("LIBVIRT_DEFAULT_URI");
  if (libvirt) return { uri: libvirt, source: "LIBVIRT_DEFAULT_URI" };
  const configured = configuredUri(env);
  if (configured) return { uri: configured, source: "config" };
  const isRoot = typeof Deno.uid === "function" && Deno.uid() === 0;
  if (isRoot) {
    for (const sock of ["/run/libvirt/virtqemud-sock", "/run/libvirt/libvirt-sock"]) {
      if (exists(sock)) return { uri: "qemu:///system", source: "socket" };
    }
  } else {
    const runtime = env("XDG_RUNTIME_DIR");
    if (runtime) {
      for (const sock of ["virtqemud-sock", "libvirt-sock"]) {
        if (exists(`${runtime}/libvirt/${sock}`)) {
          return { uri: "qemu:///session", source: "socket" };
        }
      }
    }
  }
  return { uri: "test:///default", source: "embedded" };
}
