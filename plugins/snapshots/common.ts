// What the snapshot commands share: the domain and snapshot an invocation names, and virsh's
// reading of a snapshot's XML.

import { opt, VshError } from "../../shell/mod.ts";
import type { ShellContext } from "../../shell/mod.ts";
import type { Domain } from "../../virt/domain.ts";
import { DomainSnapshot } from "../../virt/snapshot.ts";
import { commandDomain } from "../domain_lookup.ts";
import { child, childText, parseXml, type XmlElement } from "../../virt/xml/tree.ts";

/** The --snapshotname option most commands take. */
export const snapshotNameOption = (help = "snapshot name") =>
  opt.string(help, { complete: "snapshot" });

/**
 * virsh's virshLookupSnapshot: the snapshot named by option `arg`, or with --current the
 * current one. With `exclusive`, giving both is an error.
 */
export async function commandSnapshot(
  ctx: ShellContext,
  dom: Domain,
  arg: string,
  name: string | undefined,
  current: boolean,
  exclusive: boolean,
): Promise<DomainSnapshot> {
  if (exclusive && current && name !== undefined) {
    throw new VshError(`--${arg} and --current are mutually exclusive`);
  }
  if (name !== undefined) return await DomainSnapshot.lookup(ctx.conn, dom.ref, name);
  if (current) return await DomainSnapshot.current(ctx.conn, dom.ref);
  throw new VshError(`--${arg} or --current is required`);
}

/**
 * The domain and the snapshot that `--domain`, `--snapshotname` and `--current` name; with
 * `exclusive`, giving both of the last two is an error.
 */
export async function commandDomainSnapshot(
  ctx: ShellContext,
  opts: { domain?: string; snapshotname?: string; current: boolean },
  exclusive = true,
): Promise<{ dom: Domain; snap: DomainSnapshot }> {
  const dom = await commandDomain(ctx, opts.domain);
  const snap = await commandSnapshot(
    ctx,
    dom,
    "snapshotname",
    opts.snapshotname,
    opts.current,
    exclusive,
  );
  return { dom, snap };
}

/** The fields of a snapshot's XML that virsh's commands read. */
export interface SnapshotSummary {
  state?: string;
  parent?: string;
  creationTime?: string;
  external: boolean;
  root: XmlElement;
}

/** Read a snapshot's XML as virsh's XPath queries do. */
export function summarize(xml: string): SnapshotSummary {
  const root = parseXml(xml, "(domain_snapshot)");
  const state = childText(root, "state");
  const parentEl = child(root, "parent");
  const memory = child(root, "memory");
  const disks = child(root, "disks");
  const external = memory
    ? memory.attrs.snapshot === "external" ||
      (disks?.children ?? []).some((d) =>
        typeof d !== "string" && d.name === "disk" && d.attrs.snapshot === "external"
      )
    : state === "disk-snapshot";
  return {
    state,
    parent: parentEl ? childText(parentEl, "name") : undefined,
    creationTime: childText(root, "creationTime"),
    external,
    root,
  };
}

/** strftime's "%Y-%m-%d %H:%M:%S %z" in local time, as snapshot-list prints creation times. */
export function formatCreationTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const off = -d.getTimezoneOffset();
  const sign = off < 0 ? "-" : "+";
  const abs = Math.abs(off);
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ` +
    `${sign}${p(Math.floor(abs / 60))}${p(abs % 60)}`;
}
