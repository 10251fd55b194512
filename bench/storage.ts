// vol-upload and vol-download of 1 GiB through a private libvirtd, vsh against virsh, and the
// peak memory vsh needs for it. The pool and the files live in /dev/shm, so that the disk does
// not decide the result.

import { report } from "./run.ts";
import { startPrivateLibvirtd } from "../test/harness/libvirtd.ts";

const root = new URL("..", import.meta.url).pathname;
const vsh = [Deno.execPath(), "run", "-A", "--quiet", `${root}main.ts`];
const GiB = 1024 * 1024 * 1024;

interface Timed {
  median: number;
  min: number;
}

function summarize(times: number[]): Timed {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0] };
}

/** Run `cmd` to completion; returns its time in ms and its peak RSS in bytes (VmHWM). */
async function measure(cmd: string[]): Promise<{ ms: number; peak: number }> {
  const start = performance.now();
  const child = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let peak = 0;
  // VmHWM only grows, so the last value read before the process ends is its peak.
  const poll = setInterval(() => {
    try {
      const status = Deno.readTextFileSync(`/proc/${child.pid}/status`);
      const m = /VmHWM:\s+(\d+) kB/.exec(status);
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch {
      // the process has just ended
    }
  }, 20);
  const out = await child.output();
  clearInterval(poll);
  const ms = performance.now() - start;
  if (!out.success) {
    throw new Error(`${cmd.join(" ")}: ${new TextDecoder().decode(out.stderr).slice(0, 300)}`);
  }
  return { ms, peak };
}

async function fillRandom(path: string, size: number): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  try {
    const block = new Uint8Array(4 * 1024 * 1024);
    for (let i = 0; i < block.length; i += 65536) {
      crypto.getRandomValues(block.subarray(i, i + 65536));
    }
    for (let done = 0; done < size; done += block.length) {
      for (let off = 0; off < block.length;) off += await file.write(block.subarray(off));
    }
  } finally {
    file.close();
  }
}

/**
 * Upload and download a 1 GiB volume (random data, so no holes help) through a private
 * libvirtd (root needed), with virsh and with vsh in turn, and print bench/run.ts's lines: the
 * time ratio (vsh / virsh, target <= 1.0, i.e. throughput at least virsh's) and vsh's peak RSS.
 *
 * @example
 * ```ts ignore
 * import { benchStorage } from "./storage.ts";
 * await benchStorage({ runs: 3 });
 * ```
 */
export async function benchStorage(options: { runs?: number } = {}): Promise<void> {
  const runs = options.runs ?? 3;
  const work = await Deno.makeTempDir({ dir: "/dev/shm", prefix: "vsh-bench-storage-" });
  const daemon = await startPrivateLibvirtd();
  try {
    const uri = daemon.uri("qemu:///system");
    const src = `${work}/src.img`;
    await fillRandom(src, GiB);
    const setup = await new Deno.Command("virsh", {
      args: [
        "-q",
        "-c",
        uri,
        `pool-create-as p dir --target ${work}/pool --build; vol-create-as p v 1G`,
      ],
      stdout: "null",
    }).output();
    if (!setup.success) throw new Error(new TextDecoder().decode(setup.stderr));
    const tools: Record<string, string[]> = {
      virsh: ["virsh", "-q", "-c", uri],
      vsh: [...vsh, "-q", "-c", uri],
    };
    const times: Record<string, number[]> = {};
    let peak = 0;
    for (let i = 0; i < runs; i++) {
      // Alternate the tools, so that a slow patch of the machine hits both.
      for (const [tool, cmd] of Object.entries(tools)) {
        for (const op of ["upload", "download"]) {
          const file = op === "upload" ? src : `${work}/out-${tool}.img`;
          await Deno.remove(`${work}/out-${tool}.img`).catch(() => {});
          const r = await measure([...cmd, `vol-${op}`, "v", file, "--pool", "p"]);
          (times[`${tool} ${op}`] ??= []).push(r.ms);
          if (tool === "vsh") peak = Math.max(peak, r.peak);
        }
      }
    }
    for (const op of ["upload", "download"]) {
      const virsh = summarize(times[`virsh ${op}`]);
      const ours = summarize(times[`vsh ${op}`]);
      report(`vol-${op} 1 GiB via private libvirtd`, "virsh", virsh, ours, "<= 1.0");
      const mbs = (t: Timed) => (GiB / 1048576 / (t.median / 1000)).toFixed(0);
      console.log(
        `${`vol-${op} throughput`.padEnd(44)} virsh ${mbs(virsh)} MiB/s   vsh ${mbs(ours)} MiB/s`,
      );
    }
    console.log(
      `${"vol-upload/download peak RSS (VmHWM)".padEnd(44)} vsh ${
        (peak / 1048576).toFixed(1)
      } MiB   (target < 100 MiB)`,
    );
  } finally {
    await daemon.stop();
    await Deno.remove(work, { recursive: true });
  }
}

if (import.meta.main) await benchStorage();
