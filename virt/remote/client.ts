// The RPC client: many calls in flight matched by serial, a reader running alongside the
// writer, keepalive (answering and sending PINGs), event dispatch and streams.

import type { Driver } from "../driver.ts";
import { ErrorCode, VirtError } from "../errors.ts";
import {
  checkLength,
  decodeMessage,
  encodeMessage,
  encodeRaw,
  encodeRawInto,
  FramingError,
  type Message,
  type MessageHeader,
  MessageStatus,
  MessageType,
  MIN_PACKET,
} from "./framing.ts";
import {
  KEEPALIVE_PROGRAM,
  KEEPALIVE_PROTOCOL_VERSION,
  KeepaliveProc,
  type ProcArgs,
  procByNumber,
  procedures,
  type ProcName,
  type ProcRet,
  REMOTE_PROGRAM,
  REMOTE_PROTOCOL_VERSION,
  RemoteAuthType,
  type RemoteDomain,
  remoteError,
  VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX,
  VIR_NET_MESSAGE_LEN_MAX,
} from "./protocol.ts";
import { CloseReason } from "./close_reason.ts";
import { errnoText, FROM_REMOTE, FROM_RPC, type Transport } from "./transport.ts";
import { type Codec, decode, hyper, struct, uint, void_, XdrError } from "./xdr.ts";

/** virConnectSupportsFeature numbers the client asks about. */
export const DrvFeature = {
  PROGRAM_KEEPALIVE: 10,
  REMOTE_EVENT_CALLBACK: 14,
  REMOTE_CLOSE_CALLBACK: 15,
} as const;

/** virDomainEventID values, in the order `virsh event --list` prints their names. */
export const DomainEventId = {
  LIFECYCLE: 0,
  REBOOT: 1,
  RTC_CHANGE: 2,
  WATCHDOG: 3,
  IO_ERROR: 4,
  GRAPHICS: 5,
  IO_ERROR_REASON: 6,
  CONTROL_ERROR: 7,
  BLOCK_JOB: 8,
  DISK_CHANGE: 9,
  TRAY_CHANGE: 10,
  PMWAKEUP: 11,
  PMSUSPEND: 12,
  BALLOON_CHANGE: 13,
  PMSUSPEND_DISK: 14,
  DEVICE_REMOVED: 15,
  BLOCK_JOB_2: 16,
  TUNABLE: 17,
  AGENT_LIFECYCLE: 18,
  DEVICE_ADDED: 19,
  MIGRATION_ITERATION: 20,
  JOB_COMPLETED: 21,
  DEVICE_REMOVAL_FAILED: 22,
  METADATA_CHANGE: 23,
  BLOCK_THRESHOLD: 24,
  MEMORY_FAILURE: 25,
  MEMORY_DEVICE_SIZE_CHANGE: 26,
} as const;

/** Keepalive settings, as virsh's `-k` (seconds, 0 disables) and `-K`. */
export interface KeepaliveOptions {
  /** Seconds of silence from the daemon before a PING is sent; 0 turns keepalive off. */
  interval: number;
  /** PINGs left unanswered before the daemon is declared dead. */
  count: number;
}

/** How to authenticate and which hypervisor to open once connected. */
export interface HandshakeOptions {
  /** Driver URI sent in CONNECT_OPEN (`null` lets the daemon choose). */
  name: string | null;
  /** Open read-only (VIR_CONNECT_RO). */
  readonly: boolean;
  /** Authentication scheme the URI asked for (`?auth=`): "none", "polkit", "sasl[.MECH]". */
  auth?: string;
  /** SASL exchange, for daemons that require it; vsh carries no SASL library of its own. */
  sasl?: (client: RemoteClient, mechanism: string | undefined) => Promise<void>;
  /** Keepalive; virsh's defaults (5 s, 6) when absent. */
  keepalive?: KeepaliveOptions;
}

/** What the client knows of its transport. */
export interface ClientOptions {
  /** The transport encrypts (TLS, SSH). */
  encrypted?: boolean;
  /** The transport is a local UNIX socket. */
  local?: boolean;
}

/** One decoded event message. */
export interface RemoteEvent {
  proc: ProcName;
  msg: unknown;
}

/** A domain lifecycle event (VIR_DOMAIN_EVENT_*). */
export interface DomainLifecycleEvent {
  dom: RemoteDomain;
  /** virDomainEventType: 0 defined, 1 undefined, 2 started, 3 suspended, 4 resumed, 5 stopped… */
  event: number;
  detail: number;
}

/** An item read from a stream: data, or a hole (a run of zeros not sent). */
export type StreamChunk = Uint8Array | { hole: bigint };

interface PendingCall {
  proc: ProcName;
  ret: Codec<unknown>;
  /** Runs as the reply is read, before any later message is dispatched. */
  onReply?: (value: unknown) => void;
  resolve(value: unknown): void;
  reject(error: VirtError): void;
}

interface QueuedWrite {
  data: Uint8Array;
  resolve(): void;
  reject(error: VirtError): void;
}

const streamHole = struct({ length: hyper, flags: uint });

/** Stream data above this many queued bytes pauses reading from the daemon. */
const STREAM_HIGH_WATER = 8 * 1024 * 1024;

/** A full stream data packet, length word and header included. */
const MAX_STREAM_PACKET = MIN_PACKET + VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX;
/** Socket reads go into a buffer of this size (grown only for a larger packet). */
const READ_BUFFER = 1024 * 1024;
/** An upload's packets are built here, four to a transport write. */
const SEND_BUFFER = 4 * MAX_STREAM_PACKET;

function rpcError(message: string, code: number = ErrorCode.RPC): VirtError {
  return new VirtError({ code, domain: FROM_RPC, message });
}

function internalError(message: string): VirtError {
  return new VirtError({
    code: ErrorCode.INTERNAL_ERROR,
    domain: FROM_RPC,
    message: `internal error: ${message}`,
  });
}

// A throwing listener is the listener's bug: report it like an event handler's, and keep the
// connection (and the other listeners) going.
function notify<T>(listener: (value: T) => void, value: T): void {
  try {
    listener(value);
  } catch (e) {
    reportError(e);
  }
}

/** Turn a `remote_error` payload into a VirtError exactly as libvirt's client does. */
export function decodeRemoteError(payload: Uint8Array): VirtError {
  let err;
  try {
    err = decode(remoteError, payload);
  } catch {
    return rpcError("Unable to decode message payload");
  }
  const message = err.message ?? "unknown error";
  // An old daemon's "unknown procedure" means the call is not supported there.
  const code = err.domain === FROM_REMOTE && err.code === ErrorCode.RPC && err.level === 2 &&
      message.startsWith("unknown procedure")
    ? ErrorCode.NO_SUPPORT
    : err.code;
  return new VirtError({
    code,
    domain: err.domain,
    message,
    level: err.level,
    str1: err.str1,
    str2: err.str2,
    str3: err.str3,
    int1: err.int1,
    int2: err.int2,
  });
}

/**
 * A libvirt remote-protocol connection (the `remote` Driver).
 *
 * @example
 * ```ts ignore
 * import { openRemote } from "./mod.ts";
 * const client = await openRemote("test+unix:///default?socket=/run/libvirt/libvirt-sock", {
 *   readonly: false,
 * });
 * const { domains } = await client.call("connectListAllDomains", { need_results: 1, flags: 0 });
 * await client.close();
 * ```
 */
export class RemoteClient implements Driver {
  readonly kind = "remote" as const;
  /** Whether the transport encrypts (TLS, SSH); unix and tcp do not (virConnectIsEncrypted). */
  readonly encrypted: boolean;
  /** Whether the transport is a local UNIX socket, which libvirt counts as secure. */
  readonly local: boolean;

  #transport: Transport;
  #serial = 0;
  #pending = new Map<number, PendingCall>();
  #streams = new Map<number, RemoteStream>();
  #writeQueue: QueuedWrite[] = [];
  #writing = false;
  #closedError: VirtError | null = null;
  #closing = false;
  #closeListeners = new Set<(error: VirtError | null, reason: CloseReason) => void>();
  #eventListeners = new Map<ProcName, Set<(msg: unknown) => void>>();
  #eventCallbacks = new Map<number, (event: RemoteEvent) => void>();
  // The daemon may send an event before the reply that tells us its callback ID.
  #registering = 0;
  #earlyEvents: { id: number; event: RemoteEvent }[] = [];
  #lastReceived = Date.now();
  #keepalive: KeepaliveOptions | null = null;
  #countToDeath = 0;
  #keepaliveTimer: ReturnType<typeof setTimeout> | undefined;
  #readerDone: Promise<void>;
  #paused = false;

  /** Wrap a connected transport; use {@link RemoteClient.open} to also authenticate and open. */
  constructor(transport: Transport, options: ClientOptions = {}) {
    this.#transport = transport;
    this.encrypted = options.encrypted ?? false;
    this.local = options.local ?? false;
    this.#readerDone = this.#readLoop();
  }

  /** Connect over `transport`: authenticate, CONNECT_OPEN `name`, start keepalive. */
  static async open(
    transport: Transport,
    options: HandshakeOptions,
    clientOptions: ClientOptions = {},
  ): Promise<RemoteClient> {
    const client = new RemoteClient(transport, clientOptions);
    try {
      await client.#authenticate(options);
      await client.call("connectOpen", {
        name: options.name,
        flags: options.readonly ? 1 : 0,
      });
      const ka = options.keepalive ?? { interval: 5, count: 6 };
      if (ka.interval > 0) {
        // Asking also tells the daemon that this client answers PINGs.
        const { supported } = await client.call("connectSupportsFeature", {
          feature: DrvFeature.PROGRAM_KEEPALIVE,
        });
        if (supported) client.startKeepalive(ka);
      }
    } catch (e) {
      client.#shutdown(internalError("client socket is closed"));
      await client.#readerDone;
      throw e;
    }
    client.#updateRef();
    return client;
  }

  async #authenticate(options: HandshakeOptions): Promise<void> {
    let types: number[];
    try {
      ({ types } = await this.call("authList", undefined));
    } catch (e) {
      if (e instanceof VirtError && e.code === ErrorCode.NO_SUPPORT) return;
      throw e;
    }
    if (types.length === 0) return;
    const names: Record<number, string> = {
      [RemoteAuthType.NONE]: "none",
      [RemoteAuthType.SASL]: "sasl",
      [RemoteAuthType.POLKIT]: "polkit",
    };
    let want = types[0];
    let mechanism: string | undefined;
    if (options.auth) {
      const [kind, mech] = options.auth.split(/\.(.*)/s);
      const wanted = Object.entries(names).find(([, n]) => n === kind.toLowerCase());
      if (!wanted) {
        throw new VirtError({
          code: ErrorCode.AUTH_FAILED,
          domain: FROM_REMOTE,
          message: `authentication failed: unknown authentication type ${options.auth}`,
        });
      }
      want = Number(wanted[0]);
      mechanism = mech || undefined;
      if (!types.includes(want)) {
        throw new VirtError({
          code: ErrorCode.AUTH_FAILED,
          domain: FROM_REMOTE,
          message: `authentication failed: requested authentication type ${options.auth} rejected`,
        });
      }
    }
    switch (want) {
      case RemoteAuthType.NONE:
        return;
      case RemoteAuthType.POLKIT:
        await this.call("authPolkit", undefined);
        return;
      case RemoteAuthType.SASL:
        if (!options.sasl) {
          throw new VirtError({
            code: ErrorCode.AUTH_UNAVAILABLE,
            domain: FROM_REMOTE,
            message: "authentication unavailable: SASL authentication is not supported by vsh",
          });
        }
        await options.sasl(this, mechanism);
        return;
      default:
        throw new VirtError({
          code: ErrorCode.AUTH_FAILED,
          domain: FROM_REMOTE,
          message: `authentication failed: unsupported authentication type ${want}`,
        });
    }
  }

  /** Whether the connection has been closed or lost. */
  get closed(): boolean {
    return this.#closedError !== null;
  }

  /** Call one procedure; rejects with the daemon's error as a VirtError. */
  call<P extends ProcName>(proc: P, args: ProcArgs<P>): Promise<ProcRet<P>> {
    return this.#call(proc, args) as Promise<ProcRet<P>>;
  }

  #call(
    proc: ProcName,
    args: unknown,
    onSent?: (serial: number) => void,
    onReply?: (value: unknown) => void,
  ): Promise<unknown> {
    if (this.#closedError) return Promise.reject(internalError("client socket is closed"));
    const def = procedures[proc] as { number: number; args: Codec<unknown>; ret: Codec<unknown> };
    const serial = this.#nextSerial();
    let packet: Uint8Array;
    try {
      packet = encodeMessage(this.#header(def.number, MessageType.CALL, serial), def.args, args);
    } catch (e) {
      if (e instanceof XdrError || e instanceof FramingError || e instanceof TypeError) {
        return Promise.reject(rpcError(`Unable to encode message payload: ${e.message}`));
      }
      throw e;
    }
    const reply = new Promise<unknown>((resolve, reject) => {
      this.#pending.set(serial, { proc, ret: def.ret, resolve, reject, onReply });
    });
    onSent?.(serial);
    this.#updateRef();
    this.#send(packet).catch(() => {
      // the connection failure already rejected the call
    });
    return reply;
  }

  /**
   * Call a stream procedure (`storageVolUpload`, `storageVolDownload`, `domainOpenConsole`…)
   * and return its result together with the stream that now carries the data.
   */
  async openStream<P extends ProcName>(
    proc: P,
    args: ProcArgs<P>,
  ): Promise<{ ret: ProcRet<P>; stream: RemoteStream }> {
    const def = procedures[proc] as { number: number; stream?: string };
    if (!def.stream) throw new TypeError(`${proc} does not open a stream`);
    let stream: RemoteStream | undefined;
    const ret = await this.#call(proc, args, (serial) => {
      stream = new RemoteStream(def.number, serial, this.#streamHooks);
      this.#streams.set(serial, stream);
    }).catch((e) => {
      if (stream) this.#streams.delete(stream.serial);
      throw e;
    });
    return { ret: ret as ProcRet<P>, stream: stream! };
  }

  #streamHooks: StreamHooks = {
    send: (packet) => this.#send(packet),
    header: (proc, type, serial, status) => this.#header(proc, type, serial, status),
    done: (serial) => {
      this.#streams.delete(serial);
      this.#updateRef();
    },
    closedError: () => this.#closedError,
  };

  /**
   * Listen to one kind of event message (`domainEventCallbackLifecycle`, …). Returns a
   * function that removes the listener.
   */
  onEvent<P extends ProcName>(proc: P, listener: (msg: ProcArgs<P>) => void): () => void {
    let set = this.#eventListeners.get(proc);
    if (!set) this.#eventListeners.set(proc, set = new Set());
    const l = listener as (msg: unknown) => void;
    set.add(l);
    return () => set!.delete(l);
  }

  /**
   * Register a domain event callback with the daemon (server-side filtered by `dom` when
   * given). Every event message carrying the returned callbackID goes to `listener`.
   */
  async domainEventRegister(
    eventID: number,
    dom: RemoteDomain | null,
    listener: (event: RemoteEvent) => void,
  ): Promise<{ callbackID: number; deregister(): Promise<void> }> {
    this.#registering++;
    let callbackID: number;
    try {
      ({ callbackID } = await this.#call(
        "connectDomainEventCallbackRegisterAny",
        { eventID, dom },
        undefined,
        (ret) => {
          // Registered as the reply is read, so that events right behind it are not lost.
          const id = (ret as { callbackID: number }).callbackID;
          this.#eventCallbacks.set(id, listener);
          const early = this.#earlyEvents.filter((e) => e.id === id);
          this.#earlyEvents = this.#earlyEvents.filter((e) => e.id !== id);
          for (const e of early) notify(listener, e.event);
        },
      ) as { callbackID: number });
    } finally {
      if (--this.#registering === 0) this.#earlyEvents = [];
    }
    this.#updateRef();
    return {
      callbackID,
      deregister: async () => {
        if (!this.#eventCallbacks.delete(callbackID)) return;
        this.#updateRef();
        if (!this.closed) {
          await this.call("connectDomainEventCallbackDeregisterAny", { callbackID });
        }
      },
    };
  }

  /** Domain lifecycle events (started, stopped, suspended…), optionally for one domain. */
  async onDomainLifecycle(
    listener: (event: DomainLifecycleEvent) => void,
    dom: RemoteDomain | null = null,
  ): Promise<() => Promise<void>> {
    const reg = await this.domainEventRegister(DomainEventId.LIFECYCLE, dom, ({ proc, msg }) => {
      if (proc === "domainEventCallbackLifecycle") {
        listener((msg as ProcArgs<"domainEventCallbackLifecycle">).msg);
      }
    });
    return reg.deregister;
  }

  /**
   * Called once when the connection ends: `null` after close(), else the error that ended it;
   * `reason` says why, as libvirt's close callbacks are told.
   */
  onClose(listener: (error: VirtError | null, reason: CloseReason) => void): () => void {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Start sending keepalive PINGs (done by open() unless the interval is 0). */
  startKeepalive(options: KeepaliveOptions): void {
    this.#keepalive = { ...options };
    this.#countToDeath = options.count;
    this.#scheduleKeepalive(options.interval * 1000);
  }

  #scheduleKeepalive(delayMs: number): void {
    clearTimeout(this.#keepaliveTimer);
    if (!this.#keepalive || this.closed) return;
    const timer = setTimeout(() => this.#keepaliveTick(), Math.max(delayMs, 1));
    // Keepalive alone must not keep a script running.
    Deno.unrefTimer(timer);
    this.#keepaliveTimer = timer;
  }

  #keepaliveTick(): void {
    const ka = this.#keepalive;
    if (!ka || this.closed) return;
    const intervalMs = ka.interval * 1000;
    // While a slow stream reader holds reading back, silence is ours, not the daemon's.
    if (this.#paused) this.#lastReceived = Date.now();
    const idle = Date.now() - this.#lastReceived;
    if (idle < intervalMs) {
      this.#scheduleKeepalive(intervalMs - idle);
      return;
    }
    if (this.#countToDeath === 0) {
      this.#shutdown(
        internalError("connection closed due to keepalive timeout"),
        CloseReason.KEEPALIVE,
      );
      return;
    }
    this.#countToDeath--;
    this.#sendKeepalive(KeepaliveProc.PING);
    this.#scheduleKeepalive(intervalMs);
  }

  #sendKeepalive(proc: number): void {
    const packet = encodeRaw({
      program: KEEPALIVE_PROGRAM,
      version: KEEPALIVE_PROTOCOL_VERSION,
      procedure: proc,
      type: MessageType.MESSAGE,
      serial: 0,
      status: MessageStatus.OK,
    }, new Uint8Array());
    this.#send(packet).catch(() => {});
  }

  /**
   * virConnectIsSecure: the daemon's view, and a transport that is encrypted or local, as
   * libvirt's remote driver decides.
   */
  async isSecure(): Promise<boolean> {
    const { secure } = await this.call("connectIsSecure", undefined);
    return secure === 1 && (this.encrypted || this.local);
  }

  /**
   * Send CONNECT_CLOSE, wait for its reply (at most `timeoutMs`, so that a hung daemon cannot
   * hang the caller) and close the transport. Safe to call more than once.
   */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.#closing) {
      await this.#readerDone;
      return;
    }
    this.#closing = true;
    if (!this.closed) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const expired = new Promise<void>((resolve) => timer = setTimeout(resolve, timeoutMs));
      try {
        await Promise.race([this.call("connectClose", undefined), expired]);
      } catch {
        // the daemon went away first; nothing left to release
      } finally {
        clearTimeout(timer);
      }
    }
    this.#shutdown(null, CloseReason.CLIENT);
    await this.#readerDone;
  }

  #nextSerial(): number {
    this.#serial = (this.#serial + 1) >>> 0;
    return this.#serial;
  }

  #header(procedure: number, type: number, serial: number, status: number = MessageStatus.OK) {
    return {
      program: REMOTE_PROGRAM,
      version: REMOTE_PROTOCOL_VERSION,
      procedure,
      type,
      serial,
      status,
    } satisfies MessageHeader;
  }

  #send(data: Uint8Array): Promise<void> {
    if (this.#closedError) return Promise.reject(internalError("client socket is closed"));
    const done = new Promise<void>((resolve, reject) => {
      this.#writeQueue.push({ data, resolve, reject });
    });
    if (!this.#writing) this.#flush();
    return done;
  }

  async #flush(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#writeQueue.length > 0 && !this.#closedError) {
        // Coalesce queued packets into one write: pipelined calls cost one syscall.
        const batch: QueuedWrite[] = [];
        let size = 0;
        while (this.#writeQueue.length > 0 && (batch.length === 0 || size < 1 << 20)) {
          const item = this.#writeQueue.shift()!;
          batch.push(item);
          size += item.data.length;
        }
        let bytes: Uint8Array;
        if (batch.length === 1) {
          bytes = batch[0].data;
        } else {
          bytes = new Uint8Array(size);
          let off = 0;
          for (const item of batch) {
            bytes.set(item.data, off);
            off += item.data.length;
          }
        }
        try {
          let off = 0;
          while (off < bytes.length) off += await this.#transport.write(bytes.subarray(off));
        } catch (e) {
          const err = this.#closedError ?? new VirtError({
            code: ErrorCode.SYSTEM_ERROR,
            domain: FROM_RPC,
            message: `Cannot write data: ${errnoText(e)}`,
          });
          for (const item of batch) item.reject(err);
          this.#shutdown(err);
          return;
        }
        for (const item of batch) item.resolve();
      }
    } finally {
      this.#writing = false;
    }
  }

  async #readLoop(): Promise<void> {
    // One buffer for all reads: packets are decoded in place, and stream data is lent to the
    // stream's reader as views, which must come back before the bytes are overwritten.
    let buf = new Uint8Array(READ_BUFFER);
    let start = 0; // first byte not yet decoded
    let end = 0; // end of the bytes read
    let eof = false;
    try {
      for (;;) {
        let n: number | null;
        try {
          n = await this.#transport.read(buf.subarray(end));
        } catch (e) {
          if (this.#closedError) return;
          // A daemon killed with our request unread resets the socket: libvirt sees the hangup
          // and reports the end of file as the reason, the reset as the error.
          eof = e instanceof Deno.errors.ConnectionReset;
          throw new VirtError({
            code: ErrorCode.SYSTEM_ERROR,
            domain: FROM_RPC,
            message: `Cannot recv data: ${errnoText(e)}`,
          });
        }
        if (this.#closedError) return;
        if (n === null) {
          eof = true;
          throw new VirtError({
            code: ErrorCode.SYSTEM_ERROR,
            domain: FROM_RPC,
            message: "End of file while reading data: Input/output error",
          });
        }
        this.#lastReceived = Date.now();
        if (this.#keepalive) this.#countToDeath = this.#keepalive.count;
        end += n;
        const lenders = new Set<RemoteStream>();
        let need = 0;
        while (end - start >= VIR_NET_MESSAGE_LEN_MAX) {
          need = new DataView(buf.buffer, buf.byteOffset + start, 4).getUint32(0);
          checkLength(need);
          if (end - start < need) break;
          const stream = this.#dispatch(decodeMessage(buf.subarray(start, start + need)));
          if (stream) lenders.add(stream);
          start += need;
          need = 0;
        }
        if (lenders.size > 0) {
          this.#paused = true;
          for (const stream of lenders) await stream.released();
          this.#paused = false;
          this.#lastReceived = Date.now();
        }
        if (start === end) {
          start = end = 0;
          if (buf.length > READ_BUFFER) buf = new Uint8Array(READ_BUFFER);
        } else {
          // Keep room after the partial packet for all of it (at least a full stream packet):
          // move it to the front, into a larger buffer if it is larger than ours.
          const room = Math.max(need, MAX_STREAM_PACKET);
          if (start + room > buf.length) {
            if (room > buf.length) {
              const next = new Uint8Array(room);
              next.set(buf.subarray(start, end));
              buf = next;
            } else {
              buf.copyWithin(0, start, end);
            }
            end -= start;
            start = 0;
          }
        }
      }
    } catch (e) {
      const err = e instanceof VirtError
        ? e
        : e instanceof FramingError
        ? rpcError(e.message)
        : internalError(e instanceof Error ? e.message : String(e));
      this.#shutdown(err, eof ? CloseReason.EOF : CloseReason.ERROR);
    }
  }

  /** Handle one message; returns a stream that now holds views of the read buffer. */
  #dispatch({ header, payload }: Message): RemoteStream | undefined {
    if (header.program === KEEPALIVE_PROGRAM) {
      if (header.type === MessageType.MESSAGE && header.procedure === KeepaliveProc.PING) {
        this.#sendKeepalive(KeepaliveProc.PONG);
      }
      return;
    }
    if (header.program !== REMOTE_PROGRAM) return;
    if (header.version !== REMOTE_PROTOCOL_VERSION) {
      throw new FramingError(`unexpected protocol version ${header.version}`);
    }
    switch (header.type) {
      case MessageType.REPLY:
      case MessageType.REPLY_WITH_FDS: {
        const call = this.#pending.get(header.serial);
        if (!call) {
          this.#streams.get(header.serial)?.deliver(header, payload);
          return;
        }
        this.#pending.delete(header.serial);
        this.#updateRef();
        if (header.status === MessageStatus.OK) {
          let value: unknown;
          try {
            value = decode(call.ret, payload);
          } catch {
            call.reject(rpcError("Unable to decode message payload"));
            return;
          }
          call.onReply?.(value);
          call.resolve(value);
        } else {
          call.reject(decodeRemoteError(payload));
        }
        return;
      }
      case MessageType.MESSAGE:
        this.#dispatchEvent(header.procedure, payload);
        return;
      case MessageType.STREAM:
      case MessageType.STREAM_HOLE: {
        const stream = this.#streams.get(header.serial);
        if (!stream) return;
        stream.deliver(header, payload);
        return stream;
      }
    }
  }

  #dispatchEvent(procedure: number, payload: Uint8Array): void {
    const proc = procByNumber.get(procedure);
    if (!proc) return;
    let msg: unknown;
    try {
      msg = decode(procedures[proc].args as Codec<unknown>, payload);
    } catch {
      return;
    }
    for (const l of this.#eventListeners.get(proc) ?? []) notify(l, msg);
    const id = (msg as { callbackID?: unknown })?.callbackID;
    if (typeof id !== "number") return;
    const callback = this.#eventCallbacks.get(id);
    if (callback) notify(callback, { proc, msg });
    else if (this.#registering > 0 && this.#earlyEvents.length < 1024) {
      this.#earlyEvents.push({ id, event: { proc, msg } });
    }
  }

  /** Keep the process alive only while something waits on the daemon. */
  #updateRef(): void {
    const t = this.#transport as Partial<{ ref(): void; unref(): void }>;
    if (!t.ref || !t.unref || this.closed) return;
    const busy = this.#pending.size > 0 || this.#streams.size > 0 || this.#eventCallbacks.size > 0;
    if (busy) t.ref();
    else t.unref();
  }

  #shutdown(error: VirtError | null, reason: CloseReason = CloseReason.ERROR): void {
    if (this.#closedError) return;
    this.#closedError = error ?? internalError("client socket is closed");
    clearTimeout(this.#keepaliveTimer);
    this.#keepalive = null;
    try {
      this.#transport.close();
    } catch {
      // already closed
    }
    const err = this.#closedError;
    for (const call of this.#pending.values()) call.reject(err);
    this.#pending.clear();
    for (const stream of this.#streams.values()) stream.fail(err);
    this.#streams.clear();
    for (const item of this.#writeQueue.splice(0)) item.reject(err);
    this.#eventCallbacks.clear();
    for (const l of this.#closeListeners) {
      try {
        l(error, reason);
      } catch (e) {
        reportError(e);
      }
    }
  }
}

interface StreamHooks {
  send(packet: Uint8Array): Promise<void>;
  header(proc: number, type: number, serial: number, status: number): MessageHeader;
  done(serial: number): void;
  closedError(): VirtError | null;
}

/**
 * The data channel of a stream procedure: read chunks (download, console) or write them
 * (upload), then `finish()`, or `abort()`.
 */
export class RemoteStream {
  readonly proc: number;
  readonly serial: number;
  #hooks: StreamHooks;
  #queue: StreamChunk[] = [];
  #buffered = 0;
  #eof = false;
  #error: VirtError | null = null;
  #readWaiter: (() => void) | null = null;
  // Queued chunks that are views of the client's read buffer, and whether the one last
  // returned by readView() still is.
  #views = new Set<Uint8Array>();
  #lent = false;
  // Set by the first readView(): until then views are copied when the client reads on.
  #viewer = false;
  #ending = false;
  #releaseWaiter: (() => void) | null = null;
  #finishWaiter: { resolve(): void; reject(e: VirtError): void; abort: boolean } | null = null;
  #finished = false;
  #sendBuffer: Uint8Array | undefined;
  #sending = false;

  /** @internal Streams come from {@link RemoteClient.openStream}. */
  constructor(proc: number, serial: number, hooks: StreamHooks) {
    this.proc = proc;
    this.serial = serial;
    this.#hooks = hooks;
  }

  /** Bytes received and not yet read. */
  get buffered(): number {
    return this.#buffered;
  }

  /**
   * @internal Resolves once the client may overwrite its read buffer: a readView() reader has
   * read every queued view and given the last back by calling again; for read() alone, the
   * views are copied and it waits only while more than STREAM_HIGH_WATER bytes are queued.
   */
  released(): Promise<void> {
    if (!this.#viewer && this.#views.size > 0) {
      this.#queue = this.#queue.map((c) =>
        c instanceof Uint8Array && this.#views.has(c) ? c.slice() : c
      );
      this.#views.clear();
    }
    if (this.#isReleased()) return Promise.resolve();
    return new Promise((resolve) => this.#releaseWaiter = resolve);
  }

  #isReleased(): boolean {
    if (this.#ending || this.#finished) return true;
    if (this.#viewer) return this.#views.size === 0 && !this.#lent;
    return this.#buffered <= STREAM_HIGH_WATER;
  }

  #checkReleased(): void {
    if (!this.#releaseWaiter || !this.#isReleased()) return;
    const w = this.#releaseWaiter;
    this.#releaseWaiter = null;
    w();
  }

  /** @internal A STREAM, STREAM_HOLE or REPLY message for this stream. */
  deliver(header: MessageHeader, payload: Uint8Array): void {
    if (header.type === MessageType.STREAM_HOLE) {
      try {
        const { length } = decode(streamHole, payload);
        this.#queue.push({ hole: length });
      } catch {
        this.fail(rpcError("Unable to decode message payload"));
      }
    } else if (header.status === MessageStatus.CONTINUE && payload.length === 0) {
      // libvirtd marks the end of a read stream's data with an empty CONTINUE packet.
      this.#eof = true;
    } else if (header.status === MessageStatus.CONTINUE) {
      // Once finish() or abort() is under way, nobody reads what still arrives.
      if (this.#ending) return;
      this.#queue.push(payload);
      this.#buffered += payload.length;
      this.#views.add(payload);
    } else if (header.status === MessageStatus.OK) {
      const waiter = this.#finishWaiter;
      if (waiter) {
        this.#finishWaiter = null;
        this.#close();
        waiter.resolve();
        return;
      }
      this.#eof = true;
    } else {
      const err = decodeRemoteError(payload);
      const waiter = this.#finishWaiter;
      if (waiter) {
        this.#finishWaiter = null;
        this.#close();
        if (waiter.abort) waiter.resolve();
        else waiter.reject(err);
        return;
      }
      this.#error = err;
    }
    this.#wakeReader();
  }

  /** @internal The connection ended. */
  fail(error: VirtError): void {
    if (!this.#error) this.#error = error;
    this.#finished = true;
    this.#wakeReader();
    this.#checkReleased();
    const waiter = this.#finishWaiter;
    this.#finishWaiter = null;
    waiter?.reject(error);
  }

  #wakeReader(): void {
    const w = this.#readWaiter;
    this.#readWaiter = null;
    w?.();
  }

  #close(): void {
    this.#finished = true;
    this.#hooks.done(this.serial);
    this.#checkReleased();
  }

  /** The next chunk: bytes (the caller's to keep), a hole, or null at end of data. */
  async read(): Promise<StreamChunk | null> {
    const chunk = await this.#next(false);
    if (!(chunk instanceof Uint8Array) || !this.#views.delete(chunk)) return chunk;
    const copy = chunk.slice();
    this.#checkReleased();
    return copy;
  }

  /**
   * Like read(), without a copy: bytes may be a view of the client's read buffer, valid until
   * the next call. Copy what must last longer, and call again without awaiting the daemon
   * meanwhile (its answer waits behind the unread data).
   */
  readView(): Promise<StreamChunk | null> {
    this.#viewer = true;
    return this.#next(true);
  }

  async #next(lend: boolean): Promise<StreamChunk | null> {
    if (this.#lent) {
      this.#lent = false;
      this.#checkReleased();
    }
    for (;;) {
      const item = this.#queue.shift();
      if (item) {
        if (item instanceof Uint8Array) {
          this.#buffered -= item.length;
          if (lend && this.#views.delete(item)) this.#lent = true;
          else this.#checkReleased();
        }
        return item;
      }
      if (this.#error) throw this.#error;
      if (this.#eof) return null;
      await new Promise<void>((resolve) => this.#readWaiter = resolve);
    }
  }

  /** Iterate the received chunks until the end of data. */
  async *[Symbol.asyncIterator](): AsyncGenerator<StreamChunk> {
    for (let c = await this.read(); c !== null; c = await this.read()) yield c;
  }

  #check(): void {
    if (this.#error) throw this.#error;
    const closed = this.#hooks.closedError();
    if (closed) throw closed;
    if (this.#finished) throw rpcError("stream is closed", ErrorCode.INVALID_STREAM);
  }

  /**
   * Send data (split into libvirt-sized packets); resolves once written to the transport, so
   * the caller may then reuse `data`. Packets are built in one buffer kept by the stream and
   * go out several to a write.
   */
  async write(data: Uint8Array): Promise<void> {
    // A second write while one is in flight gets a buffer of its own.
    const out = this.#sending
      ? new Uint8Array(SEND_BUFFER)
      : (this.#sendBuffer ??= new Uint8Array(SEND_BUFFER));
    this.#sending = true;
    try {
      const header = this.#hooks.header(
        this.proc,
        MessageType.STREAM,
        this.serial,
        MessageStatus.CONTINUE,
      );
      for (let off = 0; off < data.length;) {
        this.#check();
        let used = 0;
        while (off < data.length && used + MAX_STREAM_PACKET <= out.length) {
          const chunk = data.subarray(off, off + VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX);
          used += encodeRawInto(out, used, header, chunk);
          off += chunk.length;
        }
        await this.#hooks.send(out.subarray(0, used));
      }
    } finally {
      if (out === this.#sendBuffer) this.#sending = false;
    }
  }

  /** Send a hole of `length` bytes (sparse streams only). */
  async sendHole(length: bigint, flags = 0): Promise<void> {
    this.#check();
    await this.#hooks.send(encodeMessage(
      this.#hooks.header(this.proc, MessageType.STREAM_HOLE, this.serial, MessageStatus.CONTINUE),
      streamHole,
      { length, flags },
    ));
  }

  /** End the stream normally and wait for the daemon to confirm (and report any error). */
  finish(): Promise<void> {
    return this.#end(false);
  }

  /** Abandon the stream; the daemon discards what it had. */
  abort(): Promise<void> {
    return this.#end(true);
  }

  async #end(abort: boolean): Promise<void> {
    if (this.#finished) {
      if (abort) return;
      if (this.#error) throw this.#error;
      return;
    }
    if (!abort && this.#error) {
      this.#close();
      throw this.#error;
    }
    const closed = this.#hooks.closedError();
    if (closed) {
      if (abort) return;
      throw closed;
    }
    // Unread data goes: the confirmation comes behind it, so the reader must not wait for it.
    this.#ending = true;
    this.#queue = this.#queue.filter((c) => !(c instanceof Uint8Array));
    this.#buffered = 0;
    this.#views.clear();
    this.#checkReleased();
    const confirmed = new Promise<void>((resolve, reject) => {
      this.#finishWaiter = { resolve, reject, abort };
    });
    await this.#hooks.send(encodeMessage(
      this.#hooks.header(
        this.proc,
        MessageType.STREAM,
        this.serial,
        abort ? MessageStatus.ERROR : MessageStatus.OK,
      ),
      void_,
      undefined,
    ));
    await confirmed;
  }
}
