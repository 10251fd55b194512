import { assertEquals } from "../test/assert.ts";
import { manifestTexts } from "./gen_manifest.ts";

Deno.test("plugins/manifest.json and plugins/loaders.ts match the plugins' declarations", async () => {
  const { manifest, loaders } = await manifestTexts();
  const dir = new URL("../plugins/", import.meta.url);
  for (const [file, text] of [["manifest.json", manifest], ["loaders.ts", loaders]]) {
    const committed = await Deno.readTextFile(new URL(file, dir));
    assertEquals(
      committed === text,
      true,
      `plugins/${file} is stale: run \`deno task manifest\``,
    );
  }
});
