// Run by bench/images.ts as a fresh process: where the time of a one-shot image command goes.
//   deno run -A bench/images_probe.ts run 'image-info big.qcow2'
//     → {"origin": ms before this module ran, "shell": importing main.ts,
//        "first": the command in a fresh shell (its modules load, its code is cold),
//        "second": the same command again in the same process}
//   deno run -A bench/images_probe.ts load MODULE…
//     → {"shell": importing main.ts, "modules": importing MODULE… after it}
// Standard output of the commands is dropped; one JSON line goes to standard error.

const origin = performance.now();
const [mode, ...rest] = Deno.args;
let t = performance.now();
const { main } = await import("../main.ts");
const shell = performance.now() - t;
if (mode === "load") {
  t = performance.now();
  for (const m of rest) await import(new URL(`../${m}`, import.meta.url).href);
  console.error(JSON.stringify({ origin, shell, modules: performance.now() - t }));
} else {
  // The commands' output is not what is measured here.
  Deno.stdout.writeSync = (b: Uint8Array) => b.length;
  Deno.stdout.write = (b: Uint8Array) => Promise.resolve(b.length);
  t = performance.now();
  const s1 = await main(["-q", rest[0]]);
  const first = performance.now() - t;
  t = performance.now();
  const s2 = await main(["-q", rest[0]]);
  const second = performance.now() - t;
  if (s1 || s2) Deno.exit(1);
  console.error(JSON.stringify({ origin, shell, first, second }));
}
