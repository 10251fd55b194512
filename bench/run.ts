// `deno task bench`: vsh against its anchor tools (virsh, qemu-img), side by side in the same
// run, reported as ratios. Run one group with `deno task bench NAME`.

import { buildBundle } from "../tools/build.ts";

const root = new URL("..", import.meta.url).pathname;
/** vsh from its sources, as `deno task vsh` runs it. */
const vshSources = [Deno.execPath(), "run", "-A", "--quiet", `${root}main.ts`];

/** vsh as `deno task install` installs it: the bundle, built for this run. */
let vshInstalled: string[] | undefined;
async function installedVsh(): Promise<string[]> {
  if (!vshInstalled) {
    const dir = await Deno.makeTempDir({ prefix: "vsh-bench-dist-" });
    globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
    vshInstalled = [Deno.execPath(), "run", "-A", "--quiet", "--no-config", await buildBundle(dir)];
  }
  return vshInstalled;
}

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

/** The median and minimum of some times. */
function summarize(times: number[]): Timed {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0] };
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
    const forms: [string, string[]][] = [
      ["installed", await installedVsh()],
      ["sources", vshSources],
    ];
    const list = ["-c", "test:///default", "list", "--all"];
    // Warm every command once so that none pays for a cold page cache or code cache.
    await timeCommand(["virsh", ...list], undefined, 2);
    for (const [, vsh] of forms) await timeCommand([...vsh, ...list], undefined, 2);
    await timeCommand([Deno.execPath(), "eval", "0"], undefined, 2);
    const runs = 21;
    // Interleaved rounds, so that a busy moment of the machine falls on every command alike.
    const virsh: number[] = [];
    const ours: number[][] = forms.map(() => []);
    const empty: number[] = [];
    for (let i = 0; i < runs; i++) {
      virsh.push((await timeCommand(["virsh", ...list], undefined, 1)).median);
      for (const [k, [, vsh]] of forms.entries()) {
        ours[k].push((await timeCommand([...vsh, ...list], undefined, 1)).median);
      }
      empty.push((await timeCommand([Deno.execPath(), "eval", "0"], undefined, 1)).median);
    }
    const anchor = summarize(virsh);
    for (const [k, [form]] of forms.entries()) {
      report(`cold start: list --all (vsh ${form})`, "virsh", anchor, summarize(ours[k]), "<= 1.5");
    }
    report("  for scale: deno eval 0 (Deno's empty start)", "virsh", anchor, summarize(empty), "-");
  },
  async script() {
    const lines: string[] = [];
    for (let i = 0; i < 1000; i++) lines.push("domstate test", "dominfo test");
    const script = lines.join("\n") + "\n";
    const runs = 7;
    const args = ["-q", "-c", "test:///default"];
    const forms: [string, string[]][] = [
      ["installed", await installedVsh()],
      ["sources", vshSources],
    ];
    await timeCommand(["virsh", ...args], script, 1);
    for (const [, vsh] of forms) await timeCommand([...vsh, ...args], script, 1);
    const virsh: number[] = [];
    const ours: number[][] = forms.map(() => []);
    for (let i = 0; i < runs; i++) {
      virsh.push((await timeCommand(["virsh", ...args], script, 1)).median);
      for (const [k, [, vsh]] of forms.entries()) {
        ours[k].push((await timeCommand([...vsh, ...args], script, 1)).median);
      }
    }
    const anchor = summarize(virsh);
    for (const [k, [form]] of forms.entries()) {
      report(`2,000-line here-doc (vsh ${form})`, "virsh", anchor, summarize(ours[k]), "<= 1.0");
    }
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
