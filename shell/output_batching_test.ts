// Script output is batched while more input waits, but never held back while a command waits
// for I/O: what earlier lines printed is written first.

import { assertEquals } from "../test/assert.ts";

const root = new URL("..", import.meta.url).pathname;

Deno.test("script output already printed goes out before a command that waits", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `${root}main.ts`, "-q", "-c", "test:///default"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // All three lines arrive at once; nodecpustats --percent waits a second between samples.
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode("echo first\nnodecpustats --percent\necho third\n"));
  await w.close();
  const chunks: string[] = [];
  const d = new TextDecoder();
  for await (const c of child.stdout) chunks.push(d.decode(c));
  const status = await child.status;
  await child.stderr.cancel();
  assertEquals(status.code, 0);
  const all = chunks.join("");
  assertEquals(all.includes("first\n") && all.includes("usage:") && all.includes("third"), true);
  // The write that carries "first" was made before the statistics existed.
  const firstChunk = chunks.find((c) => c.includes("first"))!;
  assertEquals(firstChunk.includes("usage:"), false, JSON.stringify(chunks));
});

Deno.test("quick script lines are written in a few large writes", async () => {
  const lines = Array.from({ length: 300 }, (_, i) => `echo line${i}`).join("\n") + "\n";
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `${root}main.ts`, "-q", "-c", "test:///default"],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(lines));
  await w.close();
  const chunks: string[] = [];
  const d = new TextDecoder();
  for await (const c of child.stdout) chunks.push(d.decode(c));
  assertEquals((await child.status).code, 0);
  const text = chunks.join("");
  assertEquals([...text.matchAll(/vsh # echo line(\d+)\nline\1/g)].length, 300);
  // One write per line would reach this reader as far more pieces (a pipe holds 64 KiB).
  assertEquals(chunks.length <= 5, true, `${chunks.length} reads`);
});
