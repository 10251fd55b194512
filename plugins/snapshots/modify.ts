// The snapshot commands that change things: snapshot-edit, snapshot-revert and snapshot-delete.

import { defineCommand, exclusive, opt, Result, VshError } from "../../shell/mod.ts";
import { ErrorCode, VirtError } from "../../virt/errors.ts";
import {
  DomainSnapshot,
  SnapshotCreateFlags,
  SnapshotDeleteFlags,
  SnapshotRevertFlags,
  SnapshotXmlFlags,
} from "../../virt/snapshot.ts";
import { commandDomainSnapshot, snapshotNameOption } from "./common.ts";
import { runEditLoop } from "../../shell/edit_loop.ts";

/**
 * `snapshot-edit`: edit a snapshot's XML and redefine it; a changed name needs --rename (the
 * old one is dropped) or --clone (both are kept).
 */
export const snapshotEdit = defineCommand({
  name: "snapshot-edit",
  group: "snapshot",
  summary: "edit XML for a snapshot",
  description: "Edit the domain snapshot XML for a named snapshot",
  json: "the edited snapshot's name",
  options: {
    domain: opt.domain(),
    snapshotname: snapshotNameOption(),
    current: opt.bool("also set edited snapshot as current"),
    rename: opt.bool("allow renaming an existing snapshot"),
    clone: opt.bool("allow cloning to new name"),
  },
  async handler(ctx, opts) {
    exclusive("rename", opts.rename, "clone", opts.clone);
    let flags = SnapshotCreateFlags.REDEFINE;
    if (opts.current && opts.snapshotname !== undefined) flags |= SnapshotCreateFlags.CURRENT;
    const { dom, snap } = await commandDomainSnapshot(ctx, opts, false);
    const name = snap.name;
    const r = new Result();
    // virsh reports what went wrong first, then which snapshot it failed to update.
    const updateFailed = (e: unknown) =>
      new VshError(e instanceof Error ? e.message : String(e), {
        more: [`Failed to update ${name}`],
      });
    let doc: string;
    try {
      doc = await snap.xmlDesc(SnapshotXmlFlags.SECURE);
    } catch (e) {
      throw updateFailed(e);
    }
    if (doc.includes("<state>disk-snapshot</state>")) flags |= SnapshotCreateFlags.DISK_ONLY;
    const outcome = await runEditLoop(ctx, r, {
      doc,
      reread: () => snap.xmlDesc(SnapshotXmlFlags.SECURE),
      edit: async (text) => {
        try {
          return await ctx.edit(text, ".xml");
        } catch (e) {
          throw updateFailed(e);
        }
      },
      define: (xml) => DomainSnapshot.create(ctx.conn, dom.ref, xml, flags),
      // Only the first edit is compared, and not when the snapshot is to become current.
      endUnchanged: (again) => !again && !(flags & SnapshotCreateFlags.CURRENT),
    });
    if (outcome.end === "unchanged") {
      r.extra(`Snapshot ${name} XML configuration not changed.\n`);
      r.data = name;
      return r;
    }
    if (outcome.end !== "defined") {
      // Without a terminal nobody is asked: the failure is reported.
      if (outcome.end === "unasked") r.error(outcome.message);
      r.error(`Failed to update ${name}`);
      return r.fail();
    }
    const result = outcome.value;
    r.data = result.name;
    if (result.name === name) return r.extra(`Snapshot ${name} edited.\n`);
    if (opts.clone) return r.extra(`Snapshot ${name} cloned to ${result.name}.\n`);
    const dropped = opts.rename ? snap : result;
    try {
      await dropped.delete(SnapshotDeleteFlags.METADATA_ONLY);
    } catch (e) {
      if (!(e instanceof VirtError)) throw e;
      r.error(e.message).error(`Failed to clean up ${dropped.name}`).error(
        `Failed to update ${name}`,
      );
      return r.fail();
    }
    if (!opts.rename) {
      r.error(`Must use --rename or --clone to change ${name} to ${result.name}`);
      r.error(`Failed to update ${name}`);
      return r.fail();
    }
    return r;
  },
});

/** `snapshot-revert`: return a domain to a snapshot's state. */
export const snapshotRevert = defineCommand({
  name: "snapshot-revert",
  group: "snapshot",
  summary: "Revert a domain to a snapshot",
  description: "Revert domain to snapshot",
  json: "the snapshot's name",
  options: {
    domain: opt.domain(),
    snapshotname: snapshotNameOption(),
    current: opt.bool("revert to current snapshot"),
    running: opt.bool("after reverting, change state to running"),
    paused: opt.bool("after reverting, change state to paused"),
    force: opt.bool("try harder on risky reverts"),
    "reset-nvram": opt.bool("re-initialize NVRAM from its pristine template"),
  },
  async handler(ctx, opts) {
    let flags = 0;
    if (opts.running) flags |= SnapshotRevertFlags.RUNNING;
    if (opts.paused) flags |= SnapshotRevertFlags.PAUSED;
    if (opts["reset-nvram"]) flags |= SnapshotRevertFlags.RESET_NVRAM;
    const { snap } = await commandDomainSnapshot(ctx, opts);
    try {
      try {
        await snap.revert(flags);
      } catch (e) {
        // Probe without --force first: older servers reject the flag but revert anyway.
        if (!(opts.force && e instanceof VirtError && e.code === ErrorCode.SNAPSHOT_REVERT_RISKY)) {
          throw e;
        }
        await snap.revert(flags | SnapshotRevertFlags.FORCE);
      }
    } catch (e) {
      throw new VshError(`Failed to revert snapshot ${snap.name}`, { cause: e });
    }
    const r = new Result();
    r.data = snap.name;
    return r;
  },
});

/** `snapshot-delete`: delete a snapshot, its children, or both. */
export const snapshotDelete = defineCommand({
  name: "snapshot-delete",
  group: "snapshot",
  summary: "Delete a domain snapshot",
  description: "Snapshot Delete",
  json: "the snapshot's name",
  options: {
    domain: opt.domain(),
    snapshotname: snapshotNameOption(),
    current: opt.bool("delete current snapshot"),
    children: opt.bool("delete snapshot and all children"),
    "children-only": opt.bool("delete children but not snapshot"),
    metadata: opt.bool("delete only libvirt metadata, leaving snapshot contents behind"),
  },
  async handler(ctx, opts) {
    const { snap } = await commandDomainSnapshot(ctx, opts);
    let flags = 0;
    if (opts.children) flags |= SnapshotDeleteFlags.CHILDREN;
    if (opts["children-only"]) flags |= SnapshotDeleteFlags.CHILDREN_ONLY;
    if (opts.metadata) flags |= SnapshotDeleteFlags.METADATA_ONLY;
    try {
      await snap.delete(flags);
    } catch (e) {
      throw new VshError(`Failed to delete snapshot ${snap.name}`, { cause: e });
    }
    const r = new Result();
    r.extra(
      opts["children-only"]
        ? `Domain snapshot ${snap.name} children deleted\n`
        : `Domain snapshot ${snap.name} deleted\n`,
    );
    r.data = snap.name;
    return r;
  },
});
