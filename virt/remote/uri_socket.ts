// From a libvirt URI to a remote connection, as libvirt's remote driver decides it: which
// transport, which socket or host and port, which auth, and which name to send in CONNECT_OPEN.

import { ErrorCode, VirtError } from "../errors.ts";
import { parseUri, type VirtUri } from "../uri.ts";
import { type HandshakeOptions, type KeepaliveOptions, RemoteClient } from "./client.ts";
import {
  connectTcp,
  connectTls,
  connectUnix,
  FROM_REMOTE,
  type TlsFiles,
  type Transport,
} from "./transport.ts";

/** Where and how to connect for one URI. */
export interface RemoteTarget {
  /** "unix", "tcp", "tls", "ssh", "libssh", "libssh2" or "ext". */
  transport: string;
  /** UNIX socket path (transport "unix"). */
  socketPath?: string;
  host?: string;
  port?: number;
  user?: string;
  /** The name sent in CONNECT_OPEN: the URI without transport, server and remote-only params. */
  name: string;
  /** `?auth=`, when given. */
  auth?: string;
  /** All remote-only parameters, by lower-case name (`command`, `keyfile`, `no_verify`, …). */
  remoteParams: Record<string, string>;
}

/** Environment facts the choice depends on (injectable for tests). */
export interface TargetEnv {
  /** Effective uid; session sockets are used for non-root users. */
  euid: number;
  env(name: string): string | undefined;
  exists(path: string): boolean;
}

/** libvirt's VIR_FROM_URI error domain. */
const FROM_URI = 45;

const TRANSPORTS = ["tls", "unix", "ssh", "libssh2", "ext", "tcp", "libssh"];

// Query parameters consumed by the client's remote driver and never passed to the daemon.
const REMOTE_ONLY_PARAMS = new Set([
  "name",
  "command",
  "socket",
  "auth",
  "sshauth",
  "netcat",
  "keyfile",
  "pkipath",
  "known_hosts",
  "known_hosts_verify",
  "tls_priority",
  "mode",
  "proxy",
  "no_sanity",
  "no_verify",
  "no_tty",
  "authfile",
]);

const DEFAULT_PORTS: Record<string, number> = { tcp: 16509, tls: 16514, ssh: 22, libssh: 22 };

function defaultEnv(): TargetEnv {
  return {
    euid: Deno.uid() ?? 0,
    env: (n) => Deno.env.get(n),
    exists: (p) => {
      try {
        Deno.statSync(p);
        return true;
      } catch {
        return false;
      }
    },
  };
}

function invalidArg(message: string): VirtError {
  return new VirtError({
    code: ErrorCode.INVALID_ARG,
    domain: FROM_REMOTE,
    message: `invalid argument: ${message}`,
  });
}

function escapeParam(s: string): string {
  return encodeURIComponent(s).replace(/%2F/g, "/").replace(/%3A/g, ":").replace(/%2C/g, ",");
}

/** The user runtime directory libvirt uses for session daemons' sockets. */
function userRuntimeDir(env: TargetEnv): string {
  const runtime = env.env("XDG_RUNTIME_DIR");
  if (runtime) return `${runtime}/libvirt`;
  const cache = env.env("XDG_CACHE_HOME") || `${env.env("HOME") ?? ""}/.cache`;
  return `${cache}/libvirt`;
}

/**
 * Choose the UNIX socket as libvirt does: `?socket=` wins; a session (`/session`, or a test
 * driver reached through a transport) of a non-root user lives in the runtime directory;
 * otherwise the per-driver daemon's socket (`virtqemud-sock`) when it exists, else libvirtd's
 * (`libvirt-sock`, `-ro` for read-only).
 */
export function chooseUnixSocket(
  uri: VirtUri,
  readonly: boolean,
  env: TargetEnv = defaultEnv(),
): string {
  const mode = (paramOf(uri, "mode") ?? "auto").toLowerCase();
  if (!["auto", "legacy", "direct"].includes(mode)) {
    throw invalidArg(`Unknown remote mode '${mode}'`);
  }
  const user = env.euid > 0 &&
    (uri.path === "/session" || (uri.driver === "test" && uri.transport !== ""));
  const sock = (prefix: string) =>
    user
      ? `${userRuntimeDir(env)}/${prefix}-sock`
      : `/var/run/libvirt/${prefix}-${readonly ? "sock-ro" : "sock"}`;
  const direct = sock(uri.driver === "remote" ? "libvirt" : `virt${uri.driver}d`);
  const legacy = sock("libvirt");
  if (mode === "direct") return direct;
  if (mode === "legacy") return legacy;
  if (env.exists(direct)) return direct;
  return legacy;
}

function paramOf(uri: VirtUri, name: string): string | undefined {
  return uri.params.find(([n]) => n.toLowerCase() === name)?.[1];
}

/** Work out transport, address, auth and CONNECT_OPEN name for a URI. */
export function remoteTarget(
  uri: VirtUri,
  readonly: boolean,
  env: TargetEnv = defaultEnv(),
): RemoteTarget {
  let transport = uri.transport;
  if (transport === "") transport = uri.host ? "tls" : "unix";
  if (!TRANSPORTS.includes(transport)) {
    throw invalidArg(
      "remote_open: transport in URL not recognised (should be tls|unix|ssh|ext|tcp|libssh2|libssh)",
    );
  }
  if (transport === "unix" && uri.host) {
    throw invalidArg(`using unix socket and remote server '${uri.host}' is not supported.`);
  }
  const remoteParams: Record<string, string> = {};
  const passed: string[] = [];
  for (const [n, v] of uri.params) {
    const lower = n.toLowerCase();
    if (REMOTE_ONLY_PARAMS.has(lower)) remoteParams[lower] = v;
    else passed.push(v === "" ? escapeParam(n) : `${escapeParam(n)}=${escapeParam(v)}`);
  }
  let name = remoteParams.name;
  if (name === undefined) {
    if (uri.driver === "remote") {
      name = "";
    } else {
      const path = uri.path.split("/").map(escapeParam).join("/");
      name = `${uri.driver}://${path}${passed.length ? `?${passed.join("&")}` : ""}`;
    }
  }
  const target: RemoteTarget = { transport, name, remoteParams };
  if (remoteParams.auth !== undefined) target.auth = remoteParams.auth;
  if (transport === "unix") {
    target.socketPath = remoteParams.socket ?? chooseUnixSocket(uri, readonly, env);
  } else {
    target.host = uri.host || "localhost";
    target.port = uri.port || DEFAULT_PORTS[transport];
    if (uri.user) target.user = uri.user;
  }
  return target;
}

/**
 * The CA, client certificate and key for TLS, where libvirt looks: `?pkipath=DIR`, else for
 * root /etc/pki/CA/cacert.pem and /etc/pki/libvirt/{clientcert.pem,private/clientkey.pem},
 * else each file from ~/.pki/libvirt/ when it exists there, else from the system place.
 */
export function tlsFiles(target: RemoteTarget, env: TargetEnv = defaultEnv()): TlsFiles {
  const pki = target.remoteParams.pkipath;
  if (pki) {
    return {
      caCert: `${pki}/cacert.pem`,
      clientCert: `${pki}/clientcert.pem`,
      clientKey: `${pki}/clientkey.pem`,
    };
  }
  const system: TlsFiles = {
    caCert: "/etc/pki/CA/cacert.pem",
    clientCert: "/etc/pki/libvirt/clientcert.pem",
    clientKey: "/etc/pki/libvirt/private/clientkey.pem",
  };
  if (env.euid === 0) return system;
  const user = `${env.env("HOME") ?? ""}/.pki/libvirt`;
  const pick = (name: string, fallback: string) =>
    env.exists(`${user}/${name}`) ? `${user}/${name}` : fallback;
  return {
    caCert: pick("cacert.pem", system.caCert),
    clientCert: pick("clientcert.pem", system.clientCert),
    clientKey: pick("clientkey.pem", system.clientKey),
  };
}

/** Opens the byte stream for a transport that is not built in (ssh, ext…). */
export type TransportFactory = (target: RemoteTarget, uri: VirtUri) => Promise<Transport>;

const transportFactories = new Map<string, TransportFactory>();

/** Plug in a transport (e.g. "ssh") so that openRemote can use it. */
export function registerTransport(name: string, factory: TransportFactory): void {
  transportFactories.set(name, factory);
}

/** Options for {@link openRemote}. */
export interface OpenRemoteOptions {
  /** Open read-only (virsh's `-r`). */
  readonly: boolean;
  /** Keepalive interval in seconds (virsh's `-k`, default 5; 0 disables). */
  keepaliveInterval?: number;
  /** Keepalive count (virsh's `-K`, default 6). */
  keepaliveCount?: number;
  /** SASL exchange for daemons that require it. */
  sasl?: HandshakeOptions["sasl"];
}

/**
 * Open a libvirt URI through the remote protocol: connect the transport, authenticate,
 * CONNECT_OPEN, start keepalive.
 *
 * @example
 * ```ts ignore
 * import { openRemote } from "./uri_socket.ts";
 * const c = await openRemote("qemu:///system", { readonly: true });
 * console.log((await c.call("connectGetHostname", undefined)).hostname);
 * await c.close();
 * ```
 */
export async function openRemote(uri: string, opts: OpenRemoteOptions): Promise<RemoteClient> {
  let parsed: VirtUri;
  try {
    parsed = parseUri(uri);
  } catch {
    throw new VirtError({
      code: ErrorCode.INTERNAL_ERROR,
      domain: FROM_URI,
      message: `internal error: Unable to parse URI ${uri}`,
    });
  }
  const target = remoteTarget(parsed, opts.readonly);
  let transport: Transport;
  let encrypted = false;
  if (target.transport === "unix") {
    transport = await connectUnix(target.socketPath!);
  } else if (target.transport === "tcp") {
    transport = await connectTcp(target.host!, target.port!);
  } else if (target.transport === "tls" && !transportFactories.has("tls")) {
    const noVerify = target.remoteParams.no_verify === "1";
    transport = await connectTls(target.host!, target.port!, tlsFiles(target), noVerify);
    encrypted = true;
  } else {
    const factory = transportFactories.get(target.transport);
    if (!factory) {
      throw new VirtError({
        code: ErrorCode.NO_SUPPORT,
        domain: FROM_REMOTE,
        message: `this function is not supported by the connection driver: ` +
          `transport '${target.transport}' is not available in vsh`,
      });
    }
    transport = await factory(target, parsed);
    encrypted = true;
  }
  const keepalive: KeepaliveOptions = {
    interval: opts.keepaliveInterval ?? 5,
    count: opts.keepaliveCount ?? 6,
  };
  return await RemoteClient.open(transport, {
    name: target.name,
    readonly: opts.readonly,
    auth: target.auth,
    sasl: opts.sasl,
    keepalive,
  }, { encrypted, local: target.transport === "unix" });
}
