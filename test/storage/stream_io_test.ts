// The data loops of vol-upload and vol-download against an in-memory stream: what goes up as
// data and as holes, and how holes come down into a file.

import { assert, assertEquals } from "../assert.ts";
import type { DataStream, StreamChunk } from "../../virt/driver.ts";
import { isZero, receiveInto, sendFile } from "../../plugins/storage/transfer.ts";

/** A stream that records what is sent and replays `incoming` to readers. */
function memoryStream(incoming: StreamChunk[] = []) {
  const sent: ({ data: number; at: number } | { hole: bigint })[] = [];
  let offset = 0;
  const stream: DataStream = {
    read: () => Promise.resolve(incoming.shift() ?? null),
    write(data) {
      sent.push({ data: data.length, at: offset });
      offset += data.length;
      return Promise.resolve();
    },
    sendHole(length) {
      sent.push({ hole: length });
      offset += Number(length);
      return Promise.resolve();
    },
    finish: () => Promise.resolve(),
    abort: () => Promise.resolve(),
  };
  return { stream, sent };
}

Deno.test("isZero checks every byte, whatever the alignment", () => {
  const b = new Uint8Array(1000);
  for (const [start, end] of [[0, 1000], [1, 999], [3, 7], [5, 5]]) {
    assert(isZero(b.subarray(start, end)), `${start}..${end}`);
  }
  for (const at of [0, 1, 2, 3, 4, 500, 997, 998, 999]) {
    b[at] = 1;
    assert(!isZero(b.subarray(0, 1000)), `byte ${at}`);
    assert(!isZero(b.subarray(Math.max(0, at - 2), at + 1)), `tail ${at}`);
    b[at] = 0;
  }
});

Deno.test("sendFile sends zero runs as holes only when sparse", async () => {
  const path = await Deno.makeTempFile();
  try {
    const size = 3 * 1024 * 1024 + 100;
    const content = new Uint8Array(size);
    content.fill(7, 1024 * 1024, 1024 * 1024 + 10);
    content.fill(9, size - 50);
    await Deno.writeFile(path, content);
    for (const sparse of [false, true]) {
      const { stream, sent } = memoryStream();
      const file = await Deno.open(path);
      const total = await sendFile(file, stream, sparse);
      file.close();
      assertEquals(total, BigInt(size));
      const covered = sent.reduce((n, s) => n + ("hole" in s ? Number(s.hole) : s.data), 0);
      assertEquals(covered, size);
      const holes = sent.filter((s) => "hole" in s);
      if (!sparse) {
        assertEquals(holes.length, 0);
      } else {
        const data = sent.filter((s) => !("hole" in s));
        // The two short runs of data go as one 64 KiB grain each; the rest are holes.
        assertEquals(data.map((d) => "data" in d && d.at), [1024 * 1024, size - 100]);
        assert(holes.length >= 2 && holes.length <= 3, `${holes.length} holes`);
      }
    }
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("receiveInto seeks over holes and keeps a trailing hole as file size", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const data = new Uint8Array(4096).fill(5);
    const { stream } = memoryStream([
      data,
      { hole: 8n * 1024n * 1024n },
      data,
      { hole: 8n * 1024n * 1024n },
    ]);
    const path = `${dir}/out`;
    const file = await Deno.open(path, { write: true, create: true });
    const sink = {
      file,
      seekable: true,
      commit: () => Promise.resolve(),
      discard: () => Promise.resolve(),
    };
    const total = await receiveInto(stream, sink);
    file.close();
    const size = 2 * 4096 + 16 * 1024 * 1024;
    assertEquals(total, BigInt(size));
    const st = await Deno.stat(path);
    assertEquals(st.size, size);
    assert((st.blocks ?? 0) * 512 < 1024 * 1024, `allocated ${st.blocks} blocks`);
    const back = await Deno.readFile(path);
    assertEquals(back.subarray(0, 4096), data);
    assert(isZero(back.subarray(4096, 4096 + 8 * 1024 * 1024)));
    assertEquals(back.subarray(4096 + 8 * 1024 * 1024, 8192 + 8 * 1024 * 1024), data);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
