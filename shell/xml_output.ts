// The XML output of the *-dumpxml commands: the document as the driver wrote it, or, with
// --xpath, the matching nodes serialised as libxml2's node dump does (optionally --wrap'ped in
// a <nodes> element).

import { opt } from "./command.ts";
import { Result } from "./result.ts";
import { ErrorCode, VirtError } from "../virt/errors.ts";
import { parseXml } from "../virt/xml/tree.ts";
import { evaluateXPath, type XNode, xpathDocument, XPathSyntaxError } from "../virt/xml/xpath.ts";

/** The --xpath and --wrap options virsh gives every *-dumpxml command. */
export const xpathOptions = {
  // virsh reads it "quietly": an empty expression fails the command without a message.
  xpath: opt.string("xpath expression to filter the XML document", {
    namedOnly: true,
    emptyOk: true,
  }),
  wrap: opt.bool("wrap xpath results in an common root element"),
};

// libxml2's escaping of text and attribute values in a node dump (UTF-8 stays as it is).
function escapeText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /\r/g,
    "&#13;",
  );
}

function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, "&quot;").replace(/\n/g, "&#10;").replace(/\t/g, "&#9;");
}

/**
 * A node as libxml2's xmlNodeDump writes it with formatting on: children are indented only
 * while no element on the way down has a text child; below one that has, all is inline.
 */
export function dumpNode(n: XNode, indent = 0, format = true): string {
  if (n.kind === "attribute") return ` ${n.name}="${escapeAttr(n.value)}"`;
  if (n.kind === "text") return escapeText(n.value);
  if (n.kind === "root") {
    const body = n.children.map((c) => dumpNode(c, 0, format)).join("\n");
    return `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`;
  }
  const open = `<${n.name}${n.attrs.map((a) => dumpNode(a, 0, false)).join("")}`;
  if (n.children.length === 0) return `${open}/>`;
  const inner = format && !n.children.some((c) => c.kind === "text");
  if (!inner) return `${open}>${n.children.map((c) => dumpNode(c, 0, false)).join("")}</${n.name}>`;
  const pad = " ".repeat(indent + 2);
  const kids = n.children.map((c) => `\n${pad}${dumpNode(c, indent + 2, true)}`).join("");
  return `${open}>${kids}\n${" ".repeat(indent)}</${n.name}>`;
}

// The <nodes> element --wrap builds: copied attributes become its attributes, adjacent text
// merges, as libxml2's xmlAddChild does.
function wrapNodes(found: XNode[]): XNode {
  const root: XNode = {
    kind: "element",
    name: "nodes",
    value: "",
    parent: undefined,
    children: [],
    attrs: [],
    order: 0,
  };
  for (const n of found) {
    if (n.kind === "attribute") {
      root.attrs = root.attrs.filter((a) => a.name !== n.name);
      root.attrs.push(n);
    } else if (n.kind === "text" && root.children.at(-1)?.kind === "text") {
      const last = root.children.pop()!;
      root.children.push({ ...last, value: last.value + n.value });
    } else if (n.kind === "root") {
      root.children.push(...n.children);
    } else {
      root.children.push(n);
    }
  }
  return root;
}

/**
 * What a *-dumpxml command prints for `xml`: the document itself, or the nodes `xpath`
 * selects, one per line or wrapped.
 */
export function dumpXml(xml: string, xpath: string | undefined, wrap: boolean): Result {
  const r = new Result();
  if (xpath === undefined) {
    r.print(xml);
    r.data = xml;
    return r;
  }
  if (xpath === "") return r.fail();
  const doc = xpathDocument(parseXml(xml, "(xml)"));
  let value;
  try {
    value = evaluateXPath(xpath, doc);
  } catch (e) {
    if (!(e instanceof XPathSyntaxError)) throw e;
    // libxml2 reports a bad expression itself (message, expression, caret) and virsh then
    // finds no nodes.
    // An unfinished literal is reported without the expression and caret, as libxml2 does.
    r.stderr(
      e.message === "Unfinished literal"
        ? `XPath error : ${e.message}\n`
        : `XPath error : ${e.message}\n${xpath}\n${" ".repeat(e.offset)}^\n`,
    );
    return r;
  }
  if (!Array.isArray(value)) {
    throw new VirtError({
      code: ErrorCode.INTERNAL_ERROR,
      domain: 0,
      message: `internal error: Incorrect xpath '${xpath}'`,
    });
  }
  const parts = wrap
    ? [dumpNode(wrapNodes(value), 0, true)]
    : value.map((n) => dumpNode(n, 0, true));
  for (const p of parts) r.print(`${p}\n`);
  r.data = parts;
  return r;
}
