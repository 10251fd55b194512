// Commands that change a domain's life: define, create, start, stop, pause, save and restore,
// undefine, rename and autostart.

import { defineCommand, exclusive, opt, requires, Result, VshError } from "../../shell/mod.ts";
import type { ShellContext } from "../../shell/mod.ts";
import {
  DefineFlags,
  DestroyFlags,
  Domain,
  DomainState,
  restoreDomain,
  SaveFlags,
  ShutdownFlags,
  StartFlags,
  UndefineFlags,
} from "../../virt/domain.ts";
import { ErrorCode } from "../../virt/errors.ts";
import { child, parseXml, type XmlElement } from "../../virt/xml/tree.ts";
import { commandDomain, devices, errorCode, firstAttr } from "./common.ts";

/** virsh's cmdStartGetFDs: the numbers of --pass-fds, checked as virsh checks them. */
function passFds(value: string | undefined): number[] {
  if (value === undefined || value === "") return [];
  return value.split(",").map((s) => {
    const m = /^[ \t\n\v\f\r]*([+-]?\d+)$/.exec(s);
    const n = m ? Number(m[1]) : NaN;
    if (!m || n < -2147483648 || n > 2147483647) {
      throw new VshError(`Unable to parse FD number '${s}'`);
    }
    return n;
  });
}

/**
 * What `--console` does after a start: vsh has no console client, so it refuses as virsh does
 * without a terminal, and names the missing feature on one.
 */
async function consoleRefusal(ctx: ShellContext, dom: Domain, r: Result): Promise<Result> {
  const { state } = await dom.state();
  if (state === DomainState.SHUTOFF) return r.error("The domain is not running").fail();
  if (!ctx.isTTY) {
    return r.error("Cannot run interactive console without a controlling TTY").fail();
  }
  return r.error("vsh has no interactive console; use virsh console").fail();
}

export const define = defineCommand({
  name: "define",
  group: "domain",
  summary: "define (but don't start) a domain from an XML file",
  description: "Define a domain.",
  json: "the new domain's name and the file",
  options: {
    file: opt.data("file containing an XML domain description", {
      required: true,
      complete: "file",
    }),
    validate: opt.bool("validate the XML against the schema"),
  },
  async handler(ctx, opts) {
    const file = opts.file ?? "";
    const xml = await ctx.readFile(file);
    const flags = opts.validate ? DefineFlags.VALIDATE : 0;
    let dom;
    try {
      dom = flags
        ? await ctx.conn.call("domainDefineXmlFlags", { xml, flags })
        : await ctx.conn.call("domainDefineXml", { xml });
    } catch (e) {
      throw new VshError(`Failed to define domain from ${file}`, { cause: e });
    }
    const r = new Result().extra(`Domain '${dom.dom.name}' defined from ${file}\n`);
    r.data = { name: dom.dom.name, file };
    return r;
  },
});

export const create = defineCommand({
  name: "create",
  group: "domain",
  summary: "create a domain from an XML file",
  description: "Create a domain.",
  json: "the new domain's name, ID and the file",
  options: {
    file: opt.data("file containing an XML domain description", {
      required: true,
      complete: "file",
    }),
    console: opt.bool("attach to console after creation"),
    paused: opt.bool("leave the guest paused after creation"),
    autodestroy: opt.bool("automatically destroy the guest when virsh disconnects"),
    "pass-fds": opt.string("pass file descriptors N,M,... to the guest", { emptyOk: true }),
    validate: opt.bool("validate the XML against the schema"),
    "reset-nvram": opt.bool("re-initialize NVRAM from its pristine template"),
  },
  async handler(ctx, opts) {
    const file = opts.file ?? "";
    const xml = await ctx.readFile(file);
    // File descriptors cannot cross the remote protocol from here; the list is still checked.
    passFds(opts["pass-fds"]);
    let flags = 0;
    if (opts.paused) flags |= StartFlags.PAUSED;
    if (opts.autodestroy) flags |= StartFlags.AUTODESTROY;
    if (opts.validate) flags |= StartFlags.VALIDATE;
    if (opts["reset-nvram"]) flags |= StartFlags.RESET_NVRAM;
    let ref;
    try {
      ref = (await ctx.conn.call("domainCreateXml", { xml_desc: xml, flags })).dom;
    } catch (e) {
      throw new VshError(`Failed to create domain from ${file}`, { cause: e });
    }
    const r = new Result().extra(`Domain '${ref.name}' created from ${file}\n`);
    r.data = { name: ref.name, id: ref.id, file };
    if (opts.console) {
      // virsh reports a console failure here but still counts the creation as a success.
      await consoleRefusal(ctx, new Domain(ctx.conn, ref), r);
      r.ok = true;
    }
    return r;
  },
});

export const start = defineCommand({
  name: "start",
  group: "domain",
  summary: "start a (previously defined) inactive domain",
  description: "Start a domain, either from the last managedsave\n" +
    "    state, or via a fresh boot if no managedsave state\n" +
    "    is present.",
  json: "the domain's name",
  options: {
    domain: opt.domain("name of the inactive domain"),
    console: opt.bool("attach to console after creation"),
    paused: opt.bool("leave the guest paused after creation"),
    autodestroy: opt.bool("automatically destroy the guest when virsh disconnects"),
    "bypass-cache": opt.bool("avoid file system cache when loading"),
    "force-boot": opt.bool("force fresh boot by discarding any managed save"),
    "pass-fds": opt.string("pass file descriptors N,M,... to the guest", { emptyOk: true }),
    "reset-nvram": opt.bool("re-initialize NVRAM from its pristine template"),
  },
  async handler(ctx, opts) {
    const dom = await commandDomain(ctx, opts.domain, { name: true, uuid: true });
    if (dom.id !== -1) throw new VshError("Domain is already active");
    passFds(opts["pass-fds"]);
    let flags = 0;
    if (opts.paused) flags |= StartFlags.PAUSED;
    if (opts.autodestroy) flags |= StartFlags.AUTODESTROY;
    if (opts["bypass-cache"]) flags |= StartFlags.BYPASS_CACHE;
    if (opts["force-boot"]) flags |= StartFlags.FORCE_BOOT;
    if (opts["reset-nvram"]) flags |= StartFlags.RESET_NVRAM;

    let started = false;
    if (flags & StartFlags.FORCE_BOOT) {
      // An older server may reject the flag; virsh then emulates it by removing the image.
      try {
        await dom.create(flags);
        started = true;
      } catch (e) {
        const code = errorCode(e);
        if (code !== ErrorCode.NO_SUPPORT && code !== ErrorCode.INVALID_ARG) throw e;
        let has = false;
        try {
          has = await dom.hasManagedSave();
        } catch {
          has = false;
        }
        if (has) await dom.managedSaveRemove();
        flags &= ~StartFlags.FORCE_BOOT;
      }
    }
    if (!started) {
      try {
        await dom.create(flags);
      } catch (e) {
        throw new VshError(`Failed to start domain '${dom.name}'`, { cause: e });
      }
    }
    const r = new Result().extra(`Domain '${dom.name}' started\n`);
    r.data = { name: dom.name };
    if (opts.console) await consoleRefusal(ctx, dom, r);
    return r;
  },
});

/** The flags of a --mode list for shutdown and reboot, with virsh's message for a bad one. */
function modeFlags(mode: string | undefined, reboot: boolean): number {
  if (mode === undefined) return 0;
  const names: Record<string, number> = {
    acpi: ShutdownFlags.ACPI,
    agent: ShutdownFlags.AGENT,
    initctl: ShutdownFlags.INITCTL,
    signal: ShutdownFlags.SIGNAL,
    paravirt: ShutdownFlags.PARAVIRT,
  };
  let flags = 0;
  const parts = mode.split(",");
  // virStringSplit drops the empty piece after a trailing comma.
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  for (const m of parts) {
    if (!(m in names)) {
      throw new VshError(
        `Unknown mode ${m} value, expecting 'acpi', 'agent', 'initctl', 'signal'${
          reboot ? "" : ","
        } or 'paravirt'`,
      );
    }
    flags |= names[m];
  }
  return flags;
}

/** A command that looks up the domain, makes one call and reports it as virsh does. */
function simpleAction(
  name: string,
  summary: string,
  description: string,
  done: string,
  failed: string,
  act: (dom: Domain) => Promise<void>,
) {
  return defineCommand({
    name,
    group: "domain",
    summary,
    description,
    json: "the domain's name",
    options: { domain: opt.domain() },
    async handler(ctx, opts) {
      const dom = await commandDomain(ctx, opts.domain);
      const label = opts.domain ?? "";
      try {
        await act(dom);
      } catch (e) {
        throw new VshError(`Failed to ${failed} domain '${label}'`, { cause: e });
      }
      const r = new Result().extra(`Domain '${label}' ${done}\n`);
      r.data = { name: dom.name };
      return r;
    },
  });
}

export const suspend = simpleAction(
  "suspend",
  "suspend a domain",
  "Suspend a running domain.",
  "suspended",
  "suspend",
  (d) => d.suspend(),
);

export const resume = simpleAction(
  "resume",
  "resume a domain",
  "Resume a previously suspended domain.",
  "resumed",
  "resume",
  (d) => d.resume(),
);

export const reset = simpleAction(
  "reset",
  "reset a domain",
  "Reset the target domain as if by power button",
  "was reset",
  "reset",
  (d) => d.reset(),
);

export const shutdown = defineCommand({
  name: "shutdown",
  group: "domain",
  summary: "gracefully shutdown a domain",
  description: "Run shutdown in the target domain.",
  options: {
    domain: opt.domain(),
    mode: opt.string("shutdown mode: acpi|agent|initctl|signal|paravirt"),
  },
  async handler(ctx, opts) {
    const flags = modeFlags(opts.mode, false);
    const dom = await commandDomain(ctx, opts.domain);
    try {
      await dom.shutdown(flags);
    } catch (e) {
      throw new VshError(`Failed to shutdown domain '${opts.domain}'`, { cause: e });
    }
    return new Result().extra(`Domain '${opts.domain}' is being shutdown\n`);
  },
});

export const reboot = defineCommand({
  name: "reboot",
  group: "domain",
  summary: "reboot a domain",
  description: "Run a reboot command in the target domain.",
  options: {
    domain: opt.domain(),
    mode: opt.string("shutdown mode: acpi|agent|initctl|signal|paravirt"),
  },
  async handler(ctx, opts) {
    const flags = modeFlags(opts.mode, true);
    const dom = await commandDomain(ctx, opts.domain);
    try {
      await dom.reboot(flags);
    } catch (e) {
      throw new VshError(`Failed to reboot domain '${opts.domain}'`, { cause: e });
    }
    return new Result().extra(`Domain '${opts.domain}' is being rebooted\n`);
  },
});

export const destroy = defineCommand({
  name: "destroy",
  group: "domain",
  summary: "destroy (stop) a domain",
  description: "Forcefully stop a given domain, but leave its resources intact.",
  options: {
    domain: opt.domain(),
    graceful: opt.bool("terminate gracefully"),
    "remove-logs": opt.bool("remove domain logs"),
  },
  async handler(ctx, opts) {
    const dom = await commandDomain(ctx, opts.domain);
    let flags = 0;
    if (opts.graceful) flags |= DestroyFlags.GRACEFUL;
    if (opts["remove-logs"]) flags |= DestroyFlags.REMOVE_LOGS;
    try {
      await dom.destroy(flags);
    } catch (e) {
      throw new VshError(`Failed to destroy domain '${opts.domain}'`, { cause: e });
    }
    return new Result().extra(`Domain '${opts.domain}' destroyed\n`);
  },
});

export const autostart = defineCommand({
  name: "autostart",
  group: "domain",
  summary: "autostart a domain",
  description: "Configure a domain to be automatically started at boot.",
  options: {
    domain: opt.domain(),
    disable: opt.bool("disable autostarting"),
  },
  async handler(ctx, opts) {
    const dom = await commandDomain(ctx, opts.domain);
    const label = opts.domain ?? "";
    const un = opts.disable ? "un" : "";
    try {
      await dom.setAutostart(!opts.disable);
    } catch (e) {
      throw new VshError(`Failed to ${un}mark domain '${label}' as autostarted`, { cause: e });
    }
    return new Result().extra(`Domain '${label}' ${un}marked as autostarted\n`);
  },
});

interface DoomedVolume {
  target: string;
  source: string;
  vol: { pool: string; name: string; key: string };
}

/** The volumes `undefine --storage/--remove-all-storage` would delete, found as virsh does. */
async function volumesToRemove(
  ctx: ShellContext,
  dom: Domain,
  wanted: string[] | undefined,
  r: Result,
): Promise<DoomedVolume[] | null> {
  let doc: XmlElement;
  try {
    doc = parseXml(await dom.xmlDesc(0), "(domain_definition)");
  } catch (e) {
    throw new VshError("Could not retrieve domain XML description", { cause: e });
  }
  const pending = wanted ? [...wanted] : undefined;
  const found: DoomedVolume[] = [];
  for (const disk of devices(doc, "disk")) {
    const target = child(disk, "target")?.attrs.dev ?? "";
    const src = child(disk, "source");
    const source = firstAttr(src, ["file", "dir", "name", "dev", "volume"]) ?? "";
    if (source === "") continue;
    if (pending) {
      const i = pending.findIndex((w) => w === target || w === source);
      if (i < 0) continue;
      pending[i] = "";
    }
    const pool = src?.attrs.pool;
    let vol;
    try {
      if (pool) {
        let poolRef;
        try {
          poolRef = (await ctx.conn.call("storagePoolLookupByName", { name: pool })).pool;
        } catch {
          r.print(`Storage pool '${pool}' for volume '${target}' not found.`);
          continue;
        }
        vol = (await ctx.conn.call("storageVolLookupByName", { pool: poolRef, name: source }))
          .vol;
      } else {
        vol = (await ctx.conn.call("storageVolLookupByPath", { path: source })).vol;
      }
    } catch {
      r.error(
        `Storage volume '${target}'(${source}) is not managed by libvirt. Remove it manually.\n`,
      );
      continue;
    }
    found.push({ target, source, vol });
  }
  if (pending) {
    let missing = false;
    for (const w of pending) {
      if (w === "") continue;
      r.error(`Volume '${w}' was not found in domain's definition.\n`);
      missing = true;
    }
    if (missing) return null;
  }
  return found;
}

export const undefine = defineCommand({
  name: "undefine",
  group: "domain",
  summary: "undefine a domain",
  description: "Undefine an inactive domain, or convert persistent to transient.",
  json: "the domain's name and the volumes removed",
  options: {
    domain: opt.domain(),
    "managed-save": opt.bool("remove domain managed state file"),
    storage: opt.string(
      "remove associated storage volumes (comma separated list of targets or source paths) (see domblklist)",
      { emptyOk: true },
    ),
    "remove-all-storage": opt.bool("remove all associated storage volumes (use with caution)"),
    "delete-snapshots": opt.alias("delete-storage-volume-snapshots"),
    "delete-storage-volume-snapshots": opt.bool(
      "delete snapshots associated with volume(s), requires --remove-all-storage (must be supported by storage driver)",
    ),
    "wipe-storage": opt.bool("wipe data on the removed volumes"),
    "snapshots-metadata": opt.bool("remove all domain snapshot metadata (vm must be inactive)"),
    "checkpoints-metadata": opt.bool(
      "remove all domain checkpoint metadata (vm must be inactive)",
    ),
    nvram: opt.bool("remove nvram file"),
    "keep-nvram": opt.bool("keep nvram file"),
    tpm: opt.bool("remove TPM state"),
    "keep-tpm": opt.bool("keep TPM state"),
  },
  async handler(ctx, opts) {
    const removeAll = opts["remove-all-storage"];
    const deleteSnapshots = opts["delete-storage-volume-snapshots"];
    requires("delete-storage-volume-snapshots", deleteSnapshots, "remove-all-storage", removeAll);
    exclusive("nvram", opts.nvram, "keep-nvram", opts["keep-nvram"]);
    exclusive("tpm", opts.tpm, "keep-tpm", opts["keep-tpm"]);
    // virsh reads --storage quietly: an empty list is no list.
    const volString = opts.storage || undefined;
    if (volString === undefined && !removeAll && opts["wipe-storage"]) {
      throw new VshError(
        "'--wipe-storage' requires '--storage <string>' or '--remove-all-storage'",
      );
    }
    let flags = 0;
    if (opts["managed-save"]) flags |= UndefineFlags.MANAGED_SAVE;
    if (opts["snapshots-metadata"]) flags |= UndefineFlags.SNAPSHOTS_METADATA;
    if (opts["checkpoints-metadata"]) flags |= UndefineFlags.CHECKPOINTS_METADATA;
    if (opts.nvram) flags |= UndefineFlags.NVRAM;
    if (opts["keep-nvram"]) flags |= UndefineFlags.KEEP_NVRAM;
    if (opts.tpm) flags |= UndefineFlags.TPM;
    if (opts["keep-tpm"]) flags |= UndefineFlags.KEEP_TPM;

    const dom = await commandDomain(ctx, opts.domain);
    const label = opts.domain ?? "";
    const running = await dom.isActive();
    let hasManagedSave = false;
    let snapshots = 0;
    let snapshotsMetadata = 0;
    let managedSaveSafe = opts["managed-save"];
    let snapshotsSafe = opts["snapshots-metadata"];
    if (!running) {
      try {
        hasManagedSave = await dom.hasManagedSave();
      } catch (e) {
        if (errorCode(e) !== ErrorCode.NO_SUPPORT) throw e;
      }
      try {
        snapshots = await dom.snapshotCount(0);
      } catch (e) {
        if (errorCode(e) !== ErrorCode.NO_SUPPORT) throw e;
      }
      if (snapshots) {
        try {
          // VIR_DOMAIN_SNAPSHOT_LIST_METADATA
          snapshotsMetadata = await dom.snapshotCount(1 << 1);
          managedSaveSafe = snapshotsSafe = true;
        } catch {
          snapshotsMetadata = snapshots;
        }
      }
    }
    if (!hasManagedSave) {
      flags &= ~UndefineFlags.MANAGED_SAVE;
      managedSaveSafe = true;
    }
    if (snapshots === 0) snapshotsSafe = true;
    if (snapshotsMetadata === 0) {
      flags &= ~UndefineFlags.SNAPSHOTS_METADATA;
      snapshotsSafe = true;
    }

    const r = new Result();
    let volumes: DoomedVolume[] = [];
    if (volString !== undefined || removeAll) {
      if (running) {
        throw new VshError("Storage volume deletion is supported only on stopped domains");
      }
      if (volString !== undefined && removeAll) {
        throw new VshError("Specified both --storage and --remove-all-storage");
      }
      const wanted = volString === undefined
        ? undefined
        : volString.split(",").filter((s) => s !== "");
      const found = await volumesToRemove(ctx, dom, wanted, r);
      if (!found) return r.fail();
      volumes = found;
    }

    let undefined_ = false;
    let failure: unknown;
    if ((managedSaveSafe && snapshotsSafe) || opts.nvram) {
      try {
        await dom.undefine(flags);
        undefined_ = true;
      } catch (e) {
        const code = errorCode(e);
        if (opts.nvram || (code !== ErrorCode.NO_SUPPORT && code !== ErrorCode.INVALID_ARG)) {
          failure = e;
        }
      }
    }
    if (!undefined_ && failure === undefined) {
      if (hasManagedSave) {
        if (!opts["managed-save"]) {
          return r.error("Refusing to undefine while domain managed save image exists").fail();
        }
        await dom.managedSaveRemove();
      }
      if (snapshotsMetadata) {
        const msg = opts["snapshots-metadata"]
          ? `Unable to remove metadata of ${snapshotsMetadata} snapshots`
          : `Refusing to undefine while ${snapshotsMetadata} snapshots exist`;
        return r.error(msg).fail();
      }
      try {
        await dom.undefine(0);
        undefined_ = true;
      } catch (e) {
        failure = e;
      }
    }
    if (!undefined_) {
      r.error(`Failed to undefine domain '${label}'`);
      if (failure instanceof Error) r.error(failure.message);
      return r.fail();
    }
    r.extra(`Domain '${label}' has been undefined\n`);
    r.data = { name: dom.name, volumes: volumes.map((v) => v.source) };

    for (const v of volumes) {
      if (opts["wipe-storage"]) {
        r.extra(`Wiping volume '${v.target}'(${v.source}) ... `);
        try {
          await ctx.conn.call("storageVolWipe", { vol: v.vol, flags: 0 });
        } catch (e) {
          r.error("Failed! Volume not removed.");
          if (e instanceof Error) r.error(e.message);
          r.fail();
          continue;
        }
        r.extra("Done.\n");
      }
      try {
        // VIR_STORAGE_VOL_DELETE_WITH_SNAPSHOTS
        await ctx.conn.call("storageVolDelete", { vol: v.vol, flags: deleteSnapshots ? 2 : 0 });
        r.extra(`Volume '${v.target}'(${v.source}) removed.\n`);
      } catch (e) {
        r.error(`Failed to remove storage volume '${v.target}'(${v.source})`);
        if (e instanceof Error) r.error(e.message);
        r.fail();
      }
    }
    return r;
  },
});

export const save = defineCommand({
  name: "save",
  group: "domain",
  summary: "save a domain state to a file",
  description: "Save the RAM state of a running domain.",
  json: "the domain's name and the file",
  options: {
    domain: opt.domain(),
    file: opt.data("where to save the data", { required: true, complete: "file" }),
    "bypass-cache": opt.bool("avoid file system cache when saving"),
    xml: opt.string("filename containing updated XML for the target", { complete: "file" }),
    running: opt.bool("set domain to be running on restore"),
    paused: opt.bool("set domain to be paused on restore"),
    verbose: opt.bool("display the progress of save"),
  },
  async handler(ctx, opts) {
    const dom = await commandDomain(ctx, opts.domain);
    const to = opts.file ?? "";
    let flags = 0;
    if (opts["bypass-cache"]) flags |= SaveFlags.BYPASS_CACHE;
    if (opts.running) flags |= SaveFlags.RUNNING;
    if (opts.paused) flags |= SaveFlags.PAUSED;
    const xml = opts.xml !== undefined ? await ctx.readFile(opts.xml) : null;
    try {
      await dom.save(ctx.resolvePath(to), xml, flags);
    } catch (e) {
      throw new VshError(`Failed to save domain '${opts.domain}' to ${to}`, { cause: e });
    }
    const r = new Result();
    // virsh's progress watcher ends with the finished job's line (on stderr).
    if (opts.verbose) r.stderr("\rSave: [100 %]");
    r.extra(`\nDomain '${opts.domain}' saved to ${to}\n`);
    r.data = { name: dom.name, file: to };
    return r;
  },
});

export const restore = defineCommand({
  name: "restore",
  group: "domain",
  summary: "restore a domain from a saved state in a file",
  description: "Restore a domain.",
  json: "the file",
  options: {
    file: opt.data("the state to restore", { required: true, complete: "file" }),
    "bypass-cache": opt.bool("avoid file system cache when restoring"),
    xml: opt.string("filename containing updated XML for the target", { complete: "file" }),
    running: opt.bool("restore domain into running state"),
    paused: opt.bool("restore domain into paused state"),
    "reset-nvram": opt.bool("re-initialize NVRAM from its pristine template"),
  },
  async handler(ctx, opts) {
    const from = opts.file ?? "";
    let flags = 0;
    if (opts["bypass-cache"]) flags |= SaveFlags.BYPASS_CACHE;
    if (opts.running) flags |= SaveFlags.RUNNING;
    if (opts.paused) flags |= SaveFlags.PAUSED;
    if (opts["reset-nvram"]) flags |= SaveFlags.RESET_NVRAM;
    const xml = opts.xml !== undefined ? await ctx.readFile(opts.xml) : null;
    const path = ctx.resolvePath(from);
    try {
      await restoreDomain(ctx.conn, path, xml, flags);
    } catch (e) {
      throw new VshError(`Failed to restore domain from ${from}`, { cause: e });
    }
    const r = new Result().extra(`Domain restored from ${from}\n`);
    r.data = { file: from };
    return r;
  },
});

export const managedsave = defineCommand({
  name: "managedsave",
  group: "domain",
  summary: "managed save of a domain state",
  description: "Save and destroy a running domain, so it can be restarted from\n" +
    "    the same state at a later time.  When the virsh 'start'\n" +
    "    command is next run for the domain, it will automatically\n" +
    "    be started from this saved state.",
  options: {
    domain: opt.domain(),
    "bypass-cache": opt.bool("avoid file system cache when saving"),
    running: opt.bool("set domain to be running on next start"),
    paused: opt.bool("set domain to be paused on next start"),
    verbose: opt.bool("display the progress of save"),
  },
  async handler(ctx, opts) {
    const dom = await commandDomain(ctx, opts.domain);
    let flags = 0;
    if (opts["bypass-cache"]) flags |= SaveFlags.BYPASS_CACHE;
    if (opts.running) flags |= SaveFlags.RUNNING;
    if (opts.paused) flags |= SaveFlags.PAUSED;
    try {
      await dom.managedSave(flags);
    } catch (e) {
      throw new VshError(`Failed to save domain '${opts.domain}' state`, { cause: e });
    }
    const r = new Result();
    if (opts.verbose) r.stderr("\rManagedsave: [100 %]");
    return r.extra(`\nDomain '${opts.domain}' state saved by libvirt\n`);
  },
});

export const managedsaveRemove = defineCommand({
  name: "managedsave-remove",
  group: "domain",
  summary: "Remove managed save of a domain",
  description: "Remove an existing managed save state file from a domain",
  options: { domain: opt.domain() },
  async handler(ctx, opts) {
    const dom = await commandDomain(ctx, opts.domain);
    let has: boolean;
    try {
      has = await dom.hasManagedSave();
    } catch (e) {
      throw new VshError("Failed to check for domain managed save image", { cause: e });
    }
    if (!has) {
      return new Result().extra(
        `Domain '${opts.domain}' has no manage save image; removal skipped`,
      );
    }
    try {
      await dom.managedSaveRemove();
    } catch (e) {
      throw new VshError(`Failed to remove managed save image for domain '${opts.domain}'`, {
        cause: e,
      });
    }
    return new Result().extra(`Removed managedsave image for domain '${opts.domain}'`);
  },
});

export const domrename = defineCommand({
  name: "domrename",
  group: "domain",
  summary: "rename a domain",
  description: "Rename an inactive domain.",
  options: {
    domain: opt.domain("domain name or uuid"),
    "new-name": opt.data("new domain name", { required: true }),
  },
  async handler(ctx, opts) {
    const dom = await commandDomain(ctx, opts.domain);
    await dom.rename(opts["new-name"] ?? "");
    return new Result().extra("Domain successfully renamed\n");
  },
});
