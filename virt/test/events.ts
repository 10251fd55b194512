// Events of the embedded test driver: lifecycle changes of domains, networks and pools are
// delivered, as the remote protocol's event messages, to every connection that registered a
// callback for them on the same hypervisor state.

import type { ProcName } from "../remote/protocol.ts";
import type { RemoteDomain, RemoteNetwork, RemoteStoragePool } from "../remote/protocol.ts";
import { uuidEqual } from "../xml/uuid.ts";

/** What a callback listens to: the object family, the event ID and an optional object. */
export interface EventFilter {
  kind: "domain" | "network" | "pool";
  eventID: number;
  uuid?: Uint8Array;
}

/** One connection's side of the bus: its callbacks and where their messages go. */
export interface EventSubscriber {
  callbacks: Map<number, EventFilter>;
  deliver(proc: ProcName, msg: unknown): void;
}

/** virDomainEventType values with the details the test driver uses. */
export const DomainEvent = {
  DEFINED: 0,
  UNDEFINED: 1,
  STARTED: 2,
  SUSPENDED: 3,
  RESUMED: 4,
  STOPPED: 5,
} as const;

/** The event bus of one hypervisor state. */
export class EventBus {
  readonly subscribers = new Set<EventSubscriber>();
  private nextId = 0;

  /** A new callback ID, unique on this hypervisor. */
  allocate(): number {
    return this.nextId++;
  }

  private emit(
    kind: EventFilter["kind"],
    eventID: number,
    uuid: Uint8Array,
    message: (callbackID: number) => [ProcName, unknown],
  ): void {
    for (const sub of this.subscribers) {
      for (const [id, f] of sub.callbacks) {
        if (f.kind !== kind || f.eventID !== eventID) continue;
        if (f.uuid && !uuidEqual(f.uuid, uuid)) continue;
        const [proc, msg] = message(id);
        // libvirt dispatches events from its event loop, after the API call has returned.
        queueMicrotask(() => sub.deliver(proc, msg));
      }
    }
  }

  /** VIR_DOMAIN_EVENT_ID_LIFECYCLE. */
  domainLifecycle(dom: RemoteDomain, event: number, detail: number): void {
    this.emit("domain", 0, dom.uuid, (callbackID) => [
      "domainEventCallbackLifecycle",
      { callbackID, msg: { dom: { ...dom }, event, detail } },
    ]);
  }

  /** VIR_NETWORK_EVENT_ID_LIFECYCLE: 0 defined, 1 undefined, 2 started, 3 stopped. */
  networkLifecycle(net: RemoteNetwork, event: number): void {
    this.emit("network", 0, net.uuid, (callbackID) => [
      "networkEventLifecycle",
      { callbackID, net: { ...net }, event, detail: 0 },
    ]);
  }

  /** VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE: defined, undefined, started, stopped, created, deleted. */
  poolLifecycle(pool: RemoteStoragePool, event: number): void {
    this.emit("pool", 0, pool.uuid, (callbackID) => [
      "storagePoolEventLifecycle",
      { callbackID, pool: { ...pool }, event, detail: 0 },
    ]);
  }

  /** VIR_STORAGE_POOL_EVENT_ID_REFRESH. */
  poolRefresh(pool: RemoteStoragePool): void {
    this.emit("pool", 1, pool.uuid, (callbackID) => [
      "storagePoolEventRefresh",
      { callbackID, pool: { ...pool } },
    ]);
  }
}
