// A small element tree over fast-xml-parser, with libxml2-style error reports and libvirt's
// formatting conventions (two-space indent, single-quoted attributes, self-closing empty tags).

import { XMLParser, XMLValidator } from "fast-xml-parser";

/** One XML element: its name, attributes in document order and child nodes. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}

/** A child node: an element or a run of text (entities already decoded). */
export type XmlNode = XmlElement | string;

/** A malformed document, reported the way libvirt reports libxml2's parser errors. */
export class XmlSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "XmlSyntaxError";
  }
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  allowBooleanAttributes: false,
});

type Raw = Record<string, unknown>;

function convert(raw: Raw[]): XmlNode[] {
  const out: XmlNode[] = [];
  for (const item of raw) {
    for (const key of Object.keys(item)) {
      if (key === ":@") continue;
      if (key === "#text") {
        out.push(String(item[key]));
      } else if (!key.startsWith("?") && !key.startsWith("!")) {
        const attrs = (item[":@"] ?? {}) as Record<string, string>;
        out.push({ name: key, attrs: { ...attrs }, children: convert(item[key] as Raw[]) });
      }
    }
  }
  return out;
}

/** The source line and the "----^" pointer libvirt appends to a parser error. */
function errorContext(text: string, line: number, col: number): string {
  const lines = text.split("\n");
  const src = lines[line - 1] ?? "";
  return `${src}\n${"-".repeat(Math.max(0, Math.min(col, src.length)))}^`;
}

/**
 * Parse a document and return its root element; `context` names the document in error messages
 * ("(domain_definition)", a file name, ...), as libvirt does.
 */
export function parseXml(text: string, context: string): XmlElement {
  const body = text.replace(/^\uFEFF/, "");
  if (body.trim() === "") {
    throw new XmlSyntaxError(`${context}:1: Document is empty\n(null)\n^`);
  }
  const first = body.search(/\S/);
  if (body[first] !== "<") {
    const line = body.slice(0, first).split("\n").length;
    const col = first - (body.lastIndexOf("\n", first - 1) + 1);
    throw new XmlSyntaxError(
      `${context}:${line}: Start tag expected, '<' not found\n${errorContext(body, line, col)}`,
    );
  }
  const check = XMLValidator.validate(body, { allowBooleanAttributes: false });
  if (check !== true) throw new XmlSyntaxError(describeError(body, context, check.err));
  const roots = convert(parser.parse(body) as Raw[]).filter((n): n is XmlElement =>
    typeof n !== "string"
  );
  if (roots.length !== 1) {
    const second = findSecondRoot(body);
    throw new XmlSyntaxError(
      `${context}:${second.line}: Extra content at the end of the document\n` +
        errorContext(body, second.line, second.col),
    );
  }
  return roots[0];
}

function findSecondRoot(body: string): { line: number; col: number } {
  const stripped = body.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, (m) => " ".repeat(m.length));
  let depth = 0;
  let seenRoot = false;
  const re = /<(\/?)([^\s/>]+)[^>]*?(\/?)>/g;
  for (let m = re.exec(stripped); m; m = re.exec(stripped)) {
    if (seenRoot && depth === 0) {
      const line = stripped.slice(0, m.index).split("\n").length;
      return { line, col: m.index - (stripped.lastIndexOf("\n", m.index - 1) + 1) };
    }
    if (m[1]) depth--;
    else if (!m[3]) depth++;
    seenRoot = true;
  }
  return { line: 1, col: 0 };
}

interface ValidatorError {
  code: string;
  msg: string;
  line: number;
  col?: number;
}

function describeError(body: string, context: string, err: ValidatorError): string {
  const lines = body.split("\n");
  let line = err.line;
  let col = (err.col ?? 1) - 1;
  let msg: string;
  const mismatch =
    /Expected closing tag '([^']+)' \(opened in line (\d+), col \d+\) instead of closing tag '([^']+)'/
      .exec(err.msg);
  const unclosedTag = /Unclosed tag '([^']+)'/.exec(err.msg);
  const unclosed = unclosedTag
    ? { name: unclosedTag[1], line: err.line }
    : /^Invalid '\[/.test(err.msg)
    ? innermostOpen(body)
    : undefined;
  const repeated = /Attribute '([^']+)' is repeated/.exec(err.msg);
  const badClose = /^Tag '([^'<]*)<[^']*' is an invalid name/.exec(err.msg);
  if (mismatch) {
    msg = `Opening and ending tag mismatch: ${mismatch[1]} line ${mismatch[2]} and ${mismatch[3]}`;
    const src = lines[line - 1] ?? "";
    const close = src.indexOf(">", col);
    col = close >= 0 ? close + 1 : src.length;
  } else if (unclosed) {
    // libxml2 notices at the end of the input: the last line, "(null)" when that line is empty.
    msg = /^<[^>]*>/.test(body.slice(body.lastIndexOf("<")))
      ? `Premature end of data in tag ${unclosed.name} line ${unclosed.line}`
      : `Couldn't find end of Start Tag ${unclosed.name} line ${unclosed.line}`;
    line = lines.length;
    const last = lines[line - 1] ?? "";
    if (last === "") return `${context}:${line}: ${msg}\n(null)\n^`;
    col = last.length;
  } else if (badClose) {
    // A closing tag cut short: libxml2 reads its name and then wants the '>'.
    msg = "expected '>'";
    const src = lines[line - 1] ?? "";
    const at = src.indexOf(`</${badClose[1]}<`);
    col = at >= 0 ? at + 2 + badClose[1].length : col;
  } else if (repeated) {
    msg = `Attribute ${repeated[1]} redefined`;
  } else if (err.code === "InvalidChar") {
    msg = "Start tag expected, '<' not found";
  } else {
    msg = err.msg.replace(/\.$/, "");
  }
  return `${context}:${line}: ${msg}\n${errorContext(body, line, col)}`;
}

/** The innermost element left open at the end of the text, with the line it opens on. */
function innermostOpen(body: string): { name: string; line: number } | undefined {
  const stripped = body.replace(
    /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>/g,
    (m) => m.replace(/[^\n]/g, " "),
  );
  const stack: { name: string; line: number }[] = [];
  const re = /<(\/?)([^\s/>]+)[^>]*?(\/?)>/g;
  for (let m = re.exec(stripped); m; m = re.exec(stripped)) {
    if (m[1]) stack.pop();
    else if (!m[3]) stack.push({ name: m[2], line: stripped.slice(0, m.index).split("\n").length });
  }
  return stack[stack.length - 1];
}

/** A new element; `attrs` values that are undefined are left out. */
export function el(
  name: string,
  attrs: Record<string, string | number | undefined> = {},
  children: XmlNode[] = [],
): XmlElement {
  const a: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) a[k] = String(v);
  return { name, attrs: a, children };
}

/** Element children only (text dropped). */
export function elements(e: XmlElement): XmlElement[] {
  return e.children.filter((c): c is XmlElement => typeof c !== "string");
}

/** The first child element with this name. */
export function child(e: XmlElement, name: string): XmlElement | undefined {
  for (const c of e.children) if (typeof c !== "string" && c.name === name) return c;
  return undefined;
}

/** All child elements with this name. */
export function childrenNamed(e: XmlElement, name: string): XmlElement[] {
  return elements(e).filter((c) => c.name === name);
}

/** The concatenated text content of an element (own text nodes only). */
export function text(e: XmlElement | undefined): string | undefined {
  if (!e) return undefined;
  let s = "";
  for (const c of e.children) if (typeof c === "string") s += c;
  return s;
}

/** Text of the named child, or undefined when absent. */
export function childText(e: XmlElement, name: string): string | undefined {
  return text(child(e, name));
}

/** Escape text the way libvirt's virBufferEscapeString does for element and attribute values. */
export function escapeXml(s: string): string {
  let out = "";
  for (const ch of s) {
    switch (ch) {
      case "<":
        out += "&lt;";
        break;
      case ">":
        out += "&gt;";
        break;
      case "&":
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case "'":
        out += "&apos;";
        break;
      default:
        if (ch < " " && ch !== "\t" && ch !== "\n" && ch !== "\r") continue;
        out += ch;
    }
  }
  return out;
}

function hasElementChild(e: XmlElement): boolean {
  return e.children.some((c) => typeof c !== "string");
}

/**
 * Format an element as libvirt does: two-space indentation, attributes in single quotes,
 * `<x/>` when empty, text-only elements on one line. Whitespace-only text between elements
 * is not reproduced.
 */
export function formatElement(e: XmlElement, indent = 0): string {
  const pad = " ".repeat(indent);
  let open = `${pad}<${e.name}`;
  for (const [k, v] of Object.entries(e.attrs)) open += ` ${k}='${escapeXml(v)}'`;
  if (e.children.length === 0) return `${open}/>\n`;
  if (!hasElementChild(e)) return `${open}>${escapeXml(text(e) ?? "")}</${e.name}>\n`;
  let out = `${open}>\n`;
  for (const c of e.children) {
    if (typeof c === "string") {
      if (c.trim() !== "") out += `${pad}  ${escapeXml(c.trim())}\n`;
    } else {
      out += formatElement(c, indent + 2);
    }
  }
  return `${out}${pad}</${e.name}>\n`;
}

function escapeLibxmlText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeLibxmlAttr(s: string): string {
  return escapeLibxmlText(s).replace(/"/g, "&quot;").replace(/\n/g, "&#10;").replace(
    /\r/g,
    "&#13;",
  ).replace(/\t/g, "&#9;");
}

/**
 * Format a foreign subtree (domain <metadata> content) the way libxml2's node dump does:
 * double-quoted attributes, children indented only when the element holds no text.
 */
export function formatForeign(e: XmlElement, indent: number): string {
  const pad = " ".repeat(indent);
  return pad + dumpForeign(e, indent) + "\n";
}

function dumpForeign(e: XmlElement, indent: number): string {
  let open = `<${e.name}`;
  for (const [k, v] of Object.entries(e.attrs)) open += ` ${k}="${escapeLibxmlAttr(v)}"`;
  if (e.children.length === 0) return `${open}/>`;
  const mixed = e.children.some((c) => typeof c === "string" && c.trim() !== "");
  if (mixed || !hasElementChild(e)) {
    let inner = "";
    for (const c of e.children) {
      inner += typeof c === "string" ? escapeLibxmlText(c) : dumpForeign(c, 0);
    }
    return `${open}>${inner}</${e.name}>`;
  }
  const pad = " ".repeat(indent + 2);
  let inner = "";
  for (const c of e.children) {
    if (typeof c !== "string") inner += `\n${pad}${dumpForeign(c, indent + 2)}`;
  }
  return `${open}>${inner}\n${" ".repeat(indent)}</${e.name}>`;
}

/** Deep copy of an element tree. */
export function cloneElement(e: XmlElement): XmlElement {
  return {
    name: e.name,
    attrs: { ...e.attrs },
    children: e.children.map((c) => typeof c === "string" ? c : cloneElement(c)),
  };
}
