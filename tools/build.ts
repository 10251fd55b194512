// `deno task build`: vsh as it is installed, main.ts and everything it may load bundled into
// dist/ with one chunk per lazily loaded part (a plugin module, the embedded test driver, the
// image library), minified. Start-up then reads a few files instead of every module of the
// shell. `deno task install` installs it as the `vsh` command.

const root = new URL("..", import.meta.url).pathname;

/** Bundle main.ts into `outdir` (emptied first); resolves to the entry file's path. */
export async function buildBundle(outdir = `${root}dist`): Promise<string> {
  await Deno.remove(outdir, { recursive: true }).catch(() => {});
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform=deno",
      "--code-splitting",
      "--minify",
      "--keep-names",
      "--outdir",
      outdir,
      `${root}main.ts`,
    ],
    cwd: root,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`deno bundle failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
  return `${outdir}/main.js`;
}

if (import.meta.main) {
  const entry = await buildBundle(Deno.args[0]);
  console.log(`wrote ${entry}`);
}
