import { assert, assertEquals } from "../test/assert.ts";
import { qemuImg, qemuIo, run, tempDir } from "./_test_util.ts";
import { imageCheck } from "./ops/check.ts";
import { CreateFailed, createImage, type CreateOptions } from "./ops/create.ts";
import { parseImageOptions, parseSize } from "./options.ts";
import { openImage } from "./open.ts";

const CASES: Array<[string, CreateOptions, string[]]> = [
  ["v3", { format: "qcow2", size: 10 << 20 }, ["-f", "qcow2"]],
  ["v2", { format: "qcow2", size: 10 << 20, compat: "0.10" }, ["-f", "qcow2", "-o", "compat=0.10"]],
  ["raw", { format: "raw", size: 5 << 20 }, ["-f", "raw"]],
  ["prealloc", {
    format: "qcow2",
    size: 3 << 20,
    clusterSize: 4096,
    lazyRefcounts: true,
    refcountBits: 8,
    preallocation: "metadata",
  }, [
    "-f",
    "qcow2",
    "-o",
    "cluster_size=4096,lazy_refcounts=on,refcount_bits=8,preallocation=metadata",
  ]],
  ["tiny", { format: "qcow2", size: 10 << 20, clusterSize: 512, refcountBits: 1 }, [
    "-f",
    "qcow2",
    "-o",
    "cluster_size=512,refcount_bits=1",
  ]],
  ["wide", { format: "qcow2", size: 10 << 20, refcountBits: 64 }, [
    "-f",
    "qcow2",
    "-o",
    "refcount_bits=64",
  ]],
  ["huge", { format: "qcow2", size: 2 ** 50 }, ["-f", "qcow2"]],
];

Deno.test("create writes byte-identical images and the same Formatting line as qemu-img", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    for (const [name, opts, args] of CASES) {
      const size = String(opts.size);
      const expLine = await qemuImg(["create", ...args, `q-${name}`, size], dir);
      const r = await createImage(`${dir}/m-${name}`, opts);
      assertEquals(r.formatting.replace(`${dir}/m-`, "q-") + "\n", expLine, name);
      const a = await Deno.readFile(`${dir}/m-${name}`),
        b = await Deno.readFile(`${dir}/q-${name}`);
      assert(a.length === b.length && a.every((x, i) => x === b[i]), `${name}: images differ`);
    }
    await qemuImg(["create", "-f", "qcow2", "base.qcow2", "4M"], dir);
    const exp = await qemuImg(
      ["create", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", "q-ov"],
      dir,
    );
    const r = await createImage(`${dir}/m-ov`, {
      format: "qcow2",
      backingFile: "base.qcow2",
      backingFormat: "qcow2",
    });
    assertEquals(r.formatting.replace(`${dir}/m-`, "q-") + "\n", exp);
    assertEquals(await Deno.readFile(`${dir}/m-ov`), await Deno.readFile(`${dir}/q-ov`));
  } finally {
    await cleanup();
  }
});

/** A tiny deterministic PRNG for reproducible write patterns. */
function rng(seed: number) {
  return () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
}

Deno.test("qcow2 writes (partial, spanning, over a backing file) pass qemu-img check and compare", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const size = 4 << 20;
    await qemuImg(["create", "-f", "qcow2", "-o", "cluster_size=4096", "base.qcow2", "4M"], dir);
    await qemuIo(`${dir}/base.qcow2`, ["write -P 0x11 0 1M", "write -P 0x22 3M 4k"]);
    const ref = new Uint8Array(size);
    ref.fill(0x11, 0, 1 << 20);
    ref.fill(0x22, 3 << 20, (3 << 20) + 4096);
    for (const [name, refcountBits] of [["a", 16], ["b", 1], ["c", 64]] as const) {
      const expect = ref.slice();
      await createImage(`${dir}/${name}.qcow2`, {
        format: "qcow2",
        backingFile: "base.qcow2",
        backingFormat: "qcow2",
        clusterSize: 4096,
        refcountBits,
      });
      const img = await openImage(`${dir}/${name}.qcow2`);
      const rand = rng(42);
      for (let i = 0; i < 200; i++) {
        const off = Math.floor(rand() * (size - 1));
        const len = Math.min(size - off, 1 + Math.floor(rand() * 20000));
        const data = new Uint8Array(len).fill(1 + (i % 250));
        await img.write(off, data);
        expect.set(data, off);
      }
      await img.writeZeroes(8192, 8192);
      expect.fill(0, 8192, 16384);
      const back = new Uint8Array(size);
      await img.read(0, back);
      await img.close();
      assert(back.every((x, i) => x === expect[i]), `${name}: read back differs`);
      await Deno.writeFile(`${dir}/${name}.raw`, expect);
      const chk = await run("qemu-img", ["check", `${dir}/${name}.qcow2`]);
      assertEquals(chk.code, 0, chk.stdout + chk.stderr);
      const cmp = await run("qemu-img", ["compare", `${dir}/${name}.qcow2`, `${dir}/${name}.raw`]);
      assertEquals(cmp.stdout, "Images are identical.\n");
    }
  } finally {
    await cleanup();
  }
});

Deno.test("check reports and repairs like qemu-img check", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await qemuImg(["create", "-f", "qcow2", "k.qcow2", "10M"], dir);
    await qemuIo(`${dir}/k.qcow2`, ["write -P 1 0 192k"]);
    // Cluster 5 (data) gets refcount 2: one leak. Cluster 6 gets 0: one corruption.
    const f = await Deno.open(`${dir}/k.qcow2`, { read: true, write: true });
    await f.seek(0x20000 + 10, Deno.SeekMode.Start);
    await f.write(new Uint8Array([0, 2, 0, 0]));
    f.close();
    for (const [file, repair] of [["k.qcow2", "none"], ["kl.qcow2", "leaks"]] as const) {
      if (file === "kl.qcow2") {
        await Deno.copyFile(`${dir}/k.qcow2`, `${dir}/kl.qcow2`);
        const g = await Deno.open(`${dir}/kl.qcow2`, { read: true, write: true });
        await g.seek(0x20000 + 12, Deno.SeekMode.Start);
        await g.write(new Uint8Array([0, 1]));
        g.close();
        await Deno.copyFile(`${dir}/kl.qcow2`, `${dir}/kq.qcow2`);
      }
      const args = repair === "none" ? [] : ["-r", repair];
      const target = file === "kl.qcow2" ? "kq.qcow2" : file;
      const exp = await run("qemu-img", ["check", ...args, "--output=json", `${dir}/${target}`]);
      const r = await imageCheck(`${dir}/${file}`, { repair });
      assertEquals(r.jsonText.replace("/kl.qcow2", "/kq.qcow2") + "\n", exp.stdout);
      assertEquals(r.stderr, exp.stderr);
      assertEquals(r.exitCode, exp.code);
      const human = await run("qemu-img", ["check", target], dir);
      const again = await imageCheck(`${dir}/${file}`);
      assertEquals(again.text, human.stdout);
    }
  } finally {
    await cleanup();
  }
});

Deno.test("check -r leaks|all on a too-low refcount of a shared cluster matches qemu-img", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await qemuImg(["create", "-f", "qcow2", "k.qcow2", "10M"], dir);
    await qemuIo(`${dir}/k.qcow2`, ["write -P 1 0 192k"]);
    await qemuImg(["snapshot", "-c", "s", "k.qcow2"], dir);
    const f = await Deno.open(`${dir}/k.qcow2`, { read: true, write: true });
    await f.seek(0x20000 + 10, Deno.SeekMode.Start);
    await f.write(new Uint8Array([0, 1]));
    f.close();
    for (const repair of ["none", "leaks", "all"] as const) {
      await Deno.copyFile(`${dir}/k.qcow2`, `${dir}/q.qcow2`);
      await Deno.copyFile(`${dir}/k.qcow2`, `${dir}/m.qcow2`);
      const args = repair === "none" ? [] : ["-r", repair];
      const exp = await run("qemu-img", ["check", ...args, "q.qcow2"], dir);
      const got = await imageCheck(`${dir}/m.qcow2`, { repair });
      assertEquals(got.text, exp.stdout, repair);
      assertEquals(got.stderr, exp.stderr, repair);
      assertEquals(got.exitCode, exp.code, repair);
    }
  } finally {
    await cleanup();
  }
});

Deno.test("check -r all rebuilds refcounts, and repairs free clusters, byte for byte as qemu-img", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await qemuImg(["create", "-f", "qcow2", "k.qcow2", "10M"], dir);
    await qemuIo(`${dir}/k.qcow2`, ["write -P 1 0 192k"]);
    const poke = async (file: string, at: number, bytes: number[]) => {
      const f = await Deno.open(`${dir}/${file}`, { read: true, write: true });
      await f.seek(at, Deno.SeekMode.Start);
      await f.write(new Uint8Array(bytes));
      f.close();
    };
    await Deno.copyFile(`${dir}/k.qcow2`, `${dir}/free.qcow2`);
    // Cluster 5 leaks (refcount 2) and cluster 6 has refcount 0 though referenced: a rebuild.
    await poke("k.qcow2", 0x20000 + 10, [0, 2, 0, 0]);
    // The L2 entry of guest cluster 2 cleared: host cluster 7 leaks and is freed by the repair.
    await poke("free.qcow2", 0x40000 + 16, [0, 0, 0, 0, 0, 0, 0, 0]);
    for (const [file, repair] of [["k.qcow2", "all"], ["free.qcow2", "leaks"]] as const) {
      await Deno.copyFile(`${dir}/${file}`, `${dir}/q-${file}`);
      const exp = await run("qemu-img", ["check", "-r", repair, `q-${file}`], dir);
      const got = await imageCheck(`${dir}/${file}`, { repair });
      assertEquals(got.stderr, exp.stderr, file);
      assertEquals(got.text, exp.stdout, file);
      assertEquals(got.exitCode, exp.code, file);
      assertEquals(
        await Deno.readFile(`${dir}/${file}`),
        await Deno.readFile(`${dir}/q-${file}`),
        file,
      );
    }
  } finally {
    await cleanup();
  }
});

Deno.test("sizes and -o options parse like qemu-img, with its messages", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const err = async (args: string[]) => (await run("qemu-img", args, dir)).stderr;
    for (const s of ["1.5M", "0.1k", "1000", "4k", "1e"]) {
      const line = (await run("qemu-img", ["create", "-f", "qcow2", "x.qcow2", s], dir)).stdout;
      assertEquals(line.match(/ size=(\d+)/)?.[1], String(BigInt(parseSize(s))), s);
    }
    const bad = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return `qemu-img: ${(e as Error).message}\n`;
      }
      return "";
    };
    assertEquals(
      bad(() => parseSize("1.5X")),
      await err(["create", "-f", "qcow2", "x.qcow2", "1.5X"]),
    );
    for (const o of ["foo=bar", "lazy_refcounts=maybe", "cluster_size=abc"]) {
      assertEquals(
        bad(() => parseImageOptions("qcow2", o, "x.qcow2")),
        await err(["create", "-f", "qcow2", "-o", o, "x.qcow2", "1M"]),
        o,
      );
    }
    const opts = parseImageOptions("qcow2", "cluster_size=4k,lazy_refcounts=on,compat=1.1", "x");
    assertEquals(opts, { clusterSize: 4096, lazyRefcounts: true, compat: "1.1" });
    const tooBig = await run("qemu-img", ["create", "-f", "qcow2", `${dir}/y.qcow2`, "1E"]);
    const e = await createImage(`${dir}/y.qcow2`, { format: "qcow2", size: parseSize("1E") }).then(
      () => null,
      (e) => e,
    );
    assert(e instanceof CreateFailed, String(e));
    assertEquals(e.formatting + "\n", tooBig.stdout);
    assertEquals(`qemu-img: ${e.message}\n`, tooBig.stderr);
  } finally {
    await cleanup();
  }
});
