// `deno task bench`: vsh against its anchor tools (virsh, qemu-img), side by side in the same
// run, reported as ratios. Run one group with `deno task bench NAME`.

const root = new URL("..", import.meta.url).pathname;
const vsh = [Deno.execPath(), "run", "-A", "--quiet", `${root}main.ts`];

/** One measured command. */
interface Timed {
  median: number;
  min: number;
}

async function timeCommand(cmd: string[], stdin: string | undefined, runs: number): Promise<Timed> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const child = new Deno.Command(cmd[0], {
      args: cmd.slice(1),
      stdin: stdin === undefined ? "null" : "piped",
      stdout: "null",
      stderr: "null",
    }).spawn();
    if (stdin !== undefined) {
      const w = child.stdin.getWriter();
      await w.write(new TextEncoder().encode(stdin));
      await w.close();
    }
    const status = await child.status;
    times.push(performance.now() - start);
    if (!status.success && stdin === undefined) throw new Error(`${cmd.join(" ")} failed`);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0] };
}

/** Print one comparison line: the two medians and vsh's ratio to the anchor. */
export function report(
  name: string,
  anchorName: string,
  anchor: Timed,
  ours: Timed,
  target: string,
) {
  const ratio = ours.median / anchor.median;
  console.log(
    `${name.padEnd(44)} ${anchorName} ${anchor.median.toFixed(1).padStart(8)} ms   vsh ${
      ours.median.toFixed(1).padStart(8)
    } ms   ratio ${ratio.toFixed(2)}  (target ${target})`,
  );
}

const groups: Record<string, () => Promise<void>> = {
  async startup() {
    // Warm both once so that neither pays for a cold page cache.
    await timeCommand(["virsh", "-c", "test:///default", "list", "--all"], undefined, 2);
    await timeCommand([...vsh, "-c", "test:///default", "list", "--all"], undefined, 2);
    const runs = 15;
    const virsh = await timeCommand(
      ["virsh", "-c", "test:///default", "list", "--all"],
      undefined,
      runs,
    );
    const ours = await timeCommand(
      [...vsh, "-c", "test:///default", "list", "--all"],
      undefined,
      runs,
    );
    report("cold start: list --all on test:///default", "virsh", virsh, ours, "<= 1.5");
  },
  async script() {
    const lines: string[] = [];
    for (let i = 0; i < 1000; i++) lines.push("domstate test", "dominfo test");
    const script = lines.join("\n") + "\n";
    const runs = 5;
    const virsh = await timeCommand(["virsh", "-q", "-c", "test:///default"], script, runs);
    const ours = await timeCommand([...vsh, "-q", "-c", "test:///default"], script, runs);
    report("2,000-line here-doc on test:///default", "virsh", virsh, ours, "<= 1.0");
  },
};

// The heavier groups run in their own process each (they start daemons and large files).
for (const name of ["images", "remote", "storage"]) {
  groups[name] = async () => {
    const status = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL(`./${name}.ts`, import.meta.url).pathname],
      stdout: "inherit",
      stderr: "inherit",
    }).spawn().status;
    if (!status.success) throw new Error(`bench/${name}.ts failed`);
  };
}

if (import.meta.main) {
  const only = Deno.args;
  for (const [name, fn] of Object.entries(groups)) {
    if (only.length > 0 && !only.includes(name)) continue;
    try {
      await fn();
    } catch (e) {
      console.log(`${name}: could not run: ${e instanceof Error ? e.message : e}`);
    }
  }
}
