import { assertEquals } from "../test/assert.ts";
import { qemuImg, qemuIo, run, tempDir } from "./_test_util.ts";
import { imageInfo } from "./ops/info.ts";
import { imageMap } from "./ops/map.ts";
import { imageCheck } from "./ops/check.ts";

// Absolute paths on both sides: tests run in parallel, so none may change the working directory.
async function sameInfo(dir: string, file: string, chain = false) {
  const extra = chain ? ["--backing-chain"] : [];
  const path = `${dir}/${file}`;
  const text = await qemuImg(["info", ...extra, path]);
  const json = await qemuImg(["info", ...extra, "--output=json", path]);
  const r = await imageInfo(path, { backingChain: chain });
  assertEquals(r.text, text);
  assertEquals(r.jsonText + "\n", json);
}

async function sameMap(dir: string, file: string) {
  const path = `${dir}/${file}`;
  const r = await imageMap(path);
  assertEquals(r.text, await qemuImg(["map", path]));
  assertEquals(r.jsonText, await qemuImg(["map", "--output=json", path]));
}

Deno.test("info and map match qemu-img for raw, qcow2 v2/v3, backing chains, snapshots", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await qemuImg(["create", "-f", "raw", "r.img", "3M"], dir);
    await qemuIo(`${dir}/r.img`, ["write -P 1 64k 64k"], "raw");
    await qemuImg(["create", "-f", "qcow2", "v3.qcow2", "10M"], dir);
    await qemuIo(`${dir}/v3.qcow2`, ["write -P 0xab 0 128k", "write -z 1M 64k"]);
    await qemuImg(["snapshot", "-c", "first", "v3.qcow2"], dir);
    await qemuIo(`${dir}/v3.qcow2`, ["write -P 0xcd 64k 64k"]);
    await qemuImg(["create", "-f", "qcow2", "-o", "compat=0.10", "v2.qcow2", "5M"], dir);
    await qemuImg([
      "create",
      "-f",
      "qcow2",
      "-o",
      "cluster_size=4096,lazy_refcounts=on,refcount_bits=8,preallocation=metadata",
      "pre.qcow2",
      "3M",
    ], dir);
    await qemuImg(
      ["create", "-f", "qcow2", "-b", "v3.qcow2", "-F", "qcow2", "top.qcow2", "20M"],
      dir,
    );
    await qemuIo(`${dir}/top.qcow2`, ["write -P 3 5M 100k"]);
    await qemuImg(["create", "-f", "qcow2", "-b", "top.qcow2", "-F", "qcow2", "top2.qcow2"], dir);
    await qemuImg(["convert", "-c", "-O", "qcow2", "v3.qcow2", "comp.qcow2"], dir);
    for (
      const f of [
        "r.img",
        "v3.qcow2",
        "v2.qcow2",
        "pre.qcow2",
        "top.qcow2",
        "top2.qcow2",
        "comp.qcow2",
      ]
    ) {
      await sameInfo(dir, f);
      await sameMap(dir, f).catch((e) => {
        if (f !== "comp.qcow2") throw e;
      });
    }
    await sameInfo(dir, "top2.qcow2", true);
    const comp = await imageMap(`${dir}/comp.qcow2`);
    assertEquals(comp.textError, "File contains external, encrypted or compressed clusters.");
    assertEquals(comp.jsonText, await qemuImg(["map", "--output=json", "comp.qcow2"], dir));
  } finally {
    await cleanup();
  }
});

Deno.test("open errors are worded as qemu-img words them", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const msg = async (p: Promise<unknown>) =>
      await p.then(() => "", (e) => `qemu-img: ${e.message}\n`);
    const missing = await run("qemu-img", ["info", `${dir}/nonexist`]);
    assertEquals(await msg(imageInfo(`${dir}/nonexist`)), missing.stderr);
    for (const sub of ["info", "check", "map"]) {
      const onDir = await run("qemu-img", [sub, dir]);
      const ours = sub === "info"
        ? imageInfo(dir)
        : sub === "check"
        ? imageCheck(dir)
        : imageMap(dir);
      assertEquals(await msg(ours), onDir.stderr);
    }
    await qemuImg([
      "create",
      "-f",
      "qcow2",
      "-u",
      "-b",
      "gone.qcow2",
      "-F",
      "qcow2",
      "mb.qcow2",
      "1M",
    ], dir);
    const map = await run("qemu-img", ["map", `${dir}/mb.qcow2`]);
    assertEquals(await msg(imageMap(`${dir}/mb.qcow2`)), map.stderr);
    await qemuImg(["create", "-f", "raw", "r.img", "1M"], dir);
    const wrong = await run("qemu-img", ["info", "-f", "qcow2", `${dir}/r.img`]);
    assertEquals(await msg(imageInfo(`${dir}/r.img`, { format: "qcow2" })), wrong.stderr);
  } finally {
    await cleanup();
  }
});

Deno.test("sizes on a rounding tie print as qemu-img's printf rounds them (half to even)", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    // 192.5 KiB, 193.5 KiB, 1.125 MiB and 1.375 MiB: exact binary halves at three digits.
    for (const size of [197120, 198144, 1152 * 1024, 1408 * 1024]) {
      await qemuImg(["create", "-f", "raw", `t${size}.img`, String(size)], dir);
      await qemuImg(["create", "-f", "qcow2", `t${size}.qcow2`, String(size)], dir);
      await sameInfo(dir, `t${size}.img`);
      await sameInfo(dir, `t${size}.qcow2`);
    }
  } finally {
    await cleanup();
  }
});
