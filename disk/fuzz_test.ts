import { assert } from "../test/assert.ts";
import { qemuImg, qemuIo, tempDir } from "./_test_util.ts";
import { DiskError } from "./errors.ts";
import { imageCheck } from "./ops/check.ts";
import { imageInfo } from "./ops/info.ts";
import { mapDevice } from "./ops/map.ts";
import { openImage } from "./open.ts";

function rng(seed: number) {
  return () => {
    seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return seed / 2 ** 32;
  };
}

/** Everything a reader does with an image; any failure must be a DiskError. */
async function exercise(path: string): Promise<void> {
  const dev = await openImage(path, { readOnly: true });
  try {
    const buf = new Uint8Array(256 * 1024);
    await dev.read(0, buf);
    await dev.read(Math.max(0, Math.min(dev.size, 8 << 20) - buf.length), buf);
    await mapDevice(dev, 0, Math.min(dev.size, 64 << 20));
  } finally {
    await dev.close();
  }
  await imageInfo(path, { backingChain: true });
  await imageCheck(path);
}

Deno.test("fuzzed qcow2 metadata gives clean errors, never hangs or crashes", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await qemuImg(["create", "-f", "qcow2", "-o", "cluster_size=4096", "base.qcow2", "2M"], dir);
    await qemuIo(`${dir}/base.qcow2`, ["write -P 9 0 64k"]);
    await qemuImg([
      "create",
      "-f",
      "qcow2",
      "-o",
      "cluster_size=4096",
      "-b",
      "base.qcow2",
      "-F",
      "qcow2",
      "src.qcow2",
    ], dir);
    await qemuIo(`${dir}/src.qcow2`, ["write -P 1 0 100k", "write -z 200k 8k"]);
    await qemuImg(["snapshot", "-c", "s", "src.qcow2"], dir);
    await qemuIo(`${dir}/src.qcow2`, ["write -P 2 512k 20k"]);
    await qemuImg([
      "convert",
      "-c",
      "-O",
      "qcow2",
      "-o",
      "cluster_size=4096",
      "src.qcow2",
      "comp.qcow2",
    ], dir);
    const rand = rng(20261122);
    let clean = 0, errors = 0;
    for (const name of ["src.qcow2", "comp.qcow2"]) {
      const orig = await Deno.readFile(`${dir}/${name}`);
      // Metadata lives in the first clusters and wherever the tables point; mutate mostly there.
      for (let iter = 0; iter < 150; iter++) {
        const img = orig.slice();
        const flips = 1 + Math.floor(rand() * 4);
        for (let k = 0; k < flips; k++) {
          const region = rand() < 0.5 ? 512 : rand() < 0.8 ? 6 * 4096 : img.length;
          const at = Math.floor(rand() * Math.min(region, img.length));
          img[at] = rand() < 0.3 ? 0xff : Math.floor(rand() * 256);
        }
        const path = `${dir}/fuzz.qcow2`;
        await Deno.writeFile(path, img);
        const t0 = performance.now();
        try {
          await exercise(path);
          clean++;
        } catch (e) {
          if (!(e instanceof DiskError)) {
            throw new Error(
              `iteration ${iter} of ${name}: not a clean error: ${(e as Error).stack}`,
            );
          }
          errors++;
        }
        const ms = performance.now() - t0;
        assert(ms < 5000, `iteration ${iter} of ${name} took ${ms} ms`);
      }
    }
    assert(clean > 0 && errors > 0, `expected both outcomes (clean ${clean}, errors ${errors})`);
  } finally {
    await cleanup();
  }
});

Deno.test("fuzzed vdi, vpc and vmdk headers and tables give clean errors", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const rand = rng(7);
    for (const [name, fmt] of [["a.vdi", "vdi"], ["a.vhd", "vpc"], ["a.vmdk", "vmdk"]]) {
      await qemuImg(["create", "-f", fmt, name, "4M"], dir);
      await qemuIo(`${dir}/${name}`, ["write -P 3 0 100k"], fmt);
      const orig = await Deno.readFile(`${dir}/${name}`);
      for (let iter = 0; iter < 80; iter++) {
        const img = orig.slice();
        for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) {
          const at = Math.floor(rand() * Math.min(img.length, rand() < 0.7 ? 2048 : img.length));
          img[at] = Math.floor(rand() * 256);
        }
        await Deno.writeFile(`${dir}/f-${name}`, img);
        try {
          const dev = await openImage(`${dir}/f-${name}`, { format: fmt, readOnly: true });
          try {
            await dev.read(0, new Uint8Array(Math.min(dev.size, 1 << 20)));
            await mapDevice(dev, 0, Math.min(dev.size, 64 << 20));
          } finally {
            await dev.close();
          }
        } catch (e) {
          if (!(e instanceof DiskError)) {
            throw new Error(`${name} iteration ${iter}: not a clean error: ${(e as Error).stack}`);
          }
        }
      }
    }
  } finally {
    await cleanup();
  }
});

Deno.test("backing-chain loops, tables past EOF and absurd sizes are refused fast", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await qemuImg(["create", "-f", "qcow2", "a.qcow2", "1M"], dir);
    await qemuImg(["create", "-f", "qcow2", "-b", "a.qcow2", "-F", "qcow2", "b.qcow2"], dir);
    await qemuImg(["rebase", "-u", "-b", "b.qcow2", "-F", "qcow2", "a.qcow2"], dir);
    const loop = await openImage(`${dir}/b.qcow2`).then(() => null, (e) => e);
    assert(loop instanceof DiskError && /loop/.test(loop.message), String(loop));
    const info = await imageInfo(`${dir}/b.qcow2`, { backingChain: true }).then(
      () => null,
      (e) => e,
    );
    assert(info instanceof DiskError, String(info));
    await qemuImg(["create", "-f", "qcow2", "c.qcow2", "1M"], dir);
    const bytes = await Deno.readFile(`${dir}/c.qcow2`);
    const v = new DataView(bytes.buffer);
    const mutate = async (f: (v: DataView) => void, part: string) => {
      const copy = bytes.slice();
      f(new DataView(copy.buffer));
      await Deno.writeFile(`${dir}/bad.qcow2`, copy);
      const e = await openImage(`${dir}/bad.qcow2`).then(() => null, (e) => e);
      assert(e instanceof DiskError && e.message.includes(part), `${part}: ${e}`);
    };
    await mutate((w) => w.setUint32(44, 0x7fff0100), "Invalid L1 table offset");
    await mutate((w) => w.setUint32(52, 0x10000100), "Invalid reference count table offset");
    await mutate((w) => w.setUint32(56, 0x100000), "Reference count table too large");
    await mutate((w) => w.setUint32(28, 0xfffffe00), "L1 table is too small");
    await mutate((w) => w.setUint32(24, 0x7fffffff), "Image size too large");
    await mutate((w) => w.setUint32(20, 40), "Unsupported cluster size");
    await mutate((w) => w.setUint32(60, 1000000), "Too many snapshots");
    await mutate((w) => w.setUint32(4, 9), "Unsupported qcow2 version");
    assert(v.getUint32(0) === 0x514649fb);
    // An L1 table past the end of the file opens (as in qemu) and check reports it.
    const past = bytes.slice();
    new DataView(past.buffer).setUint32(44, 0x7fff0000);
    await Deno.writeFile(`${dir}/past.qcow2`, past);
    const chk = await imageCheck(`${dir}/past.qcow2`);
    assert(chk.exitCode === 2 && chk.stderr.includes("exceeding the end of the file"), chk.stderr);
  } finally {
    await cleanup();
  }
});

Deno.test("a data cluster aliasing metadata is refused and the image marked corrupt", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await qemuImg(["create", "-f", "qcow2", "o.qcow2", "1M"], dir);
    await qemuIo(`${dir}/o.qcow2`, ["write -P 1 0 64k"]);
    // L2 table at 0x40000; point its first entry (COPIED) at the L1 table's cluster 0x30000.
    const f = await Deno.open(`${dir}/o.qcow2`, { read: true, write: true });
    await f.seek(0x40000, Deno.SeekMode.Start);
    await f.write(new Uint8Array([0x80, 0, 0, 0, 0, 3, 0, 0]));
    f.close();
    const img = await openImage(`${dir}/o.qcow2`);
    const e = await img.write(0, new Uint8Array(512).fill(9)).then(() => null, (e) => e);
    await img.close().catch(() => {});
    assert(
      e instanceof DiskError && e.message.includes("Preventing invalid write on metadata"),
      String(e),
    );
    const info = await imageInfo(`${dir}/o.qcow2`);
    assert(info.text.includes("corrupt: true"), info.text);
  } finally {
    await cleanup();
  }
});
