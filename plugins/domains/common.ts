// What the domain commands share: finding the domain an option names, virsh's option-conflict
// messages, the words virsh uses for states and reasons, and reading devices out of the XML.

import { exclusive } from "../../shell/mod.ts";
import { Affect, DomainState } from "../../virt/domain.ts";
import { elements, type XmlElement } from "../../virt/xml/tree.ts";

/** Look up the domain named by a `--domain` value, failing as virsh does. */
export { commandDomain } from "../domain_lookup.ts";

/** The `<disk>` or `<interface>` elements under `<devices>`. */
export function devices(doc: XmlElement, kind: string): XmlElement[] {
  return elements(doc).filter((e) => e.name === "devices").flatMap((d) =>
    elements(d).filter((e) => e.name === kind)
  );
}

/**
 * XPath's `string(./a/@x | ./a/@y ...)` with libvirt's virXPathString: the first of those
 * attributes in document order, undefined when absent or empty.
 */
export function firstAttr(e: XmlElement | undefined, names: string[]): string | undefined {
  if (!e) return undefined;
  for (const [k, v] of Object.entries(e.attrs)) if (names.includes(k)) return v || undefined;
  return undefined;
}

/**
 * The flags of the common --current/--live/--config trio, after virsh's exclusivity checks.
 * Returns undefined when none was given, for the commands that then use an older API.
 */
export function affectFlags(
  opts: { current: boolean; live: boolean; config: boolean },
): number | undefined {
  exclusive("current", opts.current, "live", opts.live);
  exclusive("current", opts.current, "config", opts.config);
  if (!opts.current && !opts.live && !opts.config) return undefined;
  return (opts.config ? Affect.CONFIG : 0) | (opts.live ? Affect.LIVE : 0);
}

const STATES = [
  "no state",
  "running",
  "idle",
  "paused",
  "in shutdown",
  "shut off",
  "crashed",
  "pmsuspended",
];

/** virsh's word for a domain state. */
export function stateName(state: number): string {
  return STATES[state] ?? "no state";
}

const REASONS: Record<number, string[]> = {
  [DomainState.NOSTATE]: ["unknown"],
  [DomainState.RUNNING]: [
    "unknown",
    "booted",
    "migrated",
    "restored",
    "from snapshot",
    "unpaused",
    "migration canceled",
    "save canceled",
    "event wakeup",
    "crashed",
    "post-copy",
    "post-copy failed",
  ],
  [DomainState.BLOCKED]: ["unknown"],
  [DomainState.PAUSED]: [
    "unknown",
    "user",
    "migrating",
    "saving",
    "dumping",
    "I/O error",
    "watchdog",
    "from snapshot",
    "shutting down",
    "creating snapshot",
    "crashed",
    "starting up",
    "post-copy",
    "post-copy failed",
    "api error",
  ],
  [DomainState.SHUTDOWN]: ["unknown", "user"],
  [DomainState.SHUTOFF]: [
    "unknown",
    "shutdown",
    "destroyed",
    "crashed",
    "migrated",
    "saved",
    "failed",
    "from snapshot",
    "daemon",
  ],
  [DomainState.CRASHED]: ["unknown", "panicked"],
  [DomainState.PMSUSPENDED]: ["unknown"],
};

/** virsh's words for the reason of a state. */
export function reasonName(state: number, reason: number): string {
  return REASONS[state]?.[reason] ?? "unknown";
}

/** A libvirt error's code, or undefined for anything else. */
export function errorCode(e: unknown): number | undefined {
  return typeof e === "object" && e !== null && "code" in e && typeof e.code === "number"
    ? e.code
    : undefined;
}
