// The tree drawing of `snapshot-list --tree`, after virsh's vshTreePrint: each root in list
// order, children under their parent in list order, with virsh's "|" and "+- " art and blank
// lines.

/** One entry of a tree listing: a name and the name of its parent (none for a root). */
export interface TreeNode {
  name: string;
  parent?: string;
}

/**
 * Draw `nodes` as virsh draws a tree. Entries whose parent is not in the list are not drawn.
 *
 * @example
 * ```ts
 * import { printTree } from "./tree.ts";
 * const text = printTree([{ name: "a" }, { name: "b", parent: "a" }]);
 * console.assert(text === "a\n  |\n  +- b\n    \n");
 * ```
 */
export function printTree(nodes: TreeNode[]): string {
  let out = "";
  const draw = (i: number, last: number, root: boolean, indent: string) => {
    const name = nodes[i].name;
    out += `${indent}${root ? "" : "+- "}${name}\n`;
    let inner = indent;
    if (!root) inner += (i === last ? " " : "|") + " ";
    let lastChild = -1;
    nodes.forEach((n, j) => {
      if (n.parent === name) lastChild = j;
    });
    if (lastChild !== -1) out += `${inner}  |\n`;
    nodes.forEach((n, j) => {
      if (n.parent === name) draw(j, lastChild, false, inner + "  ");
    });
    if (lastChild === -1 && i === last) out += `${inner}\n`;
  };
  nodes.forEach((n, i) => {
    if (n.parent === undefined) draw(i, i, true, "");
  });
  return out;
}
