// libvirt RPC message framing (virnetprotocol.x): a 4-byte length that counts itself, a 24-byte
// header (program, version, procedure, type, serial, status) and an XDR payload.

import {
  VIR_NET_MESSAGE_HEADER_MAX,
  VIR_NET_MESSAGE_LEN_MAX,
  VIR_NET_MESSAGE_MAX,
} from "./protocol.ts";
import { type Codec, XdrError, XdrReader, XdrWriter } from "./xdr.ts";

/** `virNetMessageType`. */
export const MessageType = {
  CALL: 0,
  REPLY: 1,
  MESSAGE: 2,
  STREAM: 3,
  CALL_WITH_FDS: 4,
  REPLY_WITH_FDS: 5,
  STREAM_HOLE: 6,
} as const;

/** `virNetMessageStatus`. */
export const MessageStatus = { OK: 0, ERROR: 1, CONTINUE: 2 } as const;

/** The decoded `virNetMessageHeader`. */
export interface MessageHeader {
  program: number;
  version: number;
  procedure: number;
  type: number;
  serial: number;
  status: number;
}

/** One complete message: header and the undecoded payload. */
export interface Message {
  header: MessageHeader;
  payload: Uint8Array;
}

/** Smallest valid packet: the length word and a header with no payload. */
export const MIN_PACKET = VIR_NET_MESSAGE_LEN_MAX + VIR_NET_MESSAGE_HEADER_MAX;
/** Largest valid packet, length word included. */
export const MAX_PACKET = VIR_NET_MESSAGE_LEN_MAX + VIR_NET_MESSAGE_MAX;

/** A packet that cannot be a libvirt RPC message. */
export class FramingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FramingError";
  }
}

/** Check a packet length word the way libvirt does, before reading the rest. */
export function checkLength(length: number): void {
  if (length < MIN_PACKET) {
    throw new FramingError(
      `packet ${length} bytes received from server too small, want ${MIN_PACKET}`,
    );
  }
  if (length > MAX_PACKET) {
    throw new FramingError(
      `packet ${length} bytes received from server too large, want ${MAX_PACKET}`,
    );
  }
}

/**
 * Encode a whole packet: length word, header, then `codec`'s encoding of `value`.
 * Throws FramingError when the result would exceed libvirt's message size limit.
 */
export function encodeMessage<T>(header: MessageHeader, codec: Codec<T>, value: T): Uint8Array {
  const w = new XdrWriter(64);
  w.uint(0);
  w.uint(header.program);
  w.uint(header.version);
  w.int(header.procedure);
  w.int(header.type);
  w.uint(header.serial);
  w.int(header.status);
  codec.encode(w, value);
  if (w.length > MAX_PACKET) {
    throw new FramingError(
      `message of ${w.length - VIR_NET_MESSAGE_LEN_MAX} bytes exceeds limit ${VIR_NET_MESSAGE_MAX}`,
    );
  }
  w.patchUint(0, w.length);
  return w.finish();
}

/** Encode a packet whose payload is already bytes (stream data). */
export function encodeRaw(header: MessageHeader, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(MIN_PACKET + payload.length);
  encodeRawInto(out, 0, header, payload);
  return out;
}

/**
 * Encode a raw-payload packet into `out` at `offset` and return its length: stream uploads
 * reuse one buffer rather than make a new one per packet. Throws FramingError when the packet
 * would exceed libvirt's message size limit, RangeError when it does not fit in `out`.
 */
export function encodeRawInto(
  out: Uint8Array,
  offset: number,
  header: MessageHeader,
  payload: Uint8Array,
): number {
  const total = MIN_PACKET + payload.length;
  if (total > MAX_PACKET) {
    throw new FramingError(
      `message of ${total - VIR_NET_MESSAGE_LEN_MAX} bytes exceeds limit ${VIR_NET_MESSAGE_MAX}`,
    );
  }
  if (offset + total > out.length) {
    throw new RangeError(`packet of ${total} bytes does not fit at ${offset} of ${out.length}`);
  }
  const view = new DataView(out.buffer, out.byteOffset + offset, MIN_PACKET);
  view.setUint32(0, total);
  view.setUint32(4, header.program);
  view.setUint32(8, header.version);
  view.setInt32(12, header.procedure);
  view.setInt32(16, header.type);
  view.setUint32(20, header.serial);
  view.setInt32(24, header.status);
  out.set(payload, offset + MIN_PACKET);
  return total;
}

const knownTypes = new Set<number>(Object.values(MessageType));
const knownStatus = new Set<number>(Object.values(MessageStatus));

/**
 * Decode one whole packet (length word included). Any packet that is truncated, longer than
 * its length word, over the size limit or has an unknown type or status gives a FramingError.
 *
 * @example
 * ```ts
 * import { decodeMessage, encodeMessage, MessageType } from "./framing.ts";
 * import { void_ } from "./xdr.ts";
 * const header = { program: 1, version: 1, procedure: 2, type: MessageType.CALL, serial: 7, status: 0 };
 * console.assert(decodeMessage(encodeMessage(header, void_, undefined)).header.serial === 7);
 * ```
 */
export function decodeMessage(packet: Uint8Array): Message {
  if (packet.length < VIR_NET_MESSAGE_LEN_MAX) {
    throw new FramingError(`truncated packet: ${packet.length} bytes`);
  }
  const r = new XdrReader(packet);
  const length = r.uint();
  checkLength(length);
  if (length !== packet.length) {
    throw new FramingError(`packet length word says ${length} bytes but ${packet.length} arrived`);
  }
  let header: MessageHeader;
  try {
    header = {
      program: r.uint(),
      version: r.uint(),
      procedure: r.int(),
      type: r.int(),
      serial: r.uint(),
      status: r.int(),
    };
  } catch (e) {
    if (e instanceof XdrError) throw new FramingError(`bad message header: ${e.message}`);
    throw e;
  }
  if (!knownTypes.has(header.type)) {
    throw new FramingError(`unknown message type ${header.type}`);
  }
  if (!knownStatus.has(header.status)) {
    throw new FramingError(`unknown message status ${header.status}`);
  }
  return { header, payload: packet.subarray(MIN_PACKET) };
}

/**
 * Splits a byte stream into packets. Feed it chunks as they arrive; take packets while
 * `next()` returns one. The length word is checked as soon as it arrives, so a hostile
 * length never makes it buffer more than libvirt's limit.
 */
export class FrameReader {
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #need = 0;

  /** Bytes held that do not yet form a packet. */
  get buffered(): number {
    return this.#buffered;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
  }

  /** The next complete packet, or null when more bytes are needed. */
  next(): Uint8Array | null {
    if (this.#need === 0) {
      if (this.#buffered < VIR_NET_MESSAGE_LEN_MAX) return null;
      const head = this.#peek(VIR_NET_MESSAGE_LEN_MAX);
      const length = new DataView(head.buffer, head.byteOffset, 4).getUint32(0);
      checkLength(length);
      this.#need = length;
    }
    if (this.#buffered < this.#need) return null;
    const packet = this.#take(this.#need);
    this.#need = 0;
    return packet;
  }

  #peek(n: number): Uint8Array {
    if (this.#chunks[0].length >= n) return this.#chunks[0].subarray(0, n);
    this.#merge();
    return this.#chunks[0].subarray(0, n);
  }

  #take(n: number): Uint8Array {
    if (this.#chunks[0].length < n) this.#merge();
    const first = this.#chunks[0];
    const packet = first.subarray(0, n);
    if (first.length === n) this.#chunks.shift();
    else this.#chunks[0] = first.subarray(n);
    this.#buffered -= n;
    return packet;
  }

  #merge(): void {
    const all = new Uint8Array(this.#buffered);
    let off = 0;
    for (const c of this.#chunks) {
      all.set(c, off);
      off += c.length;
    }
    this.#chunks = [all];
  }
}
