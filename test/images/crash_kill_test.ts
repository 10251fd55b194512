// Crash safety as a crash really happens: a separate vsh process is killed with SIGKILL at a
// random moment of an image-convert, image-commit, image-rebase, image-snapshot or image-resize,
// and then `qemu-img check` must find no corruption in any qcow2 image the process could have
// written (leaks are allowed, as in QEMU), and what a guest would read must be the state before
// or after the operation — as a whole where the operation switches atomically (convert's rename,
// a rebase, a snapshot table, an L1 table), block by block where it cannot (commit, shrink).
// disk/crash_test.ts complements this: it stops the qcow2 layer after every single write, in
// process, so every write point is covered deterministically.
//
// Each scenario first runs twice unkilled: the finished state is checked, and the writing part
// of a run is timed, from the first change to the lab's files (which a watcher polls for) to the
// end. Every kill then comes a delay after the first write the watcher sees, drawn uniformly
// from [0, that span] by a PRNG seeded from VSH_CRASH_SEED (random when unset); start-up varies by
// more than most operations take to write, so delays from the start would mostly miss. The seed
// and the delays are printed, so that a failure can be replayed (timing noise aside), with how
// many kills came while writing. VSH_CRASH_SCALE=K multiplies the number of kills.

import { assert, assertEquals } from "../assert.ts";
import { type Run, run } from "../../disk/_test_util.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const MiB = 1 << 20;
const SEED = Number(
  Deno.env.get("VSH_CRASH_SEED") ?? crypto.getRandomValues(new Uint32Array(1))[0],
);
const SCALE = Number(Deno.env.get("VSH_CRASH_SCALE") ?? 1);

/** mulberry32: a small seeded PRNG giving floats in [0, 1). */
function prng(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, to give every scenario its own stream of delays from the one seed. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * `len` bytes of pseudo-random data that deflate roughly halves, different for every `seed`, with
 * no 512-byte block of zeros.
 */
function pseudo(seed: number, len: number): Uint8Array {
  const b = new Uint8Array(len);
  const w = new Uint32Array(b.buffer);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < w.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    w[i] = ((x >>> 0) & 0x0f0f3f7f) | 0x00000100;
  }
  return b;
}

/** Byte ranges [offset, length] of guest data. */
type Extents = Array<[number, number]>;

/** `count` extents of `len` bytes, one every `every` bytes from `first`. */
function every(first: number, len: number, every: number, count: number): Extents {
  return Array.from({ length: count }, (_, i) => [first + i * every, len]);
}

/**
 * The one inconsistency a snapshot operation may leave, besides leaks: an L2 table or data
 * cluster whose refcount is 1 but whose COPIED flag is not set. Creating and deleting snapshots
 * changes refcounts (in refcount blocks) and COPIED flags (in L1/L2 tables), which no order of
 * writes changes at once; vsh clears flags before it raises refcounts and lowers refcounts before
 * it sets flags, so the window holds only flags that are missing, and a missing flag merely costs
 * a needless copy-on-write at the next write there. (qemu-img snapshot -d, killed the same way,
 * also leaves flags set on clusters with refcount 2, which would let a write land in place.)
 * qemu-img check counts both as corruptions; `check -r all` sets the flags.
 */
const STALE_COPIED = /^ERROR OFLAG_COPIED (data|L2) cluster: .* refcount=1$/;

/** A scratch directory with the programs the checks use. */
class Lab {
  constructor(readonly dir: string) {}
  path(name: string): string {
    return `${this.dir}/${name}`;
  }
  qemu(...args: string[]): Promise<Run> {
    return run("qemu-img", args, this.dir);
  }
  async qemuOk(...args: string[]): Promise<string> {
    const r = await this.qemu(...args);
    if (r.code !== 0) throw new Error(`qemu-img ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  }
  /** vsh with these arguments, which must succeed. */
  async vshOk(...args: string[]): Promise<void> {
    const r = await run(Deno.execPath(), ["run", "-A", MAIN, ...args], this.dir);
    if (r.code !== 0) throw new Error(`vsh ${args.join(" ")}: ${r.stdout}${r.stderr}`);
  }
  /** A raw file of `size` bytes holding pseudo-random data in `extents`. */
  async makeRaw(name: string, size: number, extents: Extents, seed: number): Promise<void> {
    const f = await Deno.open(this.path(name), { write: true, create: true, truncate: true });
    try {
      await f.truncate(size);
      for (const [i, [off, len]] of extents.entries()) {
        await f.seek(off, Deno.SeekMode.Start);
        const data = pseudo(seed * 1000 + i, len);
        for (let done = 0; done < len;) done += await f.write(data.subarray(done));
      }
    } finally {
      f.close();
    }
  }
  /** Writes pseudo-random data into `extents` of a qcow2 image, through qemu-io. */
  async fill(image: string, extents: Extents, seed: number, more: string[] = []): Promise<void> {
    const cmds: string[] = [];
    for (const [i, [off, len]] of extents.entries()) {
      const piece = `piece${i}.bin`;
      await Deno.writeFile(this.path(piece), pseudo(seed * 1000 + i, len));
      cmds.push("-c", `write -q -s ${piece} ${off} ${len}`);
    }
    for (const c of more) cmds.push("-c", c);
    const r = await run("qemu-io", ["-t", "unsafe", "-f", "qcow2", ...cmds, image], this.dir);
    if (r.code !== 0 || r.stderr || r.stdout) throw new Error(`qemu-io ${image}: ${r.stderr}`);
    for (let i = 0; i < extents.length; i++) await Deno.remove(this.path(`piece${i}.bin`));
  }
  /** The guest-visible content of an image (or of one of its snapshots) as a raw file. */
  async flatten(image: string, out: string, snapshot?: string): Promise<string> {
    const l = snapshot === undefined ? [] : ["-l", `snapshot.name=${snapshot}`];
    await this.qemuOk("convert", "-U", ...l, "-O", "raw", image, out);
    return out;
  }
  async copy(from: string, to: string): Promise<void> {
    await Deno.copyFile(this.path(from), this.path(to));
  }
  async exists(name: string): Promise<boolean> {
    try {
      await Deno.stat(this.path(name));
      return true;
    } catch {
      return false;
    }
  }
  async info(image: string): Promise<Record<string, unknown>> {
    return JSON.parse(await this.qemuOk("info", "-U", "--output=json", image));
  }
  async snapshotNames(image: string): Promise<string[]> {
    const snaps = (await this.info(image)).snapshots as Array<{ name: string }> | undefined;
    return (snaps ?? []).map((s) => s.name);
  }

  /**
   * qemu-img check completes and finds no corruption; leaks are allowed. With `staleCopied`,
   * so are COPIED flags missing on clusters whose refcount is 1 (see {@link STALE_COPIED}).
   */
  async assertNoCorruption(image: string, what: string, staleCopied = false): Promise<void> {
    const r = await this.qemu("check", "-U", "-f", "qcow2", "--output=json", image);
    let o: Record<string, number> = {};
    try {
      o = JSON.parse(r.stdout);
    } catch {
      // no JSON: the check could not run at all
    }
    const errors = r.stderr.split("\n").filter((l) => l.startsWith("ERROR"));
    const stale = staleCopied ? errors.filter((l) => STALE_COPIED.test(l)).length : 0;
    const ok = [0, 2, 3].includes(r.code) && !o["check-errors"] &&
      (o.corruptions ?? 0) === stale && errors.length === stale;
    const shown = errors.filter((l) => !staleCopied || !STALE_COPIED.test(l)).slice(0, 20);
    assert(
      ok,
      `${what}: qemu-img check ${image} (exit ${r.code}): ${r.stdout}${shown.join("\n")}` +
        (errors.length
          ? `\n(${errors.length} ERROR lines, ${stale} of them stale COPIED flags)`
          : ""),
    );
  }
  /** qemu-img compare finds equal contents (a longer image must read as zeros past the end). */
  async assertSame(a: string, b: string, what: string): Promise<void> {
    const r = await this.qemu("compare", "-U", a, b);
    const out = (r.stdout + r.stderr).replace(/^Warning: Image size mismatch!\n/, "");
    assertEquals(out, "Images are identical.\n", `${what}: compare ${a} ${b}`);
  }

  /**
   * Every `block` bytes of raw file `actual` in [start, end) equal the same bytes of one of the
   * `candidates` (raw files, read as zeros past their end; null = all zeros).
   */
  async assertBlocks(
    actual: string,
    candidates: Array<string | null>,
    block: number,
    what: string,
    range?: [number, number],
  ): Promise<void> {
    const files = await Promise.all(
      [actual, ...candidates].map((p) => p === null ? null : Deno.open(this.path(p))),
    );
    try {
      const [start, end] = range ?? [0, (await Deno.stat(this.path(actual))).size];
      const CH = 4 * MiB;
      const bufs = files.map(() => new Uint8Array(CH));
      for (let off = start; off < end; off += CH) {
        const n = Math.min(CH, end - off);
        await Promise.all(files.map((f, i) => readAt(f, off, bufs[i].subarray(0, n))));
        const words = bufs.map((b) => new Uint32Array(b.buffer, 0, n >> 2));
        for (let p = 0; p < n >> 2; p += block >> 2) {
          const q = Math.min(n >> 2, p + (block >> 2));
          const match = words.slice(1).some((c) => {
            for (let i = p; i < q; i++) if (c[i] !== words[0][i]) return false;
            return true;
          });
          if (!match) {
            throw new Error(
              `${what}: ${actual} at ${off + p * 4} matches none of ${
                candidates.map((c) => c ?? "zeros").join(", ")
              }`,
            );
          }
        }
      }
    } finally {
      for (const f of files) f?.close();
    }
  }
}

/** Reads `buf.length` bytes at `off` (zeros past the end, or from no file at all). */
async function readAt(f: Deno.FsFile | null, off: number, buf: Uint8Array): Promise<void> {
  let done = 0;
  if (f) {
    await f.seek(off, Deno.SeekMode.Start);
    while (done < buf.length) {
      const n = await f.read(buf.subarray(done));
      if (n === null || n === 0) break;
      done += n;
    }
  }
  buf.fill(0, done);
}

/** One operation to kill. */
interface Scenario {
  name: string;
  kills: number;
  /** Builds the pristine files (once). */
  prepare(lab: Lab): Promise<void>;
  /** Puts back the pristine state before each run. */
  reset(lab: Lab): Promise<void>;
  /** vsh's arguments. */
  args: string[];
  /** Checks the files after a run that was killed, or that finished (`done`). */
  verify(lab: Lab, done: boolean): Promise<void>;
}

/** What became of a vsh run. */
interface Outcome {
  /** Duration, in ms. */
  ms: number;
  /** When the lab's files first changed, in ms (undefined if they did not). */
  firstWrite?: number;
  killed: boolean;
  out: Deno.CommandOutput;
}

/**
 * Runs vsh while watching the lab's files for its first write; with `killAfter`, kills it with
 * SIGKILL that many ms after it.
 */
async function runVsh(lab: Lab, args: string[], killAfter?: number): Promise<Outcome> {
  const files = await listing(lab);
  const start = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    cwd: lab.dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let firstWrite: number | undefined, running = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const kill = () => {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  };
  const watch = (async () => {
    while (running) {
      if (await listing(lab) === files) {
        await new Promise((r) => setTimeout(r, 1));
        continue;
      }
      firstWrite = performance.now() - start;
      if (killAfter === 0) kill();
      else if (killAfter !== undefined) timer = setTimeout(kill, killAfter);
      return;
    }
  })();
  const out = await child.output();
  const ms = performance.now() - start;
  running = false;
  await watch;
  clearTimeout(timer);
  return { ms, firstWrite, killed: out.signal === "SIGKILL", out };
}

/** Names, sizes and modification times of the files in the lab: whether anything was written. */
async function listing(lab: Lab): Promise<string> {
  const out: string[] = [];
  for await (const e of Deno.readDir(lab.dir)) {
    const st = await Deno.stat(lab.path(e.name)).catch(() => null); // renamed meanwhile
    out.push(`${e.name} ${st?.size} ${st?.mtime?.getTime()}`);
  }
  return out.sort().join("\n");
}

async function runScenario(sc: Scenario): Promise<void> {
  const lab = new Lab(await Deno.makeTempDir({ prefix: "vsh-crash-" }));
  const dec = new TextDecoder();
  const output = (r: Outcome) => dec.decode(r.out.stdout) + dec.decode(r.out.stderr);
  try {
    await sc.prepare(lab);
    // Two unkilled runs (the first also warms the caches) measure the writing part of a run,
    // from its first write to its end: the kills are aimed at it, from the first write that
    // the watcher sees. (Process start-up varies more than the writing part takes.) A killed
    // run that finished first shortens it for the next.
    let span = Infinity;
    const runs: number[] = [];
    for (let i = 0; i < 2; i++) {
      await sc.reset(lab);
      const r = await runVsh(lab, sc.args);
      assert(r.out.success, `${sc.name}: unkilled run failed: ${output(r)}`);
      assert(r.firstWrite !== undefined, `${sc.name}: no write seen`);
      await sc.verify(lab, true);
      span = Math.min(span, r.ms - r.firstWrite);
      runs.push(r.ms, r.firstWrite);
    }
    const rand = prng(SEED ^ hash(sc.name));
    const kills = Math.max(1, Math.round(sc.kills * SCALE));
    const delays: number[] = [];
    let before = 0, during = 0, finished = 0;
    for (let k = 0; k < kills; k++) {
      const delay = Math.round(rand() * span);
      delays.push(delay);
      await sc.reset(lab);
      const r = await runVsh(lab, sc.args, delay);
      const what = `${sc.name}, seed ${SEED}, kill ${k + 1} at first write + ${delay} ms`;
      if (!r.killed) {
        assert(r.out.success, `${what}: vsh failed: ${output(r)}`);
        finished++;
        if (r.firstWrite !== undefined) span = Math.min(span, r.ms - r.firstWrite);
      } else if (r.firstWrite === undefined) before++;
      else during++;
      await sc.verify(lab, !r.killed).catch((e) => {
        throw new Error(`${what}: ${e instanceof Error ? e.message : e}`);
      });
    }
    const t = runs.map((x) => x.toFixed(0));
    console.log(
      `${sc.name}: seed ${SEED}; unkilled runs ${t[0]} and ${t[2]} ms, writing from ${t[1]} and ` +
        `${t[3]} ms; kills at first write + ${delays.join(", ")} ms: ${during} while writing, ` +
        `${before} before, ${finished} finished first`,
    );
  } finally {
    await Deno.remove(lab.dir, { recursive: true });
  }
}

// ---- image-convert --------------------------------------------------------------------------

/**
 * image-convert of a raw file into qcow2: the target appears only complete (renamed from a
 * temporary file beside it), and with --force over an older target, that one stays whole until
 * then; the temporary file, if left behind, passes qemu-img check and holds nothing but source
 * data and zeros.
 */
function convertScenario(
  name: string,
  kills: number,
  size: number,
  extents: Extents,
  flags: string[],
): Scenario {
  const replace = flags.includes("--force");
  const temps = async (lab: Lab) => {
    const out: string[] = [];
    for await (const e of Deno.readDir(lab.dir)) {
      if (e.name.startsWith(".out.qcow2.vsh-")) out.push(e.name);
    }
    return out;
  };
  return {
    name,
    kills,
    args: ["image-convert", "src.raw", "out.qcow2", "--format", "qcow2", ...flags],
    async prepare(lab) {
      await lab.makeRaw("src.raw", size, extents, 1);
      if (!replace) return;
      await lab.makeRaw("old.raw", size, every(0, 64 * 1024, MiB, size / MiB), 5);
      await lab.qemuOk("convert", "-O", "qcow2", "old.raw", "old.qcow2");
    },
    async reset(lab) {
      for (const f of [...await temps(lab), "out.qcow2"]) {
        await Deno.remove(lab.path(f)).catch(() => {});
      }
      if (replace) await lab.copy("old.qcow2", "out.qcow2");
    },
    async verify(lab, done) {
      const tmp = await temps(lab);
      const target = await lab.exists("out.qcow2");
      if (done || replace) assert(target, "the target is missing");
      if (target) {
        await lab.assertNoCorruption("out.qcow2", "target");
        const r = await lab.qemu("compare", "-U", "out.qcow2", "src.raw");
        if (r.code === 0 || done || !replace) {
          await lab.assertSame("out.qcow2", "src.raw", "the target must be complete");
          assertEquals(tmp, [], "a temporary file beside a complete target");
          return;
        }
        await lab.assertSame("out.qcow2", "old.raw", "the old target must be intact");
      }
      assert(tmp.length <= 1, `temporary files: ${tmp.join(" ")}`);
      if (!tmp.length) return;
      // Killed before the header was written (image-create writes it last): not an image yet.
      const head = new Uint8Array(4);
      const f = await Deno.open(lab.path(tmp[0]));
      await readAt(f, 0, head).finally(() => f.close());
      if (head.join() !== "81,70,73,251") return; // "QFI\xfb"
      await lab.assertNoCorruption(tmp[0], "temporary target");
      await lab.flatten(tmp[0], "partial.raw");
      await lab.assertBlocks("partial.raw", ["src.raw", null], 512, "temporary target");
    },
  };
}

// ---- image-commit -----------------------------------------------------------------------------

/**
 * image-commit of an overlay (made by image-create, with data and zero clusters) into its base:
 * every block of the base is the old or the new content, and the overlay over it still reads
 * as the committed content throughout (it is emptied only after the base is complete).
 */
const commit: Scenario = {
  name: "image-commit of an overlay into its base",
  kills: 5,
  args: ["image-commit", "top.qcow2"],
  async prepare(lab) {
    await lab.vshOk("image-create", "b0.qcow2", "64M", "--format", "qcow2", "--cluster-size", "4k");
    await lab.fill("b0.qcow2", every(0, MiB, 2 * MiB, 32), 1);
    await lab.copy("b0.qcow2", "base.qcow2");
    await lab.vshOk(
      "image-create",
      "t0.qcow2",
      "--format",
      "qcow2",
      "--backing",
      "base.qcow2",
      "--backing-format",
      "qcow2",
    );
    await lab.fill("t0.qcow2", every(MiB / 2, MiB, 3 * MiB, 20), 2, [
      "write -q -z 8M 2M",
      "write -q -z 41M 64k",
    ]);
    await lab.flatten("b0.qcow2", "pre.raw");
    await lab.flatten("t0.qcow2", "post.raw");
  },
  async reset(lab) {
    await lab.copy("b0.qcow2", "base.qcow2");
    await lab.copy("t0.qcow2", "top.qcow2");
  },
  async verify(lab, done) {
    await lab.assertNoCorruption("base.qcow2", "base");
    await lab.assertNoCorruption("top.qcow2", "overlay");
    await lab.assertSame("top.qcow2", "post.raw", "the overlay's view changed");
    await lab.flatten("base.qcow2", "now.raw");
    if (done) await lab.assertSame("now.raw", "post.raw", "committed base");
    else await lab.assertBlocks("now.raw", ["pre.raw", "post.raw"], 512, "base");
  },
};

// ---- image-rebase -----------------------------------------------------------------------------

/**
 * Safe image-rebase onto a different base: first the differing data is copied into the
 * overlay, then the header switches; the overlay reads the same all along.
 */
const rebase: Scenario = {
  name: "image-rebase (safe) onto another base",
  kills: 4,
  args: ["image-rebase", "top.qcow2", "new.qcow2", "--backing-format", "qcow2"],
  async prepare(lab) {
    for (const [f, ext, seed] of [["old.qcow2", 0, 1], ["new.qcow2", MiB, 3]] as const) {
      await lab.vshOk("image-create", f, "64M", "--format", "qcow2");
      await lab.fill(f, every(ext, MiB, 2 * MiB, 32), seed);
    }
    await lab.vshOk(
      "image-create",
      "t0.qcow2",
      "--format",
      "qcow2",
      "--cluster-size",
      "16k",
      "--backing",
      "old.qcow2",
      "--backing-format",
      "qcow2",
    );
    await lab.fill("t0.qcow2", every(0, 512 * 1024, 5 * MiB, 12), 2);
    await lab.flatten("t0.qcow2", "ref.raw");
  },
  reset: (lab) => lab.copy("t0.qcow2", "top.qcow2"),
  async verify(lab, done) {
    await lab.assertNoCorruption("top.qcow2", "overlay");
    await lab.assertSame("top.qcow2", "ref.raw", "the overlay's content changed");
    const backing = (await lab.info("top.qcow2"))["backing-filename"];
    assert(
      backing === "new.qcow2" || (!done && backing === "old.qcow2"),
      `backing file ${backing}`,
    );
  },
};

// ---- image-snapshot ---------------------------------------------------------------------------

/** A 64 MiB image of 512-byte clusters (many L2 tables and refcount blocks) with snapshot s1. */
async function snapshotImage(lab: Lab, name: string): Promise<void> {
  await lab.vshOk("image-create", name, "64M", "--format", "qcow2", "--cluster-size", "512");
  await lab.fill(name, every(0, MiB, 2 * MiB, 32), 1);
  await lab.qemuOk("snapshot", "-c", "s1", name);
  await lab.fill(name, every(3 * MiB, 256 * 1024, 4 * MiB, 15), 2, ["write -q -z 20M 1M"]);
  await lab.flatten(name, "s1.raw", "s1");
  await lab.flatten(name, "active.raw");
}

/** Snapshot s1 (when it is still listed) holds its own content. */
async function assertS1(lab: Lab, names: string[]): Promise<void> {
  if (!names.includes("s1")) return;
  await lab.flatten("img.qcow2", "now-s1.raw", "s1");
  await lab.assertSame("now-s1.raw", "s1.raw", "snapshot s1 changed");
}

const snapshotCreate: Scenario = {
  name: "image-snapshot --create",
  kills: 3,
  args: ["image-snapshot", "img.qcow2", "--create", "s2"],
  prepare: (lab) => snapshotImage(lab, "i0.qcow2"),
  reset: (lab) => lab.copy("i0.qcow2", "img.qcow2"),
  async verify(lab, done) {
    await lab.assertNoCorruption("img.qcow2", "image", true);
    await lab.assertSame("img.qcow2", "active.raw", "the active state changed");
    const names = await lab.snapshotNames("img.qcow2");
    assert(done ? names.join() === "s1,s2" : ["s1", "s1,s2"].includes(names.join()), `${names}`);
    await assertS1(lab, names);
    if (names.includes("s2")) {
      await lab.flatten("img.qcow2", "now-s2.raw", "s2");
      await lab.assertSame("now-s2.raw", "active.raw", "snapshot s2");
    }
  },
};

const snapshotDelete: Scenario = {
  name: "image-snapshot --delete",
  kills: 3,
  args: ["image-snapshot", "img.qcow2", "--delete", "s1"],
  prepare: (lab) => snapshotImage(lab, "i0.qcow2"),
  reset: (lab) => lab.copy("i0.qcow2", "img.qcow2"),
  async verify(lab, done) {
    await lab.assertNoCorruption("img.qcow2", "image", true);
    await lab.assertSame("img.qcow2", "active.raw", "the active state changed");
    const names = await lab.snapshotNames("img.qcow2");
    assert(done ? names.length === 0 : ["", "s1"].includes(names.join()), `${names}`);
    await assertS1(lab, names);
  },
};

const snapshotApply: Scenario = {
  name: "image-snapshot --apply",
  kills: 2,
  args: ["image-snapshot", "img.qcow2", "--apply", "s1"],
  prepare: (lab) => snapshotImage(lab, "i0.qcow2"),
  reset: (lab) => lab.copy("i0.qcow2", "img.qcow2"),
  async verify(lab, done) {
    await lab.assertNoCorruption("img.qcow2", "image", true);
    const names = await lab.snapshotNames("img.qcow2");
    assertEquals(names, ["s1"]);
    await assertS1(lab, names);
    const r = await lab.qemu("compare", "-U", "img.qcow2", "s1.raw");
    if (done || r.code !== 0) {
      await lab.assertSame("img.qcow2", done ? "s1.raw" : "active.raw", "active state");
    }
  },
};

// ---- image-resize -----------------------------------------------------------------------------

/** A 64 MiB image of 512-byte clusters, half data. */
async function resizeImage(lab: Lab): Promise<void> {
  await lab.vshOk("image-create", "r0.qcow2", "64M", "--format", "qcow2", "--cluster-size", "512");
  await lab.fill("r0.qcow2", every(0, MiB, 2 * MiB, 32), 1);
  await lab.flatten("r0.qcow2", "ref.raw");
}

/** Shrinking drops the tail's clusters first: the tail may read as zeros before the size changes. */
const shrink: Scenario = {
  name: "image-resize --shrink",
  kills: 3,
  args: ["image-resize", "img.qcow2", "20M", "--shrink"],
  prepare: resizeImage,
  reset: (lab) => lab.copy("r0.qcow2", "img.qcow2"),
  async verify(lab, done) {
    await lab.assertNoCorruption("img.qcow2", "image");
    const size = (await lab.info("img.qcow2"))["virtual-size"];
    assert(size === 20 * MiB || (!done && size === 64 * MiB), `size ${size}`);
    await lab.flatten("img.qcow2", "now.raw");
    await lab.assertBlocks("now.raw", ["ref.raw"], 512, "kept part", [0, 20 * MiB]);
    if (size === 64 * MiB) {
      await lab.assertBlocks("now.raw", ["ref.raw", null], 512, "tail", [20 * MiB, 64 * MiB]);
    }
  },
};

/** Growing past what the L1 table covers moves it: 64 MiB → 4 GiB needs 1 MiB of L1. */
const grow: Scenario = {
  name: "image-resize (grow, L1 table moves)",
  kills: 2,
  args: ["image-resize", "img.qcow2", "4G"],
  prepare: resizeImage,
  reset: (lab) => lab.copy("r0.qcow2", "img.qcow2"),
  async verify(lab, done) {
    await lab.assertNoCorruption("img.qcow2", "image");
    const size = (await lab.info("img.qcow2"))["virtual-size"];
    assert(size === 4096 * MiB || (!done && size === 64 * MiB), `size ${size}`);
    await lab.assertSame("img.qcow2", "ref.raw", "content");
  },
};

// ---- the tests --------------------------------------------------------------------------------

const scenarios: Scenario[] = [
  convertScenario(
    "image-convert raw→qcow2, 256 MiB half data",
    7,
    256 * MiB,
    every(0, MiB, 2 * MiB, 128),
    [],
  ),
  convertScenario(
    "image-convert --compress --force over an older target, 64 MiB half data",
    4,
    64 * MiB,
    every(MiB / 2, MiB, 2 * MiB, 32),
    ["--compress", "--force"],
  ),
  convertScenario(
    "image-convert, 512-byte clusters, 64-bit refcounts (the refcount table moves)",
    4,
    8 * MiB,
    every(0, 256 * 1024, 512 * 1024, 16),
    ["--cluster-size", "512", "--refcount-bits", "64"],
  ),
  commit,
  rebase,
  snapshotCreate,
  snapshotDelete,
  snapshotApply,
  shrink,
  grow,
];

for (const sc of scenarios) {
  Deno.test(`killed mid-operation: ${sc.name}`, async () => {
    await runScenario(sc);
  });
}
