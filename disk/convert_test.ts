import { assert, assertEquals } from "../test/assert.ts";
import { qemuImg, qemuIo, run, tempDir } from "./_test_util.ts";
import { imageCompare } from "./ops/compare.ts";
import { convertImage } from "./ops/convert.ts";
import { imageMap } from "./ops/map.ts";

Deno.test("convert raw<->qcow2, qcow2->qcow2 and compressed; qemu-img check and compare agree", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await qemuImg(["create", "-f", "qcow2", "base.qcow2", "6M"], dir);
    await qemuIo(`${dir}/base.qcow2`, ["write -P 0x41 0 1M", "write -P 0x42 2M 300k"]);
    await qemuImg(["snapshot", "-c", "s1", "base.qcow2"], dir);
    await qemuIo(`${dir}/base.qcow2`, ["write -P 0x43 512k 64k"]);
    await qemuImg(["create", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", "top.qcow2"], dir);
    await qemuIo(`${dir}/top.qcow2`, ["write -P 0x44 1000k 100k", "write -z 2M 64k"]);
    await qemuImg(["convert", "-c", "-O", "qcow2", "base.qcow2", "qcomp.qcow2"], dir);
    const cases: Array<[string, string, string, boolean]> = [
      ["top.qcow2", "out.raw", "raw", false],
      ["top.qcow2", "out.qcow2", "qcow2", false],
      ["top.qcow2", "outc.qcow2", "qcow2", true],
      ["qcomp.qcow2", "fromcomp.raw", "raw", false],
      ["out.raw", "back.qcow2", "qcow2", false],
    ];
    for (const [src, dst, fmt, compress] of cases) {
      await convertImage(`${dir}/${src}`, `${dir}/${dst}`, { outputFormat: fmt, compress });
      const cmp = await run("qemu-img", ["compare", src, dst], dir);
      assertEquals(cmp.stdout, "Images are identical.\n", `${src} -> ${dst}`);
      if (fmt === "qcow2") {
        const chk = await run("qemu-img", ["check", dst], dir);
        assertEquals(chk.code, 0, chk.stdout + chk.stderr);
      }
      const ours = await imageCompare(`${dir}/${src}`, `${dir}/${dst}`);
      assertEquals(ours.exitCode, 0);
    }
    const m = await imageMap(`${dir}/outc.qcow2`);
    assert(m.entries.some((e) => e.data && e.offset === undefined), "expected compressed clusters");
    const entries = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.startsWith("."));
    assertEquals(entries, [], "no temporary files left");
  } finally {
    await cleanup();
  }
});

Deno.test("compare messages and exit codes match qemu-img compare", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await qemuImg(["create", "-f", "raw", "s1.img", "1M"], dir);
    await qemuImg(["create", "-f", "qcow2", "s2.qcow2", "2M"], dir);
    const same = async (args: string[], a: string, b: string, strict = false) => {
      const exp = await run("qemu-img", ["compare", ...args, a, b], dir);
      const got = await imageCompare(`${dir}/${a}`, `${dir}/${b}`, { strict });
      assertEquals(got.text, exp.stdout, `${a} ${b}`);
      assertEquals(got.exitCode, exp.code);
    };
    await same([], "s1.img", "s2.qcow2");
    await same(["-s"], "s1.img", "s2.qcow2", true);
    await qemuIo(`${dir}/s2.qcow2`, ["write -P 1 1500k 1"]);
    await same([], "s1.img", "s2.qcow2");
    await qemuIo(`${dir}/s1.img`, ["write -P 1 1000 1"], "raw");
    await same([], "s1.img", "s2.qcow2");
    await same([], "s2.qcow2", "s2.qcow2");
    // Strict mode compares allocation as well.
    await qemuImg(["create", "-f", "qcow2", "sa.qcow2", "1M"], dir);
    await qemuImg(["create", "-f", "qcow2", "sb.qcow2", "1M"], dir);
    await qemuIo(`${dir}/sb.qcow2`, ["write -z 64k 64k"]);
    await same(["-s"], "sa.qcow2", "sb.qcow2", true);
    await qemuIo(`${dir}/sa.qcow2`, ["write -P 0 128k 64k"]);
    await same(["-s"], "sa.qcow2", "sb.qcow2", true);
    await qemuImg(["convert", "-O", "qcow2", "sa.qcow2", "sc.qcow2"], dir);
    await same(["-s"], "sa.qcow2", "sc.qcow2", true);
    await same(["-s"], "sa.qcow2", "sa.qcow2", true);
  } finally {
    await cleanup();
  }
});

Deno.test("a raw file of a partial last sector is seen in whole sectors, as qemu sees it", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const bytes = new Uint8Array(1000).map((_, i) => (i * 7 + 1) & 0xff);
    await Deno.writeFile(`${dir}/odd.raw`, bytes);
    const { imageInfo } = await import("./ops/info.ts");
    const info = await imageInfo(`${dir}/odd.raw`);
    assertEquals(info.jsonText + "\n", await qemuImg(["info", "--output=json", `${dir}/odd.raw`]));
    const m = await imageMap(`${dir}/odd.raw`);
    assertEquals(m.jsonText, await qemuImg(["map", "--output=json", `${dir}/odd.raw`]));
    for (const fmt of ["raw", "qcow2"]) {
      await qemuImg(["convert", "-O", fmt, "odd.raw", `q.${fmt}`], dir);
      await convertImage(`${dir}/odd.raw`, `${dir}/v.${fmt}`, { outputFormat: fmt });
      const q = await qemuImg(["info", "--output=json", `q.${fmt}`], dir);
      const v = await qemuImg(["info", "--output=json", `v.${fmt}`], dir);
      assertEquals(
        v.replace(/"v\./, '"q.').replace(/"actual-size": \d+/, ""),
        q.replace(/"actual-size": \d+/, ""),
      );
    }
    assertEquals(await Deno.readFile(`${dir}/v.raw`), await Deno.readFile(`${dir}/q.raw`));
  } finally {
    await cleanup();
  }
});
