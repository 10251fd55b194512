// README's install commands give a working `vsh` command: the sources as they are, and the
// bundle that `deno task install` builds.

import { assertEquals } from "./assert.ts";
import { buildBundle } from "../tools/build.ts";

const root = new URL("..", import.meta.url).pathname;

async function installAndRun(entry: string[]) {
  const dir = await Deno.makeTempDir({ prefix: "vsh-install-" });
  try {
    const install = await new Deno.Command(Deno.execPath(), {
      args: ["install", "-g", "-A", "-f", "-n", "vsh", "--root", dir, ...entry],
      cwd: root,
      stdout: "null",
      stderr: "piped",
    }).output();
    assertEquals(install.success, true, new TextDecoder().decode(install.stderr));
    const denoDir = Deno.execPath().replace(/\/[^/]+$/, "");
    const run = await new Deno.Command(`${dir}/bin/vsh`, {
      args: ["-c", "test:///default", "domstate test; pool-list --name"],
      cwd: dir,
      env: { PATH: `${denoDir}:${Deno.env.get("PATH")}` },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(new TextDecoder().decode(run.stderr), "");
    assertEquals(new TextDecoder().decode(run.stdout), "running\n\ndefault-pool        \n\n");
    assertEquals(run.code, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("deno install -g of the sources makes a vsh command that runs", async () => {
  await installAndRun(["--config", "deno.json", "main.ts"]);
});

Deno.test("the bundle that deno task install builds runs as the vsh command", async () => {
  const out = await Deno.makeTempDir({ prefix: "vsh-dist-" });
  try {
    const entry = await buildBundle(out);
    await installAndRun(["--no-config", entry]);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
