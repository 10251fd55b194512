// Why a remote connection ended: a module of its own, so that the shell can tell the reasons
// apart without loading the protocol tables at start-up.

/** Why a connection ended (virConnectCloseReason), as close listeners are told. */
export const CloseReason = {
  /** A read or write failed, or the daemon sent what could not be decoded. */
  ERROR: 0,
  /** The daemon closed the connection (it exited or was killed). */
  EOF: 1,
  /** The daemon stopped answering keepalive PINGs. */
  KEEPALIVE: 2,
  /** close() was called. */
  CLIENT: 3,
} as const;

/** One of {@link CloseReason}'s values. */
export type CloseReason = typeof CloseReason[keyof typeof CloseReason];
