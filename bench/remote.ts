// vsh against virsh through a private libvirtd: a long script over the UNIX socket, and what
// pipelining gains a TypeScript caller (many calls in flight on one connection).

import { report } from "./run.ts";
import { startPrivateLibvirtd } from "../test/harness/libvirtd.ts";
import { Connection } from "../virt/connection.ts";

const root = new URL("..", import.meta.url).pathname;
const vsh = [Deno.execPath(), "run", "-A", "--quiet", `${root}main.ts`];

interface Timed {
  median: number;
  min: number;
}

function summarize(times: number[]): Timed {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0] };
}

async function timeScript(cmd: string[], script: string, runs: number): Promise<Timed> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const child = new Deno.Command(cmd[0], {
      args: cmd.slice(1),
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(script));
    await w.close();
    const out = await child.output();
    times.push(performance.now() - start);
    // A run that failed part-way would be fast for the wrong reason.
    if (!out.success || out.stderr.length > 0) {
      throw new Error(`${cmd.join(" ")}: ${new TextDecoder().decode(out.stderr).slice(0, 300)}`);
    }
  }
  return summarize(times);
}

/**
 * Run the remote benchmarks against a private libvirtd (root needed) and print one line each,
 * in bench/run.ts's format: (a) a 2,000-line here-doc over the UNIX socket, virsh against vsh;
 * (b) 1,000 domain lookups through the TypeScript API, sequential against all in flight at once.
 *
 * @example
 * ```ts ignore
 * import { benchRemote } from "./remote.ts";
 * await benchRemote();
 * ```
 */
export async function benchRemote(): Promise<void> {
  const daemon = await startPrivateLibvirtd();
  try {
    const uri = daemon.uri("test:///default");
    const lines: string[] = [];
    for (let i = 0; i < 1000; i++) lines.push("domstate test", "dominfo test");
    const script = lines.join("\n") + "\n";
    const virshCmd = ["virsh", "-q", "-c", uri];
    const vshCmd = [...vsh, "-q", "-c", uri];
    // Warm both once so that neither pays for a cold page cache.
    await timeScript(virshCmd, "domstate test\n", 1);
    await timeScript(vshCmd, "domstate test\n", 1);
    // Alternate the two, so that a change in the machine's load falls on both alike.
    const virshTimes: number[] = [];
    const vshTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      virshTimes.push((await timeScript(virshCmd, script, 1)).median);
      vshTimes.push((await timeScript(vshCmd, script, 1)).median);
    }
    const virsh = summarize(virshTimes);
    const ours = summarize(vshTimes);
    report("2,000-line here-doc over test+unix (libvirtd)", "virsh", virsh, ours, "<= 1.0");

    const conn = await Connection.open(uri);
    try {
      const n = 1000;
      const sequential: number[] = [];
      const concurrent: number[] = [];
      for (let round = 0; round < 5; round++) {
        let start = performance.now();
        for (let i = 0; i < n; i++) await conn.call("domainLookupByName", { name: "test" });
        sequential.push(performance.now() - start);
        start = performance.now();
        const all = await Promise.all(
          Array.from({ length: n }, () => conn.call("domainLookupByName", { name: "test" })),
        );
        concurrent.push(performance.now() - start);
        if (all.length !== n || all.some((r) => r.dom.name !== "test")) {
          throw new Error("a concurrent lookup returned the wrong domain");
        }
      }
      report(
        "1,000 lookups: Promise.all (vsh) vs sequential",
        "seq.",
        summarize(sequential),
        summarize(concurrent),
        "< 1.0",
      );
    } finally {
      await conn.close();
    }
  } finally {
    await daemon.stop();
  }
}

if (import.meta.main) await benchRemote();
