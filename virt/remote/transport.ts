// Byte-stream transports the RPC client runs over. A transport is anything with read, write
// and close in the shape of Deno.Conn; unix and tcp are built in, others (ssh, tls) plug in.

import { ErrorCode, VirtError } from "../errors.ts";

/** A connected, reliable byte stream. `Deno.Conn` satisfies it. */
export interface Transport {
  /** Read into `p`; resolves to the count read, or null at end of stream. */
  read(p: Uint8Array): Promise<number | null>;
  /** Write some of `p`; resolves to the count written. */
  write(p: Uint8Array): Promise<number>;
  /** Close both directions; pending reads end. */
  close(): void;
}

/** libvirt's VIR_FROM_RPC error domain. */
export const FROM_RPC = 7;
/** libvirt's VIR_FROM_REMOTE error domain. */
export const FROM_REMOTE = 13;

/** The C library's text for the errno behind a Deno I/O error, as libvirt prints it. */
export function errnoText(e: unknown): string {
  if (e instanceof Deno.errors.NotFound) return "No such file or directory";
  if (e instanceof Deno.errors.ConnectionRefused) return "Connection refused";
  if (e instanceof Deno.errors.PermissionDenied) return "Permission denied";
  if (e instanceof Deno.errors.ConnectionReset) return "Connection reset by peer";
  if (e instanceof Deno.errors.BrokenPipe) return "Broken pipe";
  if (e instanceof Deno.errors.TimedOut) return "Connection timed out";
  if (e instanceof Deno.errors.AddrNotAvailable) return "Cannot assign requested address";
  if (e instanceof Deno.errors.NotConnected) return "Transport endpoint is not connected";
  const msg = e instanceof Error ? e.message : String(e);
  // Deno appends " (os error N)" to the C text; libvirt prints the C text alone.
  return msg.replace(/ \(os error \d+\)$/, "");
}

/** Connect to a UNIX socket, failing with libvirt's message. */
export async function connectUnix(path: string): Promise<Transport> {
  try {
    return await Deno.connect({ transport: "unix", path });
  } catch (e) {
    throw new VirtError({
      code: ErrorCode.SYSTEM_ERROR,
      domain: FROM_RPC,
      message: `Failed to connect socket to '${path}': ${errnoText(e)}`,
    });
  }
}

function connectError(host: string, port: number, e: unknown): VirtError {
  if (e instanceof Deno.errors.NotFound || /lookup|resolve|Name or service/i.test(String(e))) {
    return new VirtError({
      code: ErrorCode.SYSTEM_ERROR,
      domain: FROM_RPC,
      message: `Unable to resolve address '${host}' service '${port}': Name or service not known`,
    });
  }
  return new VirtError({
    code: ErrorCode.SYSTEM_ERROR,
    domain: FROM_RPC,
    message: `unable to connect to server at '${host}:${port}': ${errnoText(e)}`,
  });
}

/** Connect over TCP (libvirtd's plain port is 16509), failing with libvirt's message. */
export async function connectTcp(host: string, port: number): Promise<Transport> {
  try {
    const conn = await Deno.connect({ hostname: host, port, transport: "tcp" });
    conn.setNoDelay(true);
    return conn;
  } catch (e) {
    throw connectError(host, port, e);
  }
}

/** Files for a TLS connection, as libvirt locates them (see `tlsFiles` in uri_socket.ts). */
export interface TlsFiles {
  caCert: string;
  clientCert: string;
  clientKey: string;
}

async function readPem(kind: string, path: string, optional: boolean): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (optional && e instanceof Deno.errors.NotFound) return null;
    throw new VirtError({
      code: ErrorCode.SYSTEM_ERROR,
      domain: FROM_RPC,
      message: `Cannot read ${kind} '${path}': ${errnoText(e)}`,
    });
  }
}

/**
 * Connect with TLS (libvirtd's port 16514): verify the daemon's certificate against the CA,
 * present the client certificate when there is one, then wait for the daemon's one-byte
 * verdict on ours, which libvirtd sends before any RPC traffic. `noVerify` (`?no_verify=1`)
 * skips the host name check only: Deno always verifies the certificate chain.
 */
export async function connectTls(
  host: string,
  port: number,
  files: TlsFiles,
  noVerify = false,
): Promise<Transport> {
  const ca = (await readPem("CA certificate", files.caCert, false))!;
  const cert = await readPem("certificate", files.clientCert, true);
  const key = cert ? await readPem("private key", files.clientKey, false) : null;
  let conn: Deno.TlsConn;
  try {
    conn = await Deno.connectTls({
      hostname: host,
      port,
      caCerts: [ca],
      unsafelyDisableHostnameVerification: noVerify,
      ...(cert && key ? { cert, key } : {}),
    });
  } catch (e) {
    throw connectError(host, port, e);
  }
  try {
    await conn.handshake();
  } catch (e) {
    conn.close();
    throw new VirtError({
      code: ErrorCode.AUTH_FAILED,
      domain: FROM_RPC,
      message: `authentication failed: TLS handshake failed: ${errnoText(e)}`,
    });
  }
  // With TLS 1.3 a refused client certificate shows only here, as the daemon hangs up.
  const verdict = new Uint8Array(1);
  const n = await conn.read(verdict).catch(() => null);
  if (n !== 1 || verdict[0] !== 1) {
    conn.close();
    throw new VirtError({
      code: ErrorCode.SYSTEM_ERROR,
      domain: FROM_RPC,
      message: n === 1
        ? "server verification (of our certificate or IP address) failed"
        : "Unable to read TLS confirmation: Input/output error",
    });
  }
  return conn;
}
