// snapshot-list --tree's drawing, against what virsh 9.0 printed for the same snapshots.

import { assertEquals } from "../../test/assert.ts";
import { printTree } from "./tree.ts";

Deno.test("nested children draw virsh's bars, corners and blank lines", () => {
  const nodes = [
    { name: "a" },
    { name: "Ab", parent: "a" },
    { name: "b", parent: "a" },
    { name: "c", parent: "b" },
    { name: "d", parent: "a" },
    { name: "e", parent: "d" },
    { name: "off", parent: "Ab" },
  ];
  assertEquals(
    printTree(nodes),
    "a\n  |\n  +- Ab\n  |   |\n  |   +- off\n  |     \n  +- b\n  |   |\n  |   +- c\n" +
      "  |     \n  +- d\n      |\n      +- e\n        \n",
  );
});

Deno.test("every root is drawn; a childless root ends with an empty line", () => {
  assertEquals(printTree([{ name: "a" }, { name: "f" }]), "a\n\nf\n\n");
  assertEquals(printTree([]), "");
});

Deno.test("entries whose parent is not listed are left out", () => {
  assertEquals(printTree([{ name: "x", parent: "gone" }, { name: "r" }]), "r\n\n");
});
