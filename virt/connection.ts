// The typed connection API that plugins and scripts use: one Connection over one Driver,
// whether the embedded test driver or a remote libvirtd.

import type { DataStream, Driver } from "./driver.ts";
import type { ProcArgs, ProcName, ProcRet } from "./remote/protocol.ts";
import { isEmbeddedTestUri, parseUri } from "./uri.ts";
import { ErrorCode, VirtError } from "./errors.ts";

/** Options for opening a connection. */
export interface OpenOptions {
  /** Open read-only (virsh's `-r`). */
  readonly?: boolean;
  /** Keepalive interval in seconds (virsh's `-k`); 0 disables. */
  keepaliveInterval?: number;
  /** Keepalive count (virsh's `-K`). */
  keepaliveCount?: number;
}

/**
 * An open connection to a hypervisor.
 *
 * @example
 * ```ts
 * import { Connection } from "./connection.ts";
 * const conn = await Connection.open("test:///default");
 * const { domains } = await conn.call("connectListAllDomains", { need_results: 1, flags: 0 });
 * console.assert(domains[0].name === "test");
 * await conn.close();
 * ```
 */
export class Connection {
  readonly uri: string;
  readonly driver: Driver;
  readonly readonly: boolean;

  private constructor(uri: string, driver: Driver, readonly: boolean) {
    this.uri = uri;
    this.driver = driver;
    this.readonly = readonly;
  }

  /** Open `uri`: `test:///…` in process, anything else through libvirt's remote protocol. */
  static async open(uri: string, options: OpenOptions = {}): Promise<Connection> {
    const parsed = parseUri(uri);
    const readonly = options.readonly ?? false;
    let driver: Driver;
    if (isEmbeddedTestUri(parsed)) {
      const { openTestDriver } = await import("./test/mod.ts");
      driver = await openTestDriver(uri, { readonly });
    } else {
      const { openRemote } = await import("./remote/mod.ts");
      driver = await openRemote(uri, {
        readonly,
        keepaliveInterval: options.keepaliveInterval,
        keepaliveCount: options.keepaliveCount,
      });
    }
    return new Connection(uri, driver, readonly);
  }

  /** Call one libvirt procedure with its protocol arguments. */
  call<P extends ProcName>(proc: P, args: ProcArgs<P>): Promise<ProcRet<P>> {
    return this.driver.call(proc, args);
  }

  /**
   * Call a stream procedure (`storageVolUpload`, `storageVolDownload`) and return its result
   * with the stream that carries the data. A driver without streams (the embedded test driver)
   * fails as libvirt's test driver does: the API is not supported.
   */
  openStream<P extends ProcName>(
    proc: P,
    args: ProcArgs<P>,
  ): Promise<{ ret: ProcRet<P>; stream: DataStream }> {
    if (!this.driver.openStream) {
      const api = "vir" + proc.charAt(0).toUpperCase() + proc.slice(1);
      return Promise.reject(
        new VirtError({
          code: ErrorCode.NO_SUPPORT,
          domain: 0,
          message: `this function is not supported by the connection driver: ${api}`,
        }),
      );
    }
    return this.driver.openStream(proc, args);
  }

  /** Close the connection. */
  close(): Promise<void> {
    return this.driver.close();
  }
}

/** The error virsh reports when a command needs a connection and there is none. */
export function noConnectionError(): VirtError {
  return new VirtError({ code: ErrorCode.INVALID_CONN, domain: 0, message: "no valid connection" });
}
