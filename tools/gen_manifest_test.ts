import { assertEquals } from "../test/assert.ts";
import { manifestText } from "./gen_manifest.ts";

Deno.test("plugins/manifest.json matches the plugins' declarations", async () => {
  const committed = await Deno.readTextFile(new URL("../plugins/manifest.json", import.meta.url));
  assertEquals(
    committed === manifestText(),
    true,
    "plugins/manifest.json is stale: run `deno task manifest`",
  );
});
