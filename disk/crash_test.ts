// The qcow2 layer stopped after each of its writes, in process, so that every write point of a
// workload is covered deterministically: qemu-img check must find nothing worse than leaks and
// missing COPIED flags. test/images/crash_kill_test.ts is the crash test of whole vsh processes
// killed at random moments of the image commands.

import { assert } from "../test/assert.ts";
import { qemuImg, qemuIo, run, tempDir } from "./_test_util.ts";
import { FileDevice } from "./file.ts";
import { createImage } from "./ops/create.ts";
import { Qcow2Image } from "./qcow2/image.ts";

/** A workload that allocates data, L2 tables, refcount blocks and a new refcount table. */
async function workload(img: Qcow2Image): Promise<void> {
  const cs = img.clusterSize;
  for (let i = 0; i < 40; i++) {
    await img.write(((i * 37) % 200) * cs + (i % 3) * 100, new Uint8Array(cs + 300).fill(i + 1));
    if (i % 10 === 9) await img.flush();
    if (i === 20) await img.createSnapshot("mid");
    // Over 4096 host clusters: the refcount table (one 512-byte cluster) must move.
    if (i === 30) await img.write(1 << 20, new Uint8Array(2560 * 1024).fill(0x5a));
  }
  await img.writeZeroes(0, 4 * cs);
  await img.deleteSnapshot("mid");
  await img.flush();
}

/** Opens `path` with its writes counted; past `stop` writes, each write throws instead. */
function counted(path: string, stop = Infinity): { file: FileDevice; writes: () => number } {
  const file = FileDevice.open(path);
  let n = 0;
  const orig = file.writeSync.bind(file);
  file.writeSync = (off: number, buf: Uint8Array) => {
    if (++n > stop) throw new Error("simulated crash");
    orig(off, buf);
  };
  return { file, writes: () => n };
}

/**
 * qemu-img check finds nothing harmful. Leaks are harmless; so are COPIED flags missing on
 * clusters with refcount 1 (they only cost a copy-on-write). Anything else could let a write
 * damage shared data.
 */
async function assertHarmless(path: string, what: string): Promise<void> {
  const chk = await run("qemu-img", ["check", path]);
  const lines = chk.stderr.split("\n");
  const harmful = lines.filter((l) =>
    l.startsWith("ERROR") && !/^ERROR OFLAG_COPIED \w+ cluster: .*refcount=1$/.test(l)
  );
  const flagSet = lines.some((l) => /OFLAG_COPIED.*entry=8\w{15} /.test(l));
  assert(
    [0, 2, 3].includes(chk.code) && harmful.length === 0 && !flagSet,
    `${what}: ${chk.stdout}${chk.stderr}`,
  );
}

Deno.test("a crash after any write leaves no corruption (at worst leaked clusters)", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const path = `${dir}/c.qcow2`;
    const fresh = () =>
      createImage(path, { format: "qcow2", size: 4 << 20, clusterSize: 512, refcountBits: 64 });
    // Count the writes of a full run first.
    await fresh();
    const probe = counted(path);
    const full = await Qcow2Image.open(probe.file);
    await workload(full);
    assert(full.header.refcountTableOffset !== 512, "the workload must move the refcount table");
    await full.close();
    const total = probe.writes();
    assert(total > 50, `workload too small (${total} writes)`);
    const step = Math.max(1, Math.floor(total / 60));
    for (let stop = 1; stop < total; stop += step) {
      await fresh();
      const { file } = counted(path, stop);
      const img = await Qcow2Image.open(file);
      await workload(img).then(() => img.close(), () => file.closeSync());
      await assertHarmless(path, `crash after write ${stop}`);
    }
  } finally {
    await cleanup();
  }
});

Deno.test("a crash after any write of applying a snapshot qemu made leaves no corruption", async () => {
  // qemu's snapshot L1 tables keep the COPIED flags the active table had: once applied, they
  // must not claim the now shared L2 tables as the active state's own.
  const { dir, cleanup } = await tempDir();
  try {
    const path = `${dir}/a.qcow2`, pristine = `${dir}/a0.qcow2`;
    await qemuImg(["create", "-q", "-f", "qcow2", "-o", "cluster_size=512", pristine, "1M"]);
    await qemuIo(pristine, ["write -q -P 1 0 512k"]);
    await qemuImg(["snapshot", "-c", "s1", pristine]);
    await qemuIo(pristine, ["write -q -P 2 64k 64k", "write -q -P 3 640k 64k"]);
    await Deno.copyFile(pristine, path);
    const probe = counted(path);
    const full = await Qcow2Image.open(probe.file);
    await full.applySnapshot("s1");
    await full.close();
    const total = probe.writes();
    for (let stop = 1; stop < total; stop++) {
      await Deno.copyFile(pristine, path);
      const { file } = counted(path, stop);
      const img = await Qcow2Image.open(file);
      await img.applySnapshot("s1").then(() => img.close(), () => file.closeSync());
      await assertHarmless(path, `crash after write ${stop} of ${total}`);
    }
  } finally {
    await cleanup();
  }
});

Deno.test("a crash after any write of image creation leaves no image or a sound one", async () => {
  // The header is written last: before it, the file is no qcow2 image at all.
  const { dir, cleanup } = await tempDir();
  const orig = FileDevice.prototype.writeSync;
  try {
    const path = `${dir}/n.qcow2`;
    let n = 0, stop = Infinity;
    FileDevice.prototype.writeSync = function (off: number, buf: Uint8Array) {
      if (++n > stop) throw new Error("simulated crash");
      orig.call(this, off, buf);
    };
    const create = () => createImage(path, { format: "qcow2", size: 64 << 20, clusterSize: 512 });
    await create();
    const total = n;
    for (stop = 0; stop < total; stop++) {
      n = 0;
      await create().catch(() => {});
      const head = new Uint8Array(4);
      const f = await Deno.open(path);
      await f.read(head);
      f.close();
      if (head.join() === "81,70,73,251") { // "QFI\xfb"
        await assertHarmless(path, `crash after write ${stop} of ${total}`);
      }
    }
  } finally {
    FileDevice.prototype.writeSync = orig;
    await cleanup();
  }
});
