import { assertEquals } from "../test/assert.ts";
import { compareNames } from "./common.ts";

Deno.test("names sort as vshStrcasecmp sorts them", () => {
  const names = ["net2", "Nobridge", "default", "net1", "Abc", "réseau", "rz"];
  assertEquals(names.sort(compareNames), [
    "Abc",
    "default",
    "net1",
    "net2",
    "Nobridge",
    "rz",
    "réseau",
  ]);
});
