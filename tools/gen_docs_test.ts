import { assertEquals } from "../test/assert.ts";
import { commandReference } from "./gen_docs.ts";

Deno.test("docs/commands.md is generated from the current declarations", async () => {
  const committed = await Deno.readTextFile(new URL("../docs/commands.md", import.meta.url));
  assertEquals(
    committed === commandReference(),
    true,
    "docs/commands.md is stale: run `deno task docs`",
  );
});
