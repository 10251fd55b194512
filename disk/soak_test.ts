import { assert, assertEquals } from "../test/assert.ts";
import { run, tempDir } from "./_test_util.ts";
import { convertImage } from "./ops/convert.ts";
import { createImage } from "./ops/create.ts";
import type { Qcow2Image } from "./qcow2/image.ts";
import { openImage } from "./open.ts";

function rng(seed: number) {
  return () => {
    seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return seed / 2 ** 32;
  };
}

// Random writes, zeroing, snapshots (create, apply, delete) and resizes against an in-memory
// model of the content; qemu-img check must stay clean and the content must match throughout.
Deno.test("random operation sequences keep qcow2 images consistent", async () => {
  const { dir, cleanup } = await tempDir();
  let snapshotsChecked = 0;
  try {
    for (const [cluster, bits, seed] of [[512, 4, 1], [4096, 16, 2], [65536, 8, 3]] as const) {
      const rand = rng(seed);
      const path = `${dir}/s-${cluster}.qcow2`;
      let size = 2 << 20;
      await createImage(path, { format: "qcow2", size, clusterSize: cluster, refcountBits: bits });
      let model = new Uint8Array(size);
      const snaps = new Map<string, Uint8Array>();
      let img = await openImage(path) as Qcow2Image;
      for (let op = 0; op < 60; op++) {
        const r = rand();
        if (r < 0.5) {
          const off = Math.floor(rand() * size),
            len = Math.min(size - off, 1 + Math.floor(rand() * 3 * cluster));
          const data = new Uint8Array(len).fill(1 + op);
          await img.write(off, data);
          model.set(data, off);
        } else if (r < 0.62) {
          const off = Math.floor(rand() * size),
            len = Math.min(size - off, Math.floor(rand() * 4 * cluster));
          await img.writeZeroes(off, len);
          model.fill(0, off, off + len);
        } else if (r < 0.74 && snaps.size < Math.min(3, 2 ** bits - 3)) {
          const name = `s${op}`;
          await img.createSnapshot(name);
          snaps.set(name, model.slice());
        } else if (r < 0.84 && snaps.size) {
          const name = [...snaps.keys()][Math.floor(rand() * snaps.size)];
          await img.applySnapshot(name);
          model = snaps.get(name)!.slice();
          size = model.length;
        } else if (r < 0.94 && snaps.size) {
          const name = [...snaps.keys()][0];
          await img.deleteSnapshot(name);
          snaps.delete(name);
        } else if (!snaps.size) {
          const grow = rand() < 0.6;
          const next = grow ? size + Math.floor(rand() * (1 << 20)) : Math.floor(size * 0.7);
          await img.resize(next);
          const m = new Uint8Array(img.size);
          m.set(model.subarray(0, Math.min(model.length, m.length)));
          model = m;
          size = img.size;
        }
        if (op % 15 === 14 || op === 59) {
          await img.close();
          const chk = await run("qemu-img", ["check", path]);
          assertEquals(chk.code, 0, `cluster ${cluster} op ${op}: ${chk.stdout}${chk.stderr}`);
          img = await openImage(path) as Qcow2Image;
          const back = new Uint8Array(img.size);
          await img.read(0, back);
          assert(back.length === model.length, `size ${back.length} vs ${model.length}`);
          const bad = back.findIndex((x, i) => x !== model[i]);
          assert(bad < 0, `cluster ${cluster} op ${op}: content differs at ${bad}`);
        }
      }
      await img.close();
      // qemu reads the same active state and snapshots.
      await Deno.writeFile(`${path}.model`, model);
      const cmp = await run("qemu-img", ["compare", "-F", "raw", path, `${path}.model`]);
      assertEquals(cmp.stdout, "Images are identical.\n", `cluster ${cluster}`);
      snapshotsChecked += snaps.size;
      for (const [name, content] of snaps) {
        await Deno.writeFile(`${path}.snap`, content);
        const out = `${path}.${name}.raw`;
        const conv = await run("qemu-img", [
          "convert",
          "-l",
          `snapshot.name=${name}`,
          "-O",
          "raw",
          path,
          out,
        ]);
        assertEquals(conv.code, 0, conv.stderr);
        const c2 = await run("qemu-img", [
          "compare",
          "-f",
          "raw",
          "-F",
          "raw",
          out,
          `${path}.snap`,
        ]);
        assertEquals(c2.stdout, "Images are identical.\n", `snapshot ${name}`);
      }
    }
    assert(snapshotsChecked > 0, "no snapshot survived to be checked by qemu-img");
  } finally {
    await cleanup();
  }
});

Deno.test("random operations over compressed clusters and a backing file stay consistent", async () => {
  const { dir, cleanup } = await tempDir();
  let snapshotsChecked = 0;
  try {
    for (const [cluster, bits, seed] of [[512, 4, 21], [4096, 16, 22]] as const) {
      const rand = rng(seed);
      const path = `${dir}/s-${cluster}.qcow2`;
      let size = 2 << 20;
      const base = `${dir}/base-${cluster}-${seed}.raw`;
      const baseData = new Uint8Array(size);
      for (let i = 0; i < size; i += 4096) {
        if (rand() < 0.5) baseData.fill(i / 4096 % 200 + 1, i, i + 4096);
      }
      await Deno.writeFile(base, baseData);
      const mid = `${dir}/mid-${cluster}-${seed}.qcow2`;
      await convertImage(base, mid, {
        outputFormat: "qcow2",
        compress: true,
        create: { clusterSize: cluster, refcountBits: bits },
      });
      await createImage(path, {
        format: "qcow2",
        backingFile: mid,
        backingFormat: "qcow2",
        clusterSize: cluster,
        refcountBits: bits,
      });
      await convertImage(path, path + ".c", {
        outputFormat: "qcow2",
        compress: true,
        create: { clusterSize: cluster, refcountBits: bits },
      });
      await Deno.rename(path + ".c", path);
      let model = baseData.slice();
      const snaps = new Map<string, Uint8Array>();
      let img = await openImage(path) as Qcow2Image;
      for (let op = 0; op < 60; op++) {
        const r = rand();
        if (r < 0.5) {
          const off = Math.floor(rand() * size),
            len = Math.min(size - off, 1 + Math.floor(rand() * 3 * cluster));
          const data = new Uint8Array(len).fill(1 + op);
          await img.write(off, data);
          model.set(data, off);
        } else if (r < 0.62) {
          const off = Math.floor(rand() * size),
            len = Math.min(size - off, Math.floor(rand() * 4 * cluster));
          await img.writeZeroes(off, len);
          model.fill(0, off, off + len);
        } else if (r < 0.74 && snaps.size < Math.min(3, 2 ** bits - 3)) {
          const name = `s${op}`;
          try {
            await img.createSnapshot(name);
            snaps.set(name, model.slice());
          } catch (e) {
            if (!String(e).includes("would exceed")) throw e;
          }
        } else if (r < 0.84 && snaps.size) {
          const name = [...snaps.keys()][Math.floor(rand() * snaps.size)];
          try {
            await img.applySnapshot(name);
            model = snaps.get(name)!.slice();
            size = model.length;
          } catch (e) {
            if (!String(e).includes("would exceed")) throw e;
          }
        } else if (r < 0.94 && snaps.size) {
          const name = [...snaps.keys()][0];
          await img.deleteSnapshot(name);
          snaps.delete(name);
        } else if (!snaps.size) {
          const grow = rand() < 0.6;
          const next = grow ? size + Math.floor(rand() * (1 << 20)) : Math.floor(size * 0.7);
          await img.resize(next);
          const m = new Uint8Array(img.size);
          m.set(model.subarray(0, Math.min(model.length, m.length)));
          model = m;
          size = img.size;
        }
        if (op % 15 === 14 || op === 59) {
          await img.close();
          const chk = await run("qemu-img", ["check", path]);
          assertEquals(chk.code, 0, `cluster ${cluster} op ${op}: ${chk.stdout}${chk.stderr}`);
          img = await openImage(path) as Qcow2Image;
          const back = new Uint8Array(img.size);
          await img.read(0, back);
          assert(back.length === model.length, `size ${back.length} vs ${model.length}`);
          const bad = back.findIndex((x, i) => x !== model[i]);
          assert(bad < 0, `cluster ${cluster} op ${op}: content differs at ${bad}`);
        }
      }
      await img.close();
      // qemu reads the same active state and snapshots.
      await Deno.writeFile(`${path}.model`, model);
      const cmp = await run("qemu-img", ["compare", "-F", "raw", path, `${path}.model`]);
      assertEquals(cmp.stdout, "Images are identical.\n", `cluster ${cluster}`);
      snapshotsChecked += snaps.size;
      for (const [name, content] of snaps) {
        await Deno.writeFile(`${path}.snap`, content);
        const out = `${path}.${name}.raw`;
        const conv = await run("qemu-img", [
          "convert",
          "-l",
          `snapshot.name=${name}`,
          "-O",
          "raw",
          path,
          out,
        ]);
        assertEquals(conv.code, 0, conv.stderr);
        const c2 = await run("qemu-img", [
          "compare",
          "-f",
          "raw",
          "-F",
          "raw",
          out,
          `${path}.snap`,
        ]);
        assertEquals(c2.stdout, "Images are identical.\n", `snapshot ${name}`);
      }
    }
    assert(snapshotsChecked > 0, "no snapshot survived to be checked by qemu-img");
  } finally {
    await cleanup();
  }
});
