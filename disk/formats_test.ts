import { assertEquals } from "../test/assert.ts";
import { qemuImg, qemuIo, run, tempDir } from "./_test_util.ts";
import { imageCheck } from "./ops/check.ts";
import { imageInfo } from "./ops/info.ts";
import { imageMap } from "./ops/map.ts";
import { openImage } from "./open.ts";
import { probeFile } from "./probe.ts";

Deno.test("vdi, vpc and vmdk images read, info and map like qemu-img", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const images: Array<[string, string, string[]]> = [
      ["d.vdi", "vdi", []],
      ["s.vdi", "vdi", ["-o", "static=on"]],
      ["d.vhd", "vpc", []],
      ["f.vhd", "vpc", ["-o", "subformat=fixed"]],
      ["s.vmdk", "vmdk", []],
    ];
    for (const [name, fmt, opts] of images) {
      await qemuImg(["create", "-f", fmt, ...opts, name, "5M"], dir);
      await qemuIo(`${dir}/${name}`, ["write -P 1 0 100k", "write -P 2 3M 70k"], fmt);
      const dev = await openImage(`${dir}/${name}`, { readOnly: true, format: fmt });
      const buf = new Uint8Array(dev.size);
      await dev.read(0, buf);
      await dev.close();
      await Deno.writeFile(`${dir}/${name}.raw`, buf);
      const cmp = await run(
        "qemu-img",
        ["compare", "-f", fmt, "-F", "raw", name, `${name}.raw`],
        dir,
      );
      assertEquals(cmp.stdout, "Images are identical.\n", name);
      const info = await imageInfo(`${dir}/${name}`);
      assertEquals(info.text, await qemuImg(["info", `${dir}/${name}`]), name);
      assertEquals(
        info.jsonText + "\n",
        await qemuImg(["info", "--output=json", `${dir}/${name}`]),
      );
      if (fmt !== "vpc") {
        const chk = await imageCheck(`${dir}/${name}`);
        assertEquals(chk.text, await qemuImg(["check", `${dir}/${name}`]), name);
        assertEquals(
          chk.jsonText + "\n",
          await qemuImg(["check", "--output=json", `${dir}/${name}`]),
        );
      }
      const map = await imageMap(`${dir}/${name}`);
      assertEquals(map.jsonText, await qemuImg(["map", "--output=json", `${dir}/${name}`]), name);
    }
  } finally {
    await cleanup();
  }
});

Deno.test("probing names every format qemu-img create makes, and ISO 9660", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const cases: Array<[string, string[]]> = [
      ["raw", []],
      ["qcow2", []],
      ["qcow", []],
      ["vmdk", []],
      ["vdi", []],
      ["vpc", []],
      ["vhdx", []],
      ["qed", []],
    ];
    for (const [fmt, extra] of cases) {
      await qemuImg(["create", ...extra, "-f", fmt, `img.${fmt}`, "2M"], dir);
      assertEquals(await probeFile(`${dir}/img.${fmt}`), fmt);
    }
    // A LUKS header's magic (creating a real one spends seconds deriving keys).
    const luks = new Uint8Array(4096);
    luks.set([0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe, 0, 1]);
    await Deno.writeFile(`${dir}/x.luks`, luks);
    assertEquals(await probeFile(`${dir}/x.luks`), "luks");
    const iso = new Uint8Array(0x9000);
    iso.set(new TextEncoder().encode("\x01CD001"), 0x8000);
    await Deno.writeFile(`${dir}/x.iso`, iso);
    assertEquals(await probeFile(`${dir}/x.iso`), "iso");
  } finally {
    await cleanup();
  }
});
