import { assert, assertEquals, assertRejects } from "../test/assert.ts";
import { qemuImg, qemuIo, run, tempDir } from "./_test_util.ts";
import { commitImage } from "./ops/commit.ts";
import { convertImage } from "./ops/convert.ts";
import { createImage } from "./ops/create.ts";
import { imageInfo } from "./ops/info.ts";
import { imageMeasure, type MeasureOptions } from "./ops/measure.ts";
import { rebaseImage } from "./ops/rebase.ts";
import { resizeImage } from "./ops/resize.ts";
import { snapshotApply, snapshotCreate, snapshotDelete, snapshotList } from "./ops/snapshot.ts";
import { openImage } from "./open.ts";

async function clean(dir: string, f: string) {
  const r = await run("qemu-img", ["check", f], dir);
  assertEquals(r.code, 0, `${f}: ${r.stdout}${r.stderr}`);
}

async function same(dir: string, a: string, b: string) {
  const r = await run("qemu-img", ["compare", a, b], dir);
  assertEquals(r.stdout, "Images are identical.\n", `${a} vs ${b}: ${r.stderr}`);
}

Deno.test("measure matches qemu-img measure, text and JSON", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await qemuImg(["create", "-f", "qcow2", "src.qcow2", "10M"], dir);
    await qemuIo(`${dir}/src.qcow2`, ["write -P 1 0 100k", "write -z 1M 64k", "write -P 2 5M 1k"]);
    const cases: Array<[string[], MeasureOptions]> = [
      [["--size", "1G", "-O", "qcow2"], { size: 1 << 30, outputFormat: "qcow2" }],
      [["-O", "qcow2", "src.qcow2"], { source: "src.qcow2", outputFormat: "qcow2" }],
      [["-O", "raw", "src.qcow2"], { source: "src.qcow2", outputFormat: "raw" }],
      [["-O", "qcow2", "-o", "cluster_size=4k,refcount_bits=1", "src.qcow2"], {
        source: "src.qcow2",
        outputFormat: "qcow2",
        clusterSize: 4096,
        refcountBits: 1,
      }],
      [["-O", "qcow2", "-o", "preallocation=metadata", "--size", "5G"], {
        size: 5 * 2 ** 30,
        outputFormat: "qcow2",
        preallocation: "metadata",
      }],
      [["-O", "qcow2", "-o", "preallocation=falloc", "--size", "100M"], {
        size: 100 << 20,
        outputFormat: "qcow2",
        preallocation: "falloc",
      }],
    ];
    for (const [args, opts] of cases) {
      const r = await imageMeasure({ ...opts, source: opts.source && `${dir}/${opts.source}` });
      assertEquals(r.text, await qemuImg(["measure", ...args], dir), args.join(" "));
      assertEquals(r.jsonText + "\n", await qemuImg(["measure", "--output=json", ...args], dir));
    }
  } finally {
    await cleanup();
  }
});

Deno.test("snapshots: create, list, apply, delete keep the image clean and match qemu-img", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await createImage(`${dir}/s.qcow2`, { format: "qcow2", size: 4 << 20, clusterSize: 4096 });
    let img = await openImage(`${dir}/s.qcow2`);
    await img.write(0, new Uint8Array(100000).fill(7));
    await img.close();
    await convertImage(`${dir}/s.qcow2`, `${dir}/state1.raw`);
    await snapshotCreate(`${dir}/s.qcow2`, "one");
    await clean(dir, "s.qcow2");
    img = await openImage(`${dir}/s.qcow2`);
    await img.write(50000, new Uint8Array(200000).fill(9));
    await img.close();
    await convertImage(`${dir}/s.qcow2`, `${dir}/state2.raw`);
    await snapshotCreate(`${dir}/s.qcow2`, "two");
    await clean(dir, "s.qcow2");
    const list = await snapshotList(`${dir}/s.qcow2`);
    assertEquals(list.text, await qemuImg(["snapshot", "-l", "s.qcow2"], dir));
    assertEquals(list.snapshots.map((s) => s.name), ["one", "two"]);
    const info = await imageInfo(`${dir}/s.qcow2`);
    assertEquals(info.text, await qemuImg(["info", `${dir}/s.qcow2`]));
    await snapshotApply(`${dir}/s.qcow2`, "one");
    await clean(dir, "s.qcow2");
    await same(dir, "s.qcow2", "state1.raw");
    await snapshotApply(`${dir}/s.qcow2`, "2");
    await same(dir, "s.qcow2", "state2.raw");
    await snapshotDelete(`${dir}/s.qcow2`, "two");
    await clean(dir, "s.qcow2");
    await qemuImg(["snapshot", "-a", "one", "s.qcow2"], dir);
    await same(dir, "s.qcow2", "state1.raw");
    await snapshotDelete(`${dir}/s.qcow2`, "one");
    await clean(dir, "s.qcow2");
    assertEquals((await snapshotList(`${dir}/s.qcow2`)).text, "");
    await assertRejects(
      () => snapshotDelete(`${dir}/s.qcow2`, "nope"),
      Error,
      "Could not delete snapshot 'nope': snapshot not found",
    );
    // A snapshot qemu-img made is applied by us.
    await qemuImg(["snapshot", "-c", "q", "s.qcow2"], dir);
    await qemuIo(`${dir}/s.qcow2`, ["write -P 5 0 1M"]);
    await snapshotApply(`${dir}/s.qcow2`, "q");
    await same(dir, "s.qcow2", "state1.raw");
    await clean(dir, "s.qcow2");
  } finally {
    await cleanup();
  }
});

Deno.test("resize grows (past the L1 table), shrinks with the flag only, raw and qcow2", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await createImage(`${dir}/r.qcow2`, { format: "qcow2", size: 1 << 20, clusterSize: 4096 });
    const img = await openImage(`${dir}/r.qcow2`);
    await img.write(4096, new Uint8Array(8192).fill(3));
    await img.close();
    const r = await resizeImage(`${dir}/r.qcow2`, 100 << 20);
    assertEquals(r.text, "Image resized.\n");
    await clean(dir, "r.qcow2");
    const j = JSON.parse(await qemuImg(["info", "--output=json", "r.qcow2"], dir));
    assertEquals(j["virtual-size"], 100 << 20);
    await assertRejects(() => resizeImage(`${dir}/r.qcow2`, 1 << 20), Error, "--shrink");
    await resizeImage(`${dir}/r.qcow2`, { delta: -(99 << 20) }, { shrink: true });
    await assertRejects(
      () => resizeImage(`${dir}/r.qcow2`, 6000, { shrink: true }),
      Error,
      "multiple of 512",
    );
    await resizeImage(`${dir}/r.qcow2`, 6144, { shrink: true });
    await clean(dir, "r.qcow2");
    const b = new Uint8Array(8192);
    const again = await openImage(`${dir}/r.qcow2`, { readOnly: true });
    await again.read(0, b);
    await again.close();
    assertEquals(again.size, 6144);
    assert(
      b.subarray(0, 4096).every((x) => x === 0) && b.subarray(4096, 6144).every((x) => x === 3),
    );
    await qemuImg(["create", "-f", "raw", "r.img", "1M"], dir);
    await resizeImage(`${dir}/r.img`, { delta: 1 << 20 });
    assertEquals((await Deno.stat(`${dir}/r.img`)).size, 2 << 20);
  } finally {
    await cleanup();
  }
});

Deno.test("an L1 table longer than a refcount block's range is allocated (resize to 4 GiB of 512-byte clusters)", async () => {
  // 16-bit refcounts in 512-byte clusters: one block covers 256 clusters, and the 1 MiB L1 of a
  // 4 GiB image needs 2048. Blocks placed at the start of each fresh range never left room.
  const { dir, cleanup } = await tempDir();
  try {
    await createImage(`${dir}/r.qcow2`, { format: "qcow2", size: 1 << 20, clusterSize: 512 });
    await qemuIo(`${dir}/r.qcow2`, ["write -P 7 0 512k"]);
    await resizeImage(`${dir}/r.qcow2`, 4096 * (1 << 20));
    await clean(dir, "r.qcow2");
    const j = JSON.parse(await qemuImg(["info", "--output=json", "r.qcow2"], dir));
    assertEquals(j["virtual-size"], 4096 * (1 << 20));
    await qemuIo(`${dir}/r.qcow2`, ["read -P 7 0 512k", "read -P 0 512k 512k"]);
  } finally {
    await cleanup();
  }
});

Deno.test("rebase (safe keeps content, unsafe rewrites the header) and commit", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await qemuImg(["create", "-f", "qcow2", "b1.qcow2", "4M"], dir);
    await qemuIo(`${dir}/b1.qcow2`, ["write -P 1 0 2M"]);
    await qemuImg(["create", "-f", "qcow2", "b2.qcow2", "4M"], dir);
    await qemuIo(`${dir}/b2.qcow2`, ["write -P 2 1M 2M"]);
    await qemuImg(["create", "-f", "qcow2", "-b", "b1.qcow2", "-F", "qcow2", "top.qcow2"], dir);
    await qemuIo(`${dir}/top.qcow2`, ["write -P 3 512k 64k"]);
    await qemuImg(["convert", "-O", "raw", "top.qcow2", "before.raw"], dir);
    await rebaseImage(`${dir}/top.qcow2`, "b2.qcow2", { backingFormat: "qcow2" });
    await clean(dir, "top.qcow2");
    await same(dir, "top.qcow2", "before.raw");
    const info = await imageInfo(`${dir}/top.qcow2`);
    assertEquals(info.images[0].backingFilename, "b2.qcow2");
    assertEquals(info.text, await qemuImg(["info", `${dir}/top.qcow2`]));
    await rebaseImage(`${dir}/top.qcow2`, "b1.qcow2", { backingFormat: "qcow2", unsafe: true });
    assertEquals((await imageInfo(`${dir}/top.qcow2`)).images[0].backingFilename, "b1.qcow2");
    await rebaseImage(`${dir}/top.qcow2`, "b2.qcow2", { backingFormat: "qcow2", unsafe: true });
    await same(dir, "top.qcow2", "before.raw");
    assertEquals(await commitImage(`${dir}/top.qcow2`), "Image committed.\n");
    await clean(dir, "top.qcow2");
    await clean(dir, "b2.qcow2");
    await same(dir, "b2.qcow2", "before.raw");
    await same(dir, "top.qcow2", "before.raw");
    const map = JSON.parse(await qemuImg(["map", "--output=json", "top.qcow2"], dir));
    assert(map.every((e: { depth: number }) => e.depth > 0), "top is empty after commit");
    await rebaseImage(`${dir}/top.qcow2`, "", {});
    await same(dir, "top.qcow2", "before.raw");
    assertEquals((await imageInfo(`${dir}/top.qcow2`)).images[0].backingFilename, undefined);
    await clean(dir, "top.qcow2");
  } finally {
    await cleanup();
  }
});

Deno.test("resize, rebase and create refuse what qemu-img refuses, in its words", async () => {
  const { dir, cleanup } = await tempDir();
  // The library's message, framed as qemu-img frames its own.
  const ours = (p: Promise<unknown>) => p.then(() => "", (e) => `qemu-img: ${e.message}\n`);
  const theirs = async (args: string[]) => (await run("qemu-img", args, dir)).stderr;
  try {
    for (const name of ["q1.qcow2", "q2.qcow2"]) {
      await qemuImg(["create", "-q", "-f", "qcow2", name, "1M"], dir);
    }
    assertEquals(
      await ours(resizeImage(`${dir}/q1.qcow2`, 1048577)),
      await theirs(["resize", "q2.qcow2", "1048577"]),
    );
    assertEquals(
      await ours(resizeImage(`${dir}/q1.qcow2`, { delta: 100 })),
      await theirs(["resize", "q2.qcow2", "+100"]),
    );
    // Raw takes any size; the file is exactly that long, the image whole sectors.
    await qemuImg(["create", "-q", "-f", "raw", "r.raw", "1M"], dir);
    await resizeImage(`${dir}/r.raw`, 1048577);
    assertEquals((await Deno.stat(`${dir}/r.raw`)).size, 1048577);
    assertEquals((await imageInfo(`${dir}/r.raw`)).images[0].virtualSize, 1049088);

    await qemuImg(["create", "-q", "-f", "qcow2", "base.qcow2", "1M"], dir);
    for (const t of ["t1.qcow2", "t2.qcow2"]) {
      await qemuImg(["create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", t], dir);
    }
    for (const unsafe of [false, true]) {
      const args = unsafe ? ["-u"] : [];
      for (const [backing, fmt] of [["base.qcow2", undefined], ["missing.qcow2", "qcow2"]]) {
        const q = await theirs([
          "rebase",
          ...args,
          "-b",
          backing!,
          ...(fmt ? ["-F", fmt] : []),
          "t2.qcow2",
        ]);
        const v = await ours(
          rebaseImage(`${dir}/t1.qcow2`, backing, { backingFormat: fmt, unsafe }),
        );
        assertEquals(v.replaceAll(`${dir}/`, ""), q, `${args} ${backing}`);
        assertEquals(
          (await qemuImg(["info", "t1.qcow2"], dir)).replace("t1", "t2"),
          await qemuImg(["info", "t2.qcow2"], dir),
        );
      }
    }
    await qemuImg(["create", "-q", "-f", "raw", "plain.raw", "1M"], dir);
    assertEquals(
      await ours(rebaseImage(`${dir}/plain.raw`, "base.qcow2", { backingFormat: "qcow2" })),
      await theirs(["rebase", "-f", "raw", "-b", "base.qcow2", "-F", "qcow2", "plain.raw"]),
    );

    const created = await ours(
      createImage(`${dir}/c.qcow2`, { format: "qcow2", size: 1 << 20, compat: "2" }),
    );
    const qc = await theirs([
      "create",
      "-q",
      "-f",
      "qcow2",
      "-o",
      "compat=2",
      `${dir}/c.qcow2`,
      "1M",
    ]);
    assertEquals(created, qc);
    const conv = await ours(
      convertImage(`${dir}/base.qcow2`, `${dir}/c.qcow2`, {
        outputFormat: "qcow2",
        create: { compat: "2" },
      }),
    );
    const qconv = await theirs([
      "convert",
      "-O",
      "qcow2",
      "-o",
      "compat=2",
      "base.qcow2",
      `${dir}/c.qcow2`,
    ]);
    assertEquals(conv, qconv);
    const missingDir = await ours(
      convertImage(`${dir}/base.qcow2`, `${dir}/no/c.qcow2`, { outputFormat: "qcow2" }),
    );
    assertEquals(
      missingDir,
      await theirs(["convert", "-O", "qcow2", "base.qcow2", `${dir}/no/c.qcow2`]),
    );
    assertEquals([...Deno.readDirSync(dir)].filter((e) => e.name.startsWith(".")), []);
  } finally {
    await cleanup();
  }
});
