// The one interface behind a Connection: something that answers libvirt remote procedures.
// The remote client (virt/remote/) and the embedded test driver (virt/test/) both implement it.

import type { ProcArgs, ProcName, ProcRet } from "./remote/protocol.ts";

/** Answers libvirt's remote procedures, by name, with the protocol's argument and result shapes. */
export interface Driver {
  /** "embedded" for the in-process test driver, "remote" for a libvirtd over a transport. */
  readonly kind: "embedded" | "remote";
  /** Call one procedure; rejects with a VirtError as libvirt would report it. */
  call<P extends ProcName>(proc: P, args: ProcArgs<P>): Promise<ProcRet<P>>;
  /** Close the connection and release resources. */
  close(): Promise<void>;
}
