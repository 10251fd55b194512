import { assert } from "../test/assert.ts";
import { run, tempDir } from "./_test_util.ts";
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

Deno.test("a crash after any write leaves no corruption (at worst leaked clusters)", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const path = `${dir}/c.qcow2`;
    // Count the writes of a full run first.
    await createImage(path, { format: "qcow2", size: 4 << 20, clusterSize: 512, refcountBits: 64 });
    const probe = FileDevice.open(path);
    let total = 0;
    const orig = probe.writeSync.bind(probe);
    probe.writeSync = (off: number, buf: Uint8Array) => {
      total++;
      orig(off, buf);
    };
    const full = await Qcow2Image.open(probe);
    await workload(full);
    assert(full.header.refcountTableOffset !== 512, "the workload must move the refcount table");
    await full.close();
    assert(total > 50, `workload too small (${total} writes)`);
    const step = Math.max(1, Math.floor(total / 60));
    for (let stop = 1; stop < total; stop += step) {
      await createImage(path, {
        format: "qcow2",
        size: 4 << 20,
        clusterSize: 512,
        refcountBits: 64,
      });
      const f = FileDevice.open(path);
      let n = 0;
      const w = f.writeSync.bind(f);
      f.writeSync = (off: number, buf: Uint8Array) => {
        if (++n > stop) throw new Error("simulated crash");
        w(off, buf);
      };
      const img = await Qcow2Image.open(f);
      await workload(img).then(() => img.close(), () => f.closeSync());
      const chk = await run("qemu-img", ["check", path]);
      // Leaks are harmless; so are COPIED flags missing on clusters with refcount 1 (they
      // only cost a copy-on-write). Anything else could let a write damage shared data.
      const lines = chk.stderr.split("\n");
      const harmful = lines.filter((l) =>
        l.startsWith("ERROR") && !/^ERROR OFLAG_COPIED \w+ cluster: .*refcount=1$/.test(l)
      );
      const flagSet = lines.some((l) => /OFLAG_COPIED.*entry=8\w{15} /.test(l));
      assert(
        [0, 2, 3].includes(chk.code) && harmful.length === 0 && !flagSet,
        `crash after write ${stop}: ${chk.stdout}${chk.stderr}`,
      );
    }
  } finally {
    await cleanup();
  }
});
