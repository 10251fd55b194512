import { assertEquals } from "../../test/assert.ts";
import { openShell } from "../../mod.ts";
import plugin from "./greet_plugin.ts";

Deno.test("example plugin: greet runs through the scripting API", async () => {
  const sh = await openShell({ uri: "test:///default", plugins: [plugin] });
  try {
    const r = await sh.$`greet ${"test"}`;
    assertEquals(r.stdout, "hello test, you are running\n");
    assertEquals(r.data, { domain: "test", state: "running" });
    const shout = await sh.run("greet test --shout");
    assertEquals(shout.stdout, "HELLO TEST, YOU ARE RUNNING\n");
    const missing = await sh.$`greet ${"no such"}`;
    assertEquals(missing.ok, false);
    assertEquals(missing.stderr.split("\n")[0], "error: failed to get domain 'no such'");
  } finally {
    await sh.close();
  }
});

Deno.test("example plugin: loads from --plugin and from plugin-load", async () => {
  const root = new URL("../..", import.meta.url).pathname;
  const run = async (args: string[], stdin?: string) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", `${root}main.ts`, ...args],
      stdin: stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
      env: { VSH_PLUGIN_PATH: "", XDG_CONFIG_HOME: "/nonexistent" },
    }).spawn();
    if (stdin !== undefined) {
      const w = child.stdin.getWriter();
      await w.write(new TextEncoder().encode(stdin));
      await w.close();
    }
    const o = await child.output();
    return {
      out: new TextDecoder().decode(o.stdout),
      err: new TextDecoder().decode(o.stderr),
      code: o.code,
    };
  };
  const plugin = `${root}docs/examples/greet_plugin.ts`;
  const a = await run(["--plugin", plugin, "-c", "test:///default", "greet", "test"]);
  assertEquals([a.out, a.err, a.code], ["hello test, you are running\n\n", "", 0]);
  const b = await run(
    ["-q", "-c", "test:///default"],
    `plugin-load ${plugin}\ngreet test --json\n`,
  );
  assertEquals(b.err, "");
  assertEquals(
    b.out,
    `vsh # plugin-load ${plugin}\nvsh # greet test --json\n` +
      `{\n  "domain": "test",\n  "state": "running"\n}\nvsh # \n`,
  );
  const broken = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(broken, "export default 42;\n");
  const c = await run(["--plugin", broken, "-c", "test:///default", "echo", "still here"]);
  assertEquals(c.out, "still here\n");
  assertEquals(
    c.err,
    `error: failed to load plugin '${broken}': module has no default export made with definePlugin()\n`,
  );
  await Deno.remove(broken);
});
