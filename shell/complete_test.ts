import { assertEquals } from "../test/assert.ts";
import { openShell } from "./script_api.ts";
import { complete } from "./complete.ts";

Deno.test("complete: commands, options and live names from the connection", async () => {
  const sh = await openShell({ uri: "test:///default" });
  try {
    const shell = sh.shell;
    assertEquals(
      await complete(shell, "domst"),
      ["domstate", "domstats"].filter((n) => shell.registry.get(n)),
    );
    assertEquals(await complete(shell, "dominfo t"), ["test"]);
    assertEquals(await complete(shell, "dominfo --domain "), ["test"]);
    assertEquals(await complete(shell, "domstate test --rea"), ["--reason"]);
    assertEquals(await complete(shell, "net-info d"), ["default"]);
    assertEquals(await complete(shell, "help dominf"), ["dominfo"]);
    const made = await sh.run("snapshot-create-as test snap1; snapshot-create-as test snap2");
    assertEquals(made.ok, true);
    assertEquals((await complete(shell, "snapshot-info test ")).sort(), ["snap1", "snap2"]);
    assertEquals(await complete(shell, "snapshot-info --domain test --snapshotname snap2"), [
      "snap2",
    ]);
  } finally {
    await sh.close();
  }
});
