/**
 * libvirt's remote protocol in TypeScript: open a URI, call procedures by name with typed
 * arguments and results, listen to events, move volume data through streams.
 *
 * @example Calls, events and streams
 * ```ts ignore
 * import { openRemote } from "./mod.ts";
 *
 * const conn = await openRemote("qemu:///system", { readonly: false, keepaliveInterval: 5 });
 * const { dom } = await conn.call("domainLookupByName", { name: "guest" });
 *
 * // Events: lifecycle callbacks until stop() is called.
 * const stop = await conn.onDomainLifecycle((e) => console.log(e.dom.name, e.event, e.detail));
 * await conn.call("domainSuspend", { dom });
 * await stop();
 *
 * // Streams: download a volume, holes included when asked for (flags 1 = sparse).
 * const { vol } = await conn.call("storageVolLookupByPath", { path: "/var/lib/libvirt/images/a" });
 * const { stream } = await conn.openStream("storageVolDownload", {
 *   vol,
 *   offset: 0n,
 *   length: 0n,
 *   flags: 1,
 * });
 * for await (const chunk of stream) {
 *   if (chunk instanceof Uint8Array) console.log("data", chunk.length);
 *   else console.log("hole", chunk.hole);
 * }
 * await stream.finish();
 * await conn.close();
 * ```
 *
 * @module
 */

export {
  type ClientOptions,
  DomainEventId,
  type DomainLifecycleEvent,
  DrvFeature,
  type HandshakeOptions,
  type KeepaliveOptions,
  RemoteClient,
  type RemoteEvent,
  RemoteStream,
  type StreamChunk,
} from "./client.ts";
export {
  chooseUnixSocket,
  openRemote,
  type OpenRemoteOptions,
  registerTransport,
  type RemoteTarget,
  remoteTarget,
  tlsFiles,
  type TransportFactory,
} from "./uri_socket.ts";
export { CloseReason } from "./close_reason.ts";
export { connectTcp, connectTls, connectUnix, type TlsFiles, type Transport } from "./transport.ts";
export type { ProcArgs, ProcName, ProcRet } from "./protocol.ts";
