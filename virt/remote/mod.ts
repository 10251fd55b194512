// libvirt's remote protocol in TypeScript: the public surface of virt/remote/.

export {
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
  type TransportFactory,
} from "./uri_socket.ts";
export { connectTcp, connectUnix, type Transport } from "./transport.ts";
export type { ProcArgs, ProcName, ProcRet } from "./protocol.ts";
