// README's install command gives a working `vsh` command.

import { assertEquals } from "./assert.ts";

const root = new URL("..", import.meta.url).pathname;

Deno.test("deno install -g makes a vsh command that runs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vsh-install-" });
  try {
    const install = await new Deno.Command(Deno.execPath(), {
      args: [
        "install",
        "-g",
        "-A",
        "-f",
        "-n",
        "vsh",
        "--root",
        dir,
        "--config",
        "deno.json",
        "main.ts",
      ],
      cwd: root,
      stdout: "null",
      stderr: "piped",
    }).output();
    assertEquals(install.success, true, new TextDecoder().decode(install.stderr));
    const denoDir = Deno.execPath().replace(/\/[^/]+$/, "");
    const run = await new Deno.Command(`${dir}/bin/vsh`, {
      args: ["-c", "test:///default", "domstate", "test"],
      cwd: dir,
      env: { PATH: `${denoDir}:${Deno.env.get("PATH")}` },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(new TextDecoder().decode(run.stdout), "running\n\n");
    assertEquals(run.code, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
