// Commands that change an image's history: internal snapshots, its backing file (rebase), and
// folding it into its backing file (commit).

import type { SnapshotInfo } from "../../disk/mod.ts";
import { defineCommand, opt, Result, VshError } from "../../shell/mod.ts";
import {
  backingFormatProblem,
  checkOpens,
  disk,
  diskLib,
  inputFormat,
  poolOpt,
  readVolumes,
  resolveImage,
} from "./common.ts";

const named = (help: string) => opt.string(help, { namedOnly: true });
const fileOpt = () =>
  opt.data("image file, volume name, path or key", { required: true, complete: "file" });

// The snapshot objects of qemu-img info --output=json.
function snapshotData(s: SnapshotInfo): Record<string, unknown> {
  const o: Record<string, unknown> = {
    id: s.id,
    name: s.name,
    "vm-state-size": s.vmStateSize,
    "date-sec": s.dateSec,
    "date-nsec": s.dateNsec,
    "vm-clock-sec": s.vmClockSec,
    "vm-clock-nsec": s.vmClockNsec,
  };
  if (s.icount !== undefined) o.icount = s.icount;
  return o;
}

/** `image-snapshot`: qemu-img snapshot. */
export const imageSnapshotCmd = defineCommand({
  name: "image-snapshot",
  group: "image",
  summary: "list, create, apply or delete internal snapshots of a disk image",
  description: "Manages the internal snapshots of a qcow2 image that no guest is using, as " +
    "qemu-img snapshot does. Lists them when no other action is given.",
  noConnect: true,
  json: "--list: an array of snapshots as in qemu-img info --output=json; otherwise " +
    "{filename, action, snapshot}",
  options: {
    file: fileOpt(),
    list: opt.bool("list the snapshots (default)"),
    create: named("create a snapshot with this name"),
    apply: named("revert the image to this snapshot (ID or name)"),
    delete: named("delete the snapshot with this name"),
    format: named("image format (probed when omitted)"),
    pool: poolOpt(),
  },
  async handler(ctx, opts) {
    const lib = await diskLib();
    const actions = (["list", "create", "apply", "delete"] as const).filter((a) =>
      a === "list" ? opts.list : opts[a] !== undefined
    );
    if (actions.length > 1) {
      throw new VshError(
        `Options --${actions[0]} and --${actions[1]} are mutually exclusive`,
      );
    }
    const action = actions[0] ?? "list";
    const writer = action === "list" ? undefined : `image-snapshot --${action}`;
    const f = await resolveImage(ctx, opts.file!, opts.pool, writer);
    const format = inputFormat(opts.format, f);
    const r = new Result();
    if (action === "list") {
      const l = await readVolumes(ctx, [f], async () => {
        await checkOpens(f, format, false);
        return await disk([f], () => lib.snapshotList(f.path, format));
      });
      r.print(l.text);
      r.data = l.snapshots.map(snapshotData);
      return r;
    }
    await checkOpens(f, format, false);
    const name = opts[action]!;
    if (action === "create") await disk([f], () => lib.snapshotCreate(f.path, name, format));
    else if (action === "apply") await disk([f], () => lib.snapshotApply(f.path, name, format));
    else await disk([f], () => lib.snapshotDelete(f.path, name, format));
    r.data = { filename: f.shown, action, snapshot: name };
    return r;
  },
});

/** `image-rebase`: qemu-img rebase. */
export const imageRebaseCmd = defineCommand({
  name: "image-rebase",
  group: "image",
  summary: "change the backing file of a disk image",
  description: "Makes BACKING the backing file of an image, as qemu-img rebase does. In the " +
    "default (safe) mode, data that would change is first copied into the image; --unsafe " +
    "only rewrites the reference. An empty BACKING removes the backing file.",
  noConnect: true,
  json: "{filename, backing, backing-format}",
  options: {
    file: fileOpt(),
    backing: opt.data("new backing file, relative to the image's directory ('' for none)", {
      required: true,
      emptyOk: true,
      complete: "file",
    }),
    "backing-format": named("format of the new backing file"),
    format: named("image format (probed when omitted)"),
    unsafe: opt.bool("only rewrite the backing file reference"),
    pool: poolOpt(),
  },
  async handler(ctx, opts) {
    const lib = await diskLib();
    const backing = opts.backing ?? "";
    const f = await resolveImage(ctx, opts.file!, opts.pool, "image-rebase");
    const format = inputFormat(opts.format, f);
    await checkOpens(f, format, !opts.unsafe);
    const backingFormat = opts["backing-format"];
    const why = backingFormatProblem(backingFormat);
    if (why) throw new VshError(`Could not open new backing file '${backing}': ${why}`);
    await disk(
      [f],
      () => lib.rebaseImage(f.path, backing, { format, backingFormat, unsafe: opts.unsafe }),
    );
    const r = new Result();
    r.data = {
      filename: f.shown,
      backing: backing === "" ? null : backing,
      "backing-format": backing === "" ? null : backingFormat,
    };
    return r;
  },
});

/** `image-commit`: qemu-img commit. */
export const imageCommitCmd = defineCommand({
  name: "image-commit",
  group: "image",
  summary: "write a disk image's changes into its backing file",
  description: "Copies the data of an overlay into its backing file and then empties the " +
    "overlay, as qemu-img commit does (--keep leaves the overlay as it was).",
  noConnect: true,
  json: "{filename}",
  options: {
    file: fileOpt(),
    format: named("image format (probed when omitted)"),
    keep: opt.bool("do not empty the overlay after committing"),
    pool: poolOpt(),
  },
  async handler(ctx, opts) {
    const lib = await diskLib();
    const f = await resolveImage(ctx, opts.file!, opts.pool, "image-commit");
    const format = inputFormat(opts.format, f);
    await checkOpens(f, format);
    const text = await disk([f], () => lib.commitImage(f.path, { format, keepTop: opts.keep }));
    const r = new Result().print(text);
    r.data = { filename: f.shown };
    return r;
  },
});
