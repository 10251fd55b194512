// Benchmark of the image commands against qemu-img, side by side in the same run: convert
// throughput on a 1 GiB image half full of data, info and check on a 10 GiB sparse qcow2, and
// vsh's peak memory while converting. `deno run -A bench/images.ts`, or benchImages() from
// bench/run.ts.

import { openShell } from "../shell/script_api.ts";

const root = new URL("..", import.meta.url).pathname;
const vshCmd = [
  Deno.execPath(),
  "run",
  "-A",
  "--quiet",
  `${root}main.ts`,
  "-q",
  "-c",
  "test:///default",
];

interface Sample {
  ms: number;
  /** Peak resident memory (VmHWM) in KiB, when sampled. */
  peakKiB?: number;
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
  if (out.code !== 0) {
    throw new Error(`${cmd.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return { ms, peakKiB };
}

function line(name: string, qemuMs: number, vshMs: number, ratio: string, target: string) {
  console.log(
    `${name.padEnd(44)} qemu-img ${qemuMs.toFixed(1).padStart(8)} ms   vsh ${
      vshMs.toFixed(1).padStart(8)
    } ms   ${ratio}  (target ${target})`,
  );
}

async function qemuImg(cwd: string, ...args: string[]): Promise<void> {
  await timed(["qemu-img", ...args], cwd);
}

/**
 * Alternates the two commands `runs` times (removing `target` before each); the best time of
 * each, since on a shared machine the slow runs measure the neighbours.
 */
async function pair(
  cwd: string,
  qemu: string[],
  vsh: string[],
  runs: number,
  target?: string,
): Promise<{ qemu: number; vsh: number; peakKiB: number }> {
  const q: number[] = [], v: number[] = [];
  let peakKiB = 0;
  const clear = async () => {
    if (target) await Deno.remove(`${cwd}/${target}`).catch(() => {});
  };
  // Each run starts with the page cache written back, so neither pays for the other's writes.
  const settle = () => timed(["sync"], cwd);
  for (let i = 0; i < runs; i++) {
    await clear();
    await settle();
    q.push((await timed(qemu, cwd)).ms);
    await clear();
    await settle();
    const s = await timed(vsh, cwd, true);
    v.push(s.ms);
    peakKiB = Math.max(peakKiB, s.peakKiB ?? 0);
  }
  await clear();
  return { qemu: Math.min(...q), vsh: Math.min(...v), peakKiB };
}

/**
 * Measures image-convert, image-info and image-check against qemu-img and prints one line per
 * comparison, as bench/run.ts's report() does. Cleans up its files.
 *
 * @example
 * ```ts
 * import { benchImages } from "./images.ts";
 * if (Deno.env.get("VSH_BENCH")) await benchImages({ runs: 1 });
 * ```
 */
export async function benchImages(options: { runs?: number } = {}): Promise<void> {
  const runs = options.runs ?? 3;
  const dir = await Deno.makeTempDir({ prefix: "vsh-bench-images-" });
  const sh = await openShell();
  try {
    // 1 GiB, half of it data: 64 MiB stretches of a byte pattern every other 64 MiB.
    await qemuImg(dir, "create", "-q", "-f", "qcow2", "half.qcow2", "1G");
    const io: string[] = ["-f", "qcow2"];
    for (let m = 0; m < 1024; m += 128) io.push("-c", `write -P ${1 + m / 128} ${m}M 64M`);
    await timed(["qemu-io", ...io, "half.qcow2"], dir);
    await qemuImg(dir, "convert", "-O", "raw", "half.qcow2", "half.raw");
    const dataMiB = 512;
    let peakKiB = 0;
    for (const [src, fmt] of [["half.qcow2", "raw"], ["half.raw", "qcow2"]]) {
      const r = await pair(
        dir,
        ["qemu-img", "convert", "-O", fmt, src, "out.img"],
        [...vshCmd, `image-convert --format ${fmt} ${src} out.img`],
        runs,
        "out.img",
      );
      peakKiB = Math.max(peakKiB, r.peakKiB);
      const from = src.endsWith("qcow2") ? "qcow2" : "raw";
      const mibs = (ms: number) => (dataMiB / (ms / 1000)).toFixed(0);
      line(
        `image-convert 1 GiB (${dataMiB} MiB data) ${from}->${fmt}`,
        r.qemu,
        r.vsh,
        `throughput ${mibs(r.vsh)} vs ${mibs(r.qemu)} MiB/s, ratio ${(r.qemu / r.vsh).toFixed(2)}`,
        ">= 0.8",
      );
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
      const best = Math.min(...warm);
      line(
        `  the same in a running shell`,
        r.qemu,
        best,
        `throughput ${mibs(best)} vs ${mibs(r.qemu)} MiB/s, ratio ${(r.qemu / best).toFixed(2)}`,
        ">= 0.8",
      );
    }
    console.log(
      `${"vsh peak RSS during image-convert".padEnd(44)} ${(peakKiB / 1024).toFixed(1)} MiB`,
    );

    // 10 GiB sparse qcow2 with a few MiB of data scattered over it.
    await qemuImg(dir, "create", "-q", "-f", "qcow2", "big.qcow2", "10G");
    const spots: string[] = ["-f", "qcow2"];
    for (let g = 0; g < 10; g++) spots.push("-c", `write -P ${g + 1} ${g}G 1M`);
    await timed(["qemu-io", ...spots, "big.qcow2"], dir);
    for (const [sub, vcmd] of [["info", "image-info"], ["check", "image-check"]]) {
      const r = await pair(
        dir,
        ["qemu-img", sub, "big.qcow2"],
        [...vshCmd, `${vcmd} big.qcow2`],
        Math.max(runs, 5),
      );
      line(
        `${vcmd} on a 10 GiB sparse qcow2`,
        r.qemu,
        r.vsh,
        `ratio ${(r.vsh / r.qemu).toFixed(2)}`,
        "<= 2",
      );
      // The same command in a running shell: what it costs apart from starting vsh.
      const warm: number[] = [];
      for (let i = 0; i < 10; i++) {
        const start = performance.now();
        const out = await sh.run(`${vcmd} ${dir}/big.qcow2`);
        warm.push(performance.now() - start);
        if (!out.ok) throw new Error(`${vcmd}: ${out.stderr}`);
      }
      line(
        `${vcmd} (10 GiB) in a running shell`,
        r.qemu,
        Math.min(...warm),
        `ratio ${(Math.min(...warm) / r.qemu).toFixed(2)}`,
        "<= 2",
      );
    }
  } finally {
    await sh.close();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await benchImages();
