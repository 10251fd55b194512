import { assertEquals } from "../test/assert.ts";
import { LineQueue } from "./lines.ts";

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return ReadableStream.from(chunks.map((c) => enc.encode(c)));
}

Deno.test("LineQueue joins lines across chunks and knows which have arrived", async () => {
  const q = new LineQueue(streamOf(["a\nb", "c\n\nd\n", "e"]));
  assertEquals(q.ready, false);
  assertEquals(await q.next(), { done: false, value: "a" });
  // "bc" is only complete once the second chunk is read.
  assertEquals(q.ready, false);
  assertEquals(await q.next(), { done: false, value: "bc" });
  assertEquals(q.ready, true);
  assertEquals(await q.next(), { done: false, value: "" });
  assertEquals(await q.next(), { done: false, value: "d" });
  assertEquals(q.ready, false);
  assertEquals(await q.next(), { done: false, value: "e" });
  assertEquals(await q.next(), { done: true, value: undefined });
  assertEquals(await q.next(), { done: true, value: undefined });
});
