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

/** Connect over TCP (libvirtd's plain port is 16509), failing with libvirt's message. */
export async function connectTcp(host: string, port: number): Promise<Transport> {
  try {
    const conn = await Deno.connect({ hostname: host, port, transport: "tcp" });
    conn.setNoDelay(true);
    return conn;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || /lookup|resolve|Name or service/i.test(String(e))) {
      throw new VirtError({
        code: ErrorCode.SYSTEM_ERROR,
        domain: FROM_RPC,
        message: `Unable to resolve address '${host}' service '${port}': Name or service not known`,
      });
    }
    throw new VirtError({
      code: ErrorCode.SYSTEM_ERROR,
      domain: FROM_RPC,
      message: `unable to connect to server at '${host}:${port}': ${errnoText(e)}`,
    });
  }
}
