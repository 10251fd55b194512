import { assert, assertEquals, assertRejects } from "../test/assert.ts";
import { qemuImg, qemuIo, run, tempDir } from "./_test_util.ts";
import { imageCheck } from "./ops/check.ts";
import { imageInfo } from "./ops/info.ts";
import { imageMap } from "./ops/map.ts";
import { openImage } from "./open.ts";

async function sameOutputs(dir: string, f: string) {
  const info = await imageInfo(`${dir}/${f}`);
  assertEquals(info.text, await qemuImg(["info", `${dir}/${f}`]), `info ${f}`);
  assertEquals(info.jsonText + "\n", await qemuImg(["info", "--output=json", `${dir}/${f}`]));
  const map = await imageMap(`${dir}/${f}`);
  assertEquals(map.jsonText, await qemuImg(["map", "--output=json", `${dir}/${f}`]), `map ${f}`);
}

async function readsLike(dir: string, f: string) {
  const dev = await openImage(`${dir}/${f}`, { readOnly: true });
  const buf = new Uint8Array(dev.size);
  await dev.read(0, buf);
  await dev.close();
  await Deno.writeFile(`${dir}/${f}.raw`, buf);
  const cmp = await run("qemu-img", ["compare", "-F", "raw", f, `${f}.raw`], dir);
  assertEquals(cmp.stdout, "Images are identical.\n", f);
}

Deno.test("zstd-compressed and extended-L2 images read, info and map like qemu-img", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await qemuImg(["create", "-f", "qcow2", "src.qcow2", "4M"], dir);
    await qemuIo(`${dir}/src.qcow2`, ["write -P 1 0 300k", "write -P 2 1M 64k"]);
    await qemuImg([
      "convert",
      "-c",
      "-O",
      "qcow2",
      "-o",
      "compression_type=zstd",
      "src.qcow2",
      "zs.qcow2",
    ], dir);
    await qemuImg(["create", "-f", "qcow2", "-o", "extended_l2=on", "xl.qcow2", "4M"], dir);
    await qemuIo(`${dir}/xl.qcow2`, ["write -P 1 0 4k", "write -P 2 70k 10k", "write -z 200k 64k"]);
    await qemuImg([
      "create",
      "-f",
      "qcow2",
      "-b",
      "xl.qcow2",
      "-F",
      "qcow2",
      "-o",
      "extended_l2=on",
      "xlt.qcow2",
    ], dir);
    await qemuIo(`${dir}/xlt.qcow2`, ["write -P 3 66k 2k"]);
    for (const f of ["zs.qcow2", "xl.qcow2", "xlt.qcow2"]) {
      await readsLike(dir, f);
      await sameOutputs(dir, f);
    }
  } finally {
    await cleanup();
  }
});

Deno.test("dirty bit: reported, and refcounts rebuilt when opened for writing", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await qemuImg(["create", "-f", "qcow2", "-o", "lazy_refcounts=on", "lz.qcow2", "4M"], dir);
    await run("qemu-io", ["-c", "write -P 7 0 200k", "-c", "sigraise 9", `${dir}/lz.qcow2`]);
    const info = await imageInfo(`${dir}/lz.qcow2`);
    assert(info.images[0].dirty, "dirty flag expected");
    await sameOutputs(dir, "lz.qcow2");
    const img = await openImage(`${dir}/lz.qcow2`);
    await img.write(300 * 1024, new Uint8Array(4096).fill(8));
    await img.close();
    const chk = await run("qemu-img", ["check", "lz.qcow2"], dir);
    assertEquals(chk.code, 0, chk.stdout + chk.stderr);
    const expect = new Uint8Array(4 << 20);
    expect.fill(7, 0, 200 * 1024);
    expect.fill(8, 300 * 1024, 304 * 1024);
    await Deno.writeFile(`${dir}/expect.raw`, expect);
    const cmp = await run("qemu-img", ["compare", "lz.qcow2", "expect.raw"], dir);
    assertEquals(cmp.stdout, "Images are identical.\n");
    assert(!(await imageInfo(`${dir}/lz.qcow2`)).images[0].dirty);
  } finally {
    await cleanup();
  }
});

Deno.test("corrupt bit: readable, never opened for writing", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await qemuImg(["create", "-f", "qcow2", "c.qcow2", "1M"], dir);
    const f = await Deno.open(`${dir}/c.qcow2`, { read: true, write: true });
    await f.seek(79, Deno.SeekMode.Start);
    await f.write(new Uint8Array([2]));
    f.close();
    await sameOutputs(dir, "c.qcow2");
    await assertRejects(() => openImage(`${dir}/c.qcow2`), Error, "Image is corrupt");
    const ro = await openImage(`${dir}/c.qcow2`, { readOnly: true });
    await ro.read(0, new Uint8Array(512));
    await ro.close();
  } finally {
    await cleanup();
  }
});

Deno.test("persistent bitmaps: reported and counted like qemu-img, dropped cleanly on write", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await qemuImg(["create", "-f", "qcow2", "bm.qcow2", "10M"], dir);
    await qemuIo(`${dir}/bm.qcow2`, ["write -P 1 0 1M"]);
    await qemuImg(["bitmap", "--add", "bm.qcow2", "b0"], dir);
    await qemuImg(["bitmap", "--add", "-g", "128k", "bm.qcow2", "b1"], dir);
    await sameOutputs(dir, "bm.qcow2");
    const chk = await imageCheck(`${dir}/bm.qcow2`);
    assertEquals(chk.text, await qemuImg(["check", `${dir}/bm.qcow2`]));
    const img = await openImage(`${dir}/bm.qcow2`);
    await img.write(2 << 20, new Uint8Array(65536).fill(9));
    await img.close();
    const after = await run("qemu-img", ["check", "bm.qcow2"], dir);
    assertEquals(after.code, 0, after.stdout + after.stderr);
    assert(!(await qemuImg(["info", `${dir}/bm.qcow2`])).includes("bitmaps:"));
  } finally {
    await cleanup();
  }
});
