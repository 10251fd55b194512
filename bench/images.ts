// Benchmark of the image commands against qemu-img, side by side in the same run: convert
// throughput on a 1 GiB image half full of data, info and check on a 10 GiB sparse qcow2, and
// vsh's peak memory while converting. `deno run -A bench/images.ts`, or benchImages() from
// bench/run.ts.
//
// The targets are for one-shot processes, as qemu-img is run: each is measured for vsh as
// `deno task install` installs it (the bundle) and as `deno task vsh` runs it (the sources). The
// same command in an already running shell shows what is left once start-up is paid, and for
// info and check a breakdown says where a one-shot process spends its time.

import { openShell } from "../shell/script_api.ts";
import { buildBundle } from "../tools/build.ts";

const root = new URL("..", import.meta.url).pathname;
const deno = Deno.execPath();
// Image commands need no connection: run as a user would, without -c (which would open the
// embedded test driver at start, for nothing).
const vshSources = [deno, "run", "-A", "--quiet", `${root}main.ts`, "-q"];

interface Sample {
  ms: number;
  /** Peak resident memory (VmHWM) in KiB, when sampled. */
  peakKiB?: number;
  /** What the command wrote on standard error. */
  stderr: string;
}

// Runs a command; with `sampleMemory`, polls /proc/PID/status for VmHWM until it exits.
async function timed(cmd: string[], cwd: string, sampleMemory = false): Promise<Sample> {
  const start = performance.now();
  const child = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    cwd,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let peakKiB: number | undefined;
  let done = false;
  const poll = sampleMemory
    ? (async () => {
      while (!done) {
        try {
          const status = await Deno.readTextFile(`/proc/${child.pid}/status`);
          const m = /VmHWM:\s+(\d+) kB/.exec(status);
          if (m) peakKiB = Math.max(peakKiB ?? 0, Number(m[1]));
        } catch {
          break;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })()
    : Promise.resolve();
  const out = await child.output();
  const ms = performance.now() - start;
  done = true;
  await poll;
  const stderr = new TextDecoder().decode(out.stderr);
  if (out.code !== 0) throw new Error(`${cmd.join(" ")}: ${stderr}`);
  return { ms, peakKiB, stderr };
}

const fmtMs = (ms: number) => ms.toFixed(1).padStart(7);

function line(name: string, qemuMs: number, vshMs: number, ratio: string, target: string) {
  console.log(
    `  ${name.padEnd(24)} qemu-img ${fmtMs(qemuMs)} ms   vsh ${fmtMs(vshMs)} ms   ${ratio}` +
      (target ? `  (target ${target})` : ""),
  );
}

async function qemuImg(cwd: string, ...args: string[]): Promise<void> {
  await timed(["qemu-img", ...args], cwd);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Alternates qemu-img with each form of vsh `runs` times (removing `target` before each run,
 * with the page cache written back); the best time of each, since on a shared machine the slow
 * runs measure the neighbours.
 */
async function rounds(
  cwd: string,
  qemu: string[],
  vsh: string[][],
  runs: number,
  target?: string,
): Promise<{ qemu: number; vsh: number[]; peakKiB: number }> {
  const q: number[] = [], v: number[][] = vsh.map(() => []);
  let peakKiB = 0;
  const clear = async () => {
    if (target) await Deno.remove(`${cwd}/${target}`).catch(() => {});
  };
  // Each run starts with the page cache written back, so that none pays for another's writes.
  const settle = () => timed(["sync"], cwd);
  for (let i = 0; i < runs; i++) {
    await clear();
    await settle();
    q.push((await timed(qemu, cwd)).ms);
    for (const [k, cmd] of vsh.entries()) {
      await clear();
      await settle();
      const s = await timed(cmd, cwd, true);
      v[k].push(s.ms);
      peakKiB = Math.max(peakKiB, s.peakKiB ?? 0);
    }
  }
  await clear();
  return { qemu: Math.min(...q), vsh: v.map((t) => Math.min(...t)), peakKiB };
}

/** Medians of the JSON lines bench/images_probe.ts prints, over `runs` fresh processes. */
async function probe(cwd: string, args: string[], runs: number): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = {};
  const cmd = [deno, "run", "-A", "--quiet", `${root}bench/images_probe.ts`, ...args];
  for (let i = 0; i < runs; i++) {
    const s = await timed(cmd, cwd);
    const o = JSON.parse(s.stderr.trim().split("\n").pop()!) as Record<string, number>;
    for (const [k, x] of Object.entries(o)) (samples[k] ??= []).push(x);
  }
  return Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)]));
}

/**
 * Measures image-convert, image-info and image-check against qemu-img and prints, for each, the
 * one-shot figures of the installed and source forms of vsh and the figure in a running shell,
 * as ratios against the target. Cleans up its files.
 *
 * @example
 * ```ts
 * import { benchImages } from "./images.ts";
 * if (Deno.env.get("VSH_BENCH")) await benchImages({ runs: 1 });
 * ```
 */
export async function benchImages(options: { runs?: number } = {}): Promise<void> {
  const runs = options.runs ?? 5;
  const dir = await Deno.makeTempDir({ prefix: "vsh-bench-images-" });
  const sh = await openShell();
  try {
    const bundle = await buildBundle(`${dir}/dist`);
    const forms: [string, string[]][] = [
      ["installed", [deno, "run", "-A", "--quiet", "--no-config", bundle, "-q"]],
      ["sources", vshSources],
    ];
    // Warm the module and code caches of both forms once.
    for (const [, vsh] of forms) await timed([...vsh, "echo"], dir);

    // 1 GiB, half of it data: 64 MiB stretches of a byte pattern every other 64 MiB.
    await qemuImg(dir, "create", "-q", "-f", "qcow2", "half.qcow2", "1G");
    const io: string[] = ["-f", "qcow2"];
    for (let m = 0; m < 1024; m += 128) io.push("-c", `write -P ${1 + m / 128} ${m}M 64M`);
    await timed(["qemu-io", ...io, "half.qcow2"], dir);
    await qemuImg(dir, "convert", "-O", "raw", "half.qcow2", "half.raw");
    const dataMiB = 512;
    let peakKiB = 0;
    for (const [src, fmt] of [["half.qcow2", "raw"], ["half.raw", "qcow2"]]) {
      const from = src.endsWith("qcow2") ? "qcow2" : "raw";
      console.log(`image-convert 1 GiB (${dataMiB} MiB data) ${from}->${fmt}`);
      const args = `image-convert --format ${fmt} ${src} out.img`;
      const r = await rounds(
        dir,
        ["qemu-img", "convert", "-O", fmt, src, "out.img"],
        forms.map(([, vsh]) => [...vsh, args]),
        runs,
        "out.img",
      );
      peakKiB = Math.max(peakKiB, r.peakKiB);
      const mibs = (ms: number) => (dataMiB / (ms / 1000)).toFixed(0).padStart(5);
      const show = (name: string, ms: number, target: string) =>
        line(
          name,
          r.qemu,
          ms,
          `throughput ${mibs(ms)} vs ${mibs(r.qemu)} MiB/s, ratio ${(r.qemu / ms).toFixed(2)}`,
          target,
        );
      for (const [k, [form]] of forms.entries()) show(`one-shot (${form})`, r.vsh[k], ">= 0.8");
      // The same conversion in a running shell: the throughput apart from starting vsh.
      const warm: number[] = [];
      for (let i = 0; i < runs; i++) {
        await Deno.remove(`${dir}/out.img`).catch(() => {});
        await timed(["sync"], dir);
        const start = performance.now();
        const out = await sh.run(`image-convert --format ${fmt} ${dir}/${src} ${dir}/out.img`);
        warm.push(performance.now() - start);
        if (!out.ok) throw new Error(`image-convert: ${out.stderr}`);
      }
      await Deno.remove(`${dir}/out.img`).catch(() => {});
      show("in a running shell", Math.min(...warm), "");
    }
    console.log(`vsh peak RSS during image-convert (one-shot): ${(peakKiB / 1024).toFixed(1)} MiB`);

    // 10 GiB sparse qcow2 with a few MiB of data scattered over it.
    await qemuImg(dir, "create", "-q", "-f", "qcow2", "big.qcow2", "10G");
    const spots: string[] = ["-f", "qcow2"];
    for (let g = 0; g < 10; g++) spots.push("-c", `write -P ${g + 1} ${g}G 1M`);
    await timed(["qemu-io", ...spots, "big.qcow2"], dir);
    await Deno.writeTextFile(`${dir}/empty.ts`, "");
    const empty: number[] = [];
    for (let i = 0; i < 11; i++) {
      empty.push((await timed([deno, "run", "-A", "--quiet", "empty.ts"], dir)).ms);
    }
    const emptyMs = Math.min(...empty);
    const loads: Record<string, string[]> = {
      "image-info": ["plugins/images/inspect.ts", "disk/ops/info.ts"],
      "image-check": ["plugins/images/inspect.ts", "disk/ops/check.ts"],
    };
    for (const [sub, vcmd] of [["info", "image-info"], ["check", "image-check"]]) {
      console.log(`${vcmd} on a 10 GiB sparse qcow2`);
      const r = await rounds(
        dir,
        ["qemu-img", sub, "big.qcow2"],
        forms.map(([, vsh]) => [...vsh, `${vcmd} big.qcow2`]),
        Math.max(runs, 11),
      );
      for (const [k, [form]] of forms.entries()) {
        line(
          `one-shot (${form})`,
          r.qemu,
          r.vsh[k],
          `ratio ${(r.vsh[k] / r.qemu).toFixed(2)}`,
          "<= 2",
        );
      }
      // The same command in a running shell: what it costs apart from starting vsh.
      const warm: number[] = [];
      for (let i = 0; i < 10; i++) {
        const start = performance.now();
        const out = await sh.run(`${vcmd} ${dir}/big.qcow2`);
        warm.push(performance.now() - start);
        if (!out.ok) throw new Error(`${vcmd}: ${out.stderr}`);
      }
      const best = Math.min(...warm);
      line("in a running shell", r.qemu, best, `ratio ${(best / r.qemu).toFixed(2)}`, "");
      // Where a one-shot process (sources form) spends its time, medians of fresh processes.
      const run = await probe(dir, ["run", `${vcmd} big.qcow2`], 11);
      const load = await probe(dir, ["load", ...loads[vcmd]], 11);
      console.log(
        `  one-shot breakdown: Deno empty start ${emptyMs.toFixed(1)} ms (best), shell ` +
          `(main.ts) ${run.shell.toFixed(1)} ms, images plugin + disk modules ` +
          `${load.modules.toFixed(1)} ms, the command's first run ${run.first.toFixed(1)} ms ` +
          `(of which work ${(run.first - load.modules).toFixed(1)} ms; a second run in the same ` +
          `process ${run.second.toFixed(1)} ms)`,
      );
    }
  } finally {
    await sh.close();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await benchImages();
