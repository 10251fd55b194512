// Shared by the images tests: a scratch directory, qemu-img as the oracle, and a vsh shell
// whose working directory is the scratch directory.

import { openShell, type ScriptShell } from "../../shell/script_api.ts";
import { assertEquals } from "../assert.ts";

/** What a process printed and its exit status. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program in `cwd`. */
export async function run(cmd: string, args: string[], cwd: string): Promise<Run> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** A scratch directory with qemu-img and a vsh shell working in it. */
export interface Lab {
  dir: string;
  vsh: ScriptShell;
  /** qemu-img with these arguments, in `dir`. */
  qemu(...args: string[]): Promise<Run>;
  /** qemu-img that must succeed; returns its stdout. */
  qemuOk(...args: string[]): Promise<string>;
  /** qemu-io commands on an image (to put data in); `*.raw` files are raw, others qcow2. */
  write(file: string, ...commands: string[]): Promise<void>;
  /** Asserts that qemu-img check finds no errors and no leaks. */
  assertClean(file: string): Promise<void>;
  /** Asserts that qemu-img compare finds the two images' contents equal. */
  assertSameContent(a: string, b: string): Promise<void>;
  close(): Promise<void>;
}

/** Opens a lab; `uri` is the vsh connection (test:///default when omitted). */
export async function openLab(uri?: string): Promise<Lab> {
  const dir = await Deno.makeTempDir({ prefix: "vsh-images-" });
  const vsh = await openShell({ uri });
  vsh.shell.chdir(dir);
  const qemu = (...args: string[]) => run("qemu-img", args, dir);
  const qemuOk = async (...args: string[]) => {
    const r = await qemu(...args);
    if (r.code !== 0) throw new Error(`qemu-img ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  return {
    dir,
    vsh,
    qemu,
    qemuOk,
    async write(file, ...commands) {
      const args = commands.flatMap((c) => ["-c", c]);
      const fmt = file.endsWith(".raw") ? "raw" : "qcow2";
      const r = await run("qemu-io", ["-f", fmt, ...args, file], dir);
      if (r.code !== 0 || r.stderr) throw new Error(`qemu-io ${file}: ${r.stderr}`);
    },
    async assertClean(file) {
      const r = await qemu("check", file);
      if (r.code === 63) return; // raw: nothing to check
      assertEquals(r.code, 0, `qemu-img check ${file}: ${r.stdout}${r.stderr}`);
    },
    async assertSameContent(a, b) {
      const r = await qemu("compare", a, b);
      assertEquals(r.stdout + r.stderr, "Images are identical.\n", `compare ${a} ${b}`);
    },
    async close() {
      await vsh.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** qemu-img's stderr lines as vsh prints them ("qemu-img: x" → "error: x"). */
export function asVshErrors(qemuStderr: string): string {
  return qemuStderr.split("\n").filter((l) => l !== "").map((l) =>
    "error: " + l.replace(/^qemu-img: /, "") + "\n"
  ).join("");
}

/** Writes a small test pattern: `n` distinct 64 KiB-aligned stretches of data. */
export function pattern(n: number): string[] {
  const cmds: string[] = [];
  for (let i = 0; i < n; i++) cmds.push(`write -P ${0x11 + i} ${i * 192}k ${32 + i * 8}k`);
  return cmds;
}
