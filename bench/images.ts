// Benchmark: vsh's disk library against qemu-img on the same files, best of N runs each,
// alternating so that both meet the same page-cache and writeback conditions.
// Run: deno run -A bench/images.ts [--size-mib N] [--runs N]

import { convertImage } from "../disk/ops/convert.ts";
import { imageCompare } from "../disk/ops/compare.ts";
import { imageMap } from "../disk/ops/map.ts";

const args = Deno.args;
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const sizeMiB = opt("--size-mib", 1024);
const runs = opt("--runs", 3);

async function sh(cmd: string, ...a: string[]): Promise<void> {
  const r = await new Deno.Command(cmd, { args: a, stdout: "null", stderr: "piped" }).output();
  if (r.code !== 0) throw new Error(`${cmd} ${a.join(" ")}: ${new TextDecoder().decode(r.stderr)}`);
}

async function settle(): Promise<void> {
  await sh("sync");
  await new Promise((r) => setTimeout(r, 300));
}

async function best(fn: () => Promise<void>, cleanup: () => Promise<void>): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    await cleanup();
    await settle();
    const t0 = performance.now();
    await fn();
    min = Math.min(min, performance.now() - t0);
  }
  await cleanup();
  return min;
}

const dir = await Deno.makeTempDir({ prefix: "vsh-bench-" });
try {
  const src = `${dir}/src.qcow2`;
  await sh("qemu-img", "create", "-f", "qcow2", src, `${sizeMiB}M`);
  // Half the image holds data, in 64 MiB stretches every other 64 MiB.
  const io: string[] = [];
  const step = Math.max(1, Math.floor(sizeMiB / 16));
  for (let m = 0; m < sizeMiB; m += 2 * step) {
    io.push("-c", `write -P ${m % 250 + 1} ${m}M ${step}M`);
  }
  await sh("qemu-io", ...io, src);
  await sh("qemu-img", "convert", "-O", "raw", src, `${dir}/src.raw`);
  const out = `${dir}/out`;
  const rm = () => Deno.remove(out).catch(() => {});
  const rows: string[][] = [];
  for (const [from, to] of [["src.qcow2", "qcow2"], ["src.qcow2", "raw"], ["src.raw", "qcow2"]]) {
    const q = await best(() => sh("qemu-img", "convert", "-O", to, `${dir}/${from}`, out), rm);
    const v = await best(async () => {
      await convertImage(`${dir}/${from}`, out, { outputFormat: to });
    }, rm);
    rows.push([`convert ${from} -> ${to}`, q.toFixed(0), v.toFixed(0), (q / v).toFixed(2)]);
  }
  const q = await best(
    () => sh("qemu-img", "compare", `${dir}/src.qcow2`, `${dir}/src.raw`),
    () => Promise.resolve(),
  );
  const v = await best(async () => {
    await imageCompare(`${dir}/src.qcow2`, `${dir}/src.raw`);
  }, () => Promise.resolve());
  rows.push(["compare qcow2 raw", q.toFixed(0), v.toFixed(0), (q / v).toFixed(2)]);
  const qm = await best(
    () => sh("qemu-img", "map", "--output=json", `${dir}/src.qcow2`),
    () => Promise.resolve(),
  );
  const vm = await best(async () => {
    await imageMap(`${dir}/src.qcow2`);
  }, () => Promise.resolve());
  rows.push(["map --output=json", qm.toFixed(0), vm.toFixed(0), (qm / vm).toFixed(2)]);
  console.log(`image: ${sizeMiB} MiB, half allocated; best of ${runs} runs (ms)`);
  console.log(["operation".padEnd(28), "qemu-img", "vsh", "ratio"].join("\t"));
  for (const r of rows) console.log([r[0].padEnd(28), ...r.slice(1)].join("\t"));
} finally {
  await Deno.remove(dir, { recursive: true });
}
