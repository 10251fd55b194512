// The disk library calls the C library (pread/pwrite, SEEK_DATA, memcmp) only when the program
// may use FFI; without that permission it falls back to Deno's file API and plain JavaScript.
// The same commands must then give the same images and the same output.

import { assertEquals } from "../assert.ts";
import { run } from "./_util.ts";

const root = new URL("../..", import.meta.url).pathname;

async function vsh(cwd: string, ffi: boolean, line: string) {
  const perms = ffi ? ["-A"] : ["-A", "--deny-ffi"];
  return await run(Deno.execPath(), ["run", ...perms, `${root}main.ts`, "-q", line], cwd);
}

Deno.test("image commands without FFI give the images and output they give with it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vsh-noffi-" });
  try {
    const qemu = (...args: string[]) => run("qemu-img", args, dir);
    await qemu("create", "-q", "-f", "qcow2", "src.qcow2", "64M");
    const io = ["-f", "qcow2"];
    for (let m = 0; m < 64; m += 16) io.push("-c", `write -P ${1 + m / 16} ${m}M 5M`);
    io.push("-c", "write -z 40M 1M");
    assertEquals((await run("qemu-io", [...io, "src.qcow2"], dir)).code, 0);
    for (const ffi of [true, false]) {
      const tag = ffi ? "ffi" : "noffi";
      for (
        const line of [
          `image-convert --format raw src.qcow2 ${tag}.raw`,
          `image-convert --format qcow2 ${tag}.raw ${tag}.qcow2`,
          `image-convert --format qcow2 --compress src.qcow2 ${tag}-z.qcow2`,
        ]
      ) {
        const r = await vsh(dir, ffi, line);
        assertEquals([r.code, r.stderr], [0, ""], line);
      }
      for (const f of [`${tag}.raw`, `${tag}.qcow2`, `${tag}-z.qcow2`]) {
        assertEquals((await qemu("compare", "-q", "src.qcow2", f)).code, 0, `${f} differs`);
      }
      for (const f of [`${tag}.qcow2`, `${tag}-z.qcow2`]) {
        assertEquals((await qemu("check", "-q", f)).code, 0, `${f} fails qemu-img check`);
      }
    }
    // The outputs of the read commands are the same both ways, and qemu-img's.
    for (const cmd of ["image-map --json", "image-check", "image-compare"]) {
      const args = cmd === "image-compare" ? "src.qcow2 noffi.raw" : "noffi.qcow2";
      const withFfi = await vsh(dir, true, `${cmd} ${args}`);
      const without = await vsh(dir, false, `${cmd} ${args}`);
      assertEquals(without, withFfi, cmd);
    }
    // --json has qemu-img's keys and values (its layout is vsh's own).
    const map = await qemu("map", "--output=json", "noffi.qcow2");
    const ours = await vsh(dir, false, "image-map --json noffi.qcow2");
    assertEquals(JSON.parse(ours.stdout), JSON.parse(map.stdout));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
