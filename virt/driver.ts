// The one interface behind a Connection: something that answers libvirt remote procedures.
// The remote client (virt/remote/) and the embedded test driver (virt/test/) both implement it.

import type { ProcArgs, ProcName, ProcRet } from "./remote/protocol.ts";

/** An item read from a data stream: bytes, or a hole (a run of zeros that was not sent). */
export type StreamChunk = Uint8Array | { hole: bigint };

/**
 * The data channel a stream procedure opens (volume upload and download): read chunks or write
 * them, then finish (which reports the daemon's verdict) or abort.
 */
export interface DataStream {
  /** The next chunk, or null at the end of the data; rejects on a stream or connection error. */
  read(): Promise<StreamChunk | null>;
  /**
   * Like read(), but a data chunk may be a view of the stream's own buffer, valid only until the
   * next call: it saves a copy per packet for a reader that copies the bytes anyway. Optional.
   */
  readView?(): Promise<StreamChunk | null>;
  /** Send bytes; resolves once they are handed to the transport (so memory stays flat). */
  write(data: Uint8Array): Promise<void>;
  /** Send a hole of `length` bytes (sparse streams only). */
  sendHole(length: bigint, flags?: number): Promise<void>;
  /** End the stream and wait for the other side to confirm it. */
  finish(): Promise<void>;
  /** Abandon the stream. */
  abort(): Promise<void>;
}

/** Answers libvirt's remote procedures, by name, with the protocol's argument and result shapes. */
export interface Driver {
  /** "embedded" for the in-process test driver, "remote" for a libvirtd over a transport. */
  readonly kind: "embedded" | "remote";
  /** Call one procedure; rejects with a VirtError as libvirt would report it. */
  call<P extends ProcName>(proc: P, args: ProcArgs<P>): Promise<ProcRet<P>>;
  /** Call a stream procedure; drivers without streams leave it out. */
  openStream?<P extends ProcName>(
    proc: P,
    args: ProcArgs<P>,
  ): Promise<{ ret: ProcRet<P>; stream: DataStream }>;
  /** Close the connection and release resources. */
  close(): Promise<void>;
}

/**
 * The cheapest way to read `stream` for a reader that copies (or is done with) each chunk before
 * it reads the next: readView() where the stream offers it, else read().
 */
export function lendingReader(stream: DataStream): () => Promise<StreamChunk | null> {
  return stream.readView ? () => stream.readView!() : () => stream.read();
}
