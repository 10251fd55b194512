// vol-upload and vol-download through a private libvirtd: a 1 GiB sparse file goes up and comes
// back byte for byte with its holes kept, and a transfer cut off by a dying daemon fails
// cleanly, leaving no partial file (and an existing target untouched).

import { assert, assertEquals } from "../assert.ts";
import { type PrivateLibvirtd, startPrivateLibvirtd } from "../harness/libvirtd.ts";
import { runVsh as vsh } from "../vsh_process.ts";

const root = new URL("../..", import.meta.url).pathname;
const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;

/** Bytes the file occupies on disk. */
async function allocated(path: string): Promise<number> {
  return ((await Deno.stat(path)).blocks ?? 0) * 512;
}

/** Whether two files hold the same bytes (cmp is far faster than comparing in JavaScript). */
async function sameBytes(a: string, b: string): Promise<boolean> {
  return (await new Deno.Command("cmp", { args: ["-s", a, b] }).output()).code === 0;
}

// A 1 GiB sparse file with a few MiB of random data at scattered offsets.
async function makeSparseFile(path: string): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  try {
    await file.truncate(GiB);
    const block = new Uint8Array(MiB);
    for (const at of [0, 300 * MiB + 4096, 700 * MiB, GiB - MiB]) {
      for (let i = 0; i < block.length; i += 65536) {
        crypto.getRandomValues(block.subarray(i, i + 65536));
      }
      await file.seek(at, Deno.SeekMode.Start);
      for (let off = 0; off < block.length;) off += await file.write(block.subarray(off));
    }
  } finally {
    file.close();
  }
}

async function withPool(fn: (d: PrivateLibvirtd, uri: string, work: string) => Promise<void>) {
  const d = await startPrivateLibvirtd();
  const work = await Deno.makeTempDir({ prefix: "vsh-storage-test-" });
  try {
    const uri = d.uri("qemu:///system");
    const r = await vsh(uri, "pool-create-as", "p", "dir", "--target", `${d.dir}/pool`, "--build");
    assertEquals(r.stderr, "");
    await fn(d, uri, work);
  } finally {
    await d.stop();
    await Deno.remove(work, { recursive: true });
  }
}

Deno.test({
  name: "a 1 GiB sparse file goes up and comes back with the same bytes and holes",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withPool(async (d, uri, work) => {
      const src = `${work}/src.img`;
      const back = `${work}/back.img`;
      await makeSparseFile(src);
      let r = await vsh(uri, "vol-create-as", "p", "v", "1G", "--allocation", "0");
      assertEquals(r.stderr, "");
      const started = performance.now();
      r = await vsh(uri, "vol-upload", "v", src, "--pool", "p", "--sparse");
      assertEquals([r.code, r.stderr], [0, ""]);
      r = await vsh(uri, "vol-download", "v", back, "--pool", "p", "--sparse");
      assertEquals([r.code, r.stderr], [0, ""]);
      const seconds = (performance.now() - started) / 1000;
      assert(seconds < 30, `round trip took ${seconds.toFixed(1)} s`);
      assertEquals((await Deno.stat(back)).size, GiB);
      assert(await sameBytes(src, back), "downloaded bytes differ from the uploaded file");
      // 4 MiB of data: both the volume and the copy stay sparse (some slack for file systems).
      const limit = 16 * MiB;
      const volAlloc = await allocated(`${d.dir}/pool/v`);
      const backAlloc = await allocated(back);
      assert(volAlloc >= 4 * MiB && volAlloc < limit, `volume allocation ${volAlloc}`);
      assert(backAlloc >= 4 * MiB && backAlloc < limit, `download allocation ${backAlloc}`);
    });
  },
});

Deno.test({
  name: "a download cut off by a dying daemon fails and leaves no partial file",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withPool(async (d, uri, work) => {
      let r = await vsh(uri, "vol-create-as", "p", "v", "4G", "--allocation", "0");
      assertEquals(r.stderr, "");
      const target = `${work}/existing.img`;
      await Deno.writeTextFile(target, "keep me\n");
      // Without --sparse the daemon sends all 4 GiB of zeros: long enough to be cut off.
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          `${root}main.ts`,
          "-q",
          "-c",
          uri,
          "vol-download",
          "v",
          target,
          "--pool",
          "p",
        ],
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      // Wait until data is flowing (the temporary file grows), then kill the daemon.
      const deadline = Date.now() + 20_000;
      for (;;) {
        const parts = [...Deno.readDirSync(work)].filter((e) => e.name.endsWith(".part"));
        if (parts.length && (await Deno.stat(`${work}/${parts[0].name}`)).size > 8 * MiB) break;
        assert(Date.now() < deadline, "the download never started");
        await new Promise((res) => setTimeout(res, 20));
      }
      await d.kill();
      const out = await child.output();
      const stderr = new TextDecoder().decode(out.stderr);
      assertEquals(out.code, 1);
      assert(stderr.includes("error: cannot receive data from volume v\nerror: "), stderr);
      assertEquals(await Deno.readTextFile(target), "keep me\n");
      assertEquals([...Deno.readDirSync(work)].map((e) => e.name), ["existing.img"]);
      // A new target is not created at all.
      await d.restart();
      r = await vsh(uri, "pool-list", "--all", "--name");
      assert(r.code === 0, r.stderr);
    });
  },
});

Deno.test({
  name: "an upload cut off by a dying daemon fails with virsh's message",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withPool(async (d, uri, work) => {
      const r = await vsh(uri, "vol-create-as", "p", "v", "2G", "--allocation", "0");
      assertEquals(r.stderr, "");
      const src = `${work}/zeros.img`;
      const f = await Deno.open(src, { write: true, create: true });
      await f.truncate(2 * GiB);
      f.close();
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          `${root}main.ts`,
          "-q",
          "-c",
          uri,
          "vol-upload",
          "v",
          src,
          "--pool",
          "p",
        ],
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const deadline = Date.now() + 20_000;
      while ((await allocated(`${d.dir}/pool/v`)) < 8 * MiB) {
        assert(Date.now() < deadline, "the upload never started");
        await new Promise((res) => setTimeout(res, 20));
      }
      await d.kill();
      const out = await child.output();
      const stderr = new TextDecoder().decode(out.stderr);
      assertEquals(out.code, 1);
      assert(stderr.includes("error: cannot send data to volume v\nerror: "), stderr);
    });
  },
});
