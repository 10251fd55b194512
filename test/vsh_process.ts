// vsh run as a separate program from its sources, for tests that check its exit status and
// output as a user sees them.

const root = new URL("..", import.meta.url).pathname;

/** What vsh printed and its exit status. */
export interface VshRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `vsh -q -c URI ARGS...` from the sources. */
export async function runVsh(uri: string, ...args: string[]): Promise<VshRun> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${root}main.ts`, "-q", "-c", uri, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
