// StreamFile: a file read by ranged downloads. A fake reader serves a local file's bytes (and,
// when sparse, its holes as SEEK_DATA/SEEK_HOLE see them), so every result can be checked
// against the same file opened locally.

import { assert, assertEquals, assertRejects, assertThrows } from "../test/assert.ts";
import { qemuImg, qemuIo, tempDir } from "./_test_util.ts";
import { DiskError } from "./errors.ts";
import { FileDevice } from "./file.ts";
import { openImage, withFileSource } from "./open.ts";
import { imageCheck } from "./ops/check.ts";
import { describeImage } from "./ops/info.ts";
import { imageMap } from "./ops/map.ts";
import { type RangeChunk, StreamFile } from "./stream.ts";

interface Fake {
  file: StreamFile;
  /** The ranges downloaded, in order. */
  ranges: Array<[number, number]>;
}

// A StreamFile over `path`, sending holes (sparse) or zeros for them, in pieces of `piece`.
function fakeRemote(
  path: string,
  opts: { sparse?: boolean; chunkSize?: number; cacheSize?: number; piece?: number } = {},
): Fake {
  const local = FileDevice.open(path, { readOnly: true });
  const sparse = opts.sparse ?? true;
  const piece = opts.piece ?? 256 * 1024;
  const ranges: Array<[number, number]> = [];
  const file = new StreamFile({
    filename: path,
    size: local.size,
    allocation: local.allocatedSize(),
    chunkSize: opts.chunkSize,
    cacheSize: opts.cacheSize,
    read(offset, length, onChunk: (c: RangeChunk) => void) {
      ranges.push([offset, length]);
      const end = Math.min(offset + length, local.size);
      for (let pos = offset; pos < end;) {
        const dh = sparse ? local.seekDataHole(pos) : null;
        if (dh && dh.data > pos) {
          const n = Math.min(dh.data, end) - pos;
          onChunk({ hole: n });
          pos += n;
          continue;
        }
        const stop = Math.min(end, dh ? dh.hole : end, pos + piece);
        const buf = new Uint8Array(stop - pos);
        local.readSync(pos, buf);
        onChunk(buf);
        buf.fill(0xee); // the callee must have copied it
        pos = stop;
      }
      return Promise.resolve(sparse);
    },
  });
  return { file, ranges };
}

// Runs `fn` with `paths` (and the backing files of images opened from them) read through
// fake remotes; returns what it gave and the fakes made.
async function viaStreams<T>(
  paths: string[],
  fn: () => Promise<T>,
  opts: Parameters<typeof fakeRemote>[1] = {},
): Promise<{ value: T; fakes: Fake[] }> {
  const fakes: Fake[] = [];
  const ours = new WeakSet<FileDevice>();
  const value = await withFileSource((path, parent) => {
    if (!paths.includes(path) && !(parent && ours.has(parent))) return Promise.resolve(undefined);
    const f = fakeRemote(path, opts);
    fakes.push(f);
    const dev = f.file.asFileDevice();
    ours.add(dev);
    return Promise.resolve(dev);
  }, fn);
  return { value, fakes };
}

Deno.test("images over a stream read as the same files opened here", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const base = `${dir}/base.raw`;
    const top = `${dir}/top.qcow2`;
    await qemuImg(["create", "-q", "-f", "raw", base, "8M"]);
    await qemuIo(base, ["write -P 0x11 0 64k", "write -P 0x22 3M 1M"], "raw");
    await qemuImg(["create", "-q", "-f", "qcow2", "-b", "base.raw", "-F", "raw", top]);
    await qemuIo(top, ["write -P 0x33 64k 64k", "write -z 5M 64k", "write -P 0x44 7M 4k"]);
    for (const path of [top, base]) {
      const here = await describeImage(path);
      const far = await viaStreams([path], () => describeImage(path));
      assertEquals(far.value, here);
      // The header region comes in one download; info needs no more.
      assert(far.fakes[0].ranges.length <= 2, JSON.stringify(far.fakes[0].ranges));
      const map = await viaStreams([path], () => imageMap(path));
      assertEquals(map.value, await imageMap(path));
      if (path === top) {
        // The raw backing file came by stream too, holes and all.
        assertEquals(map.fakes.length, 2);
        const check = await viaStreams([path], () => imageCheck(path));
        assertEquals(check.value, await imageCheck(path));
      }
    }
    // A metadata-preallocated image asks its file where the holes are, synchronously: the
    // whole layout comes down at open (its data, not its size).
    const pre = `${dir}/pre.qcow2`;
    await qemuImg(["create", "-q", "-f", "qcow2", "-o", "preallocation=metadata", pre, "64M"]);
    await qemuIo(pre, ["write -P 1 1M 64k"]);
    const preMap = await viaStreams([pre], () => imageMap(pre));
    assertEquals(preMap.value, await imageMap(pre));
    // Without hole information a raw file is all data, as a local file without SEEK_DATA.
    const dense = await viaStreams([base], () => imageMap(base), { sparse: false });
    assertEquals(dense.value.entries.map((e) => [e.start, e.length, e.data]), [[
      0,
      8 << 20,
      true,
    ]]);
    // Reads are the same bytes, whatever the chunk and piece sizes.
    const want = new Uint8Array(8 << 20);
    const img = await openImage(top, { readOnly: true });
    await img.read(0, want);
    await img.close();
    for (const opts of [{ chunkSize: 512, piece: 1000 }, { chunkSize: 1 << 20, piece: 7 }]) {
      const got = new Uint8Array(want.length);
      await viaStreams([top], async () => {
        const dev = await openImage(top, { readOnly: true });
        for (let off = 0; off < got.length; off += 300_000) {
          await dev.read(off, got.subarray(off, Math.min(got.length, off + 300_000)));
        }
        await dev.close();
      }, opts);
      assert(got.every((b, i) => b === want[i]), JSON.stringify(opts));
    }
  } finally {
    await cleanup();
  }
});

Deno.test("the chunk cache stays within its bound and serves repeated reads", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const path = `${dir}/data.raw`;
    await qemuImg(["create", "-q", "-f", "raw", path, "4M"]);
    await qemuIo(path, ["write -P 0x5a 0 4M"], "raw");
    const { file, ranges } = fakeRemote(path, { chunkSize: 64 * 1024, cacheSize: 256 * 1024 });
    const buf = new Uint8Array(512);
    for (let i = 0; i < 100; i++) await file.read(1000 + i * 512, buf);
    // 100 small reads within one chunk: one download.
    assertEquals(ranges.length, 1);
    const all = new Uint8Array(4 << 20);
    await file.read(0, all);
    assert(all.every((b) => b === 0x5a));
    assert(file.cachedBytes <= 256 * 1024, `${file.cachedBytes}`);
    // Downloads are aligned and never longer than half the cache.
    for (const [off, len] of ranges) {
      assertEquals(off % (64 * 1024), 0);
      assert(len <= 128 * 1024, `${len}`);
    }
    // Another opening shares the cache: no download for what is held; closing one leaves the
    // other working.
    const again = file.reopen();
    const held = ranges.length;
    await again.read(4 * 1024 * 1024 - 100, new Uint8Array(100));
    assertEquals(ranges.length, held);
    await again.close();
    await assertRejects(() => again.read(0, buf), DiskError, "closed");
    // Bytes past the end read as zeros without a download.
    const before = ranges.length;
    const tail = new Uint8Array(100).fill(1);
    await file.read(4 << 20, tail);
    assert(tail.every((b) => b === 0));
    assertEquals(ranges.length, before);
    await file.close();
  } finally {
    await cleanup();
  }
});

Deno.test("a stream file is read-only, reads synchronously only what it holds, and reports failed downloads", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const path = `${dir}/f.raw`;
    await qemuImg(["create", "-q", "-f", "raw", path, "1M"]);
    await qemuIo(path, ["write -P 1 64k 4k", "write -P 2 300k 200k"], "raw");
    const { file } = fakeRemote(path, { chunkSize: 64 * 1024 });
    // Nothing known yet: the holes are unknown.
    assertEquals(file.seekDataHole(0), null);
    await file.read(0, new Uint8Array(1 << 20));
    const local = FileDevice.open(path, { readOnly: true });
    for (const at of [0, 64 * 1024, 70 * 1024, 300 * 1024, 400 * 1024, 600 * 1024, 1 << 20]) {
      assertEquals(file.seekDataHole(at), local.seekDataHole(at), `at ${at}`);
      assertEquals(await file.blockStatus(at, 1 << 20), await local.blockStatus(at, 1 << 20));
    }
    // learnLayout() knows it all without keeping the bytes.
    const learner = fakeRemote(path, { chunkSize: 64 * 1024 }).file;
    await learner.learnLayout();
    assertEquals(learner.cachedBytes, 0);
    for (const at of [0, 70 * 1024, 300 * 1024, 600 * 1024]) {
      assertEquals(learner.seekDataHole(at), local.seekDataHole(at), `at ${at}`);
    }
    local.closeSync();
    await file.close();
    const fresh = fakeRemote(path, { chunkSize: 64 * 1024 }).file;
    assertThrows(() => fresh.readSync(0, new Uint8Array(8)), DiskError, "not been downloaded");
    await fresh.pin([[0, 4096]]);
    fresh.readSync(0, new Uint8Array(8));
    await assertRejects(() => fresh.write(0, new Uint8Array(1)), DiskError, "read-only");
    assertThrows(() => fresh.truncateSync(0), DiskError, "read-only");
    const failing = new StreamFile({
      filename: "/far/x.qcow2",
      size: 1 << 20,
      allocation: 0,
      read: () => Promise.reject(new Error("Cannot write data: Broken pipe")),
    });
    const e = await assertRejects(() => openImage("/far/x.qcow2"), DiskError);
    assert(e.message.includes("No such file"), e.message);
    const viaSource = await assertRejects(
      () =>
        withFileSource(
          (p) => Promise.resolve(p === "/far/x.qcow2" ? failing.asFileDevice() : undefined),
          () => openImage("/far/x.qcow2", { readOnly: true }),
        ),
      DiskError,
    );
    assertEquals(
      viaSource.message,
      "Could not open '/far/x.qcow2': Could not read '/far/x.qcow2': " +
        "Cannot write data: Broken pipe",
    );
  } finally {
    await cleanup();
  }
});
