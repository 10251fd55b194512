// Helpers shared by the disk tests: temp dirs and running qemu-img / qemu-io as oracles.

/** Output of a finished command. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program and collects its output. */
export async function run(cmd: string, args: string[], cwd?: string): Promise<Run> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

/** Runs qemu-img and fails the test if it fails. */
export async function qemuImg(args: string[], cwd?: string): Promise<string> {
  const r = await run("qemu-img", args, cwd);
  if (r.code !== 0) throw new Error(`qemu-img ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** Runs qemu-io commands against an image. */
export async function qemuIo(path: string, cmds: string[], format = "qcow2"): Promise<void> {
  const args = ["-f", format];
  for (const c of cmds) args.push("-c", c);
  const r = await run("qemu-io", [...args, path]);
  if (r.code !== 0 || /error|failed/i.test(r.stdout + r.stderr)) {
    throw new Error(`qemu-io ${cmds.join("; ")}: ${r.stdout}${r.stderr}`);
  }
}

/** A fresh temp dir, removed by the returned cleanup. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "vsh-disk-" });
  return { dir, cleanup: () => Deno.remove(dir, { recursive: true }) };
}
