// A small element tree with its own parser, libxml2-style error reports and libvirt's
// formatting conventions (two-space indent, single-quoted attributes, self-closing empty tags).
// The parser is hand-written rather than a library so that start-up stays cheap and each
// malformed input fails with the message and position libxml2 gives for it.

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

const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a ||
    c >= 0xc0;
}

const BLANKS = /[ \t\r\n]*/y;
const NAME_CHARS = /[A-Za-z0-9_:.\u00b7\u00c0-\uffff-]*/y;
const PLAIN_VALUE = /[<&\t\r\n]/;

/** One pass over a document; `fail` reports at an offset the way libvirt prints it. */
class Parser {
  pos = 0;
  constructor(readonly src: string, readonly context: string) {}

  fail(message: string, at = this.pos): never {
    const src = this.src;
    // libvirt shows the line around the offset, stepping back over a line break it sits on.
    let cur = at;
    while (cur > 0 && (src[cur] === "\n" || src[cur] === "\r")) cur--;
    while (cur > 0 && src[cur] !== "\n" && src[cur] !== "\r") cur--;
    if (src[cur] === "\n" || src[cur] === "\r") cur++;
    let end = cur;
    while (end < src.length && src[end] !== "\n" && src[end] !== "\r") end++;
    const shown = src.slice(cur, end);
    throw new XmlSyntaxError(
      `${this.context}:${this.lineOf(at)}: ${message}\n${shown === "" ? "(null)" : shown}\n${
        "-".repeat(at - cur)
      }^`,
    );
  }

  lineOf(at: number): number {
    let line = 1;
    for (let i = this.src.indexOf("\n"); i >= 0 && i < at; i = this.src.indexOf("\n", i + 1)) {
      line++;
    }
    return line;
  }

  // Scanning is left to sticky regular expressions where it can be: they run at full speed
  // while this code is still cold, which is all of a one-shot command's life.
  skipBlanks(): void {
    BLANKS.lastIndex = this.pos;
    BLANKS.test(this.src);
    this.pos = BLANKS.lastIndex;
  }

  name(): string {
    NAME_CHARS.lastIndex = this.pos;
    NAME_CHARS.test(this.src);
    const start = this.pos;
    this.pos = NAME_CHARS.lastIndex;
    return this.src.slice(start, this.pos);
  }

  document(): XmlElement {
    const src = this.src;
    if (src.startsWith("<?xml") && isBlank(src.charCodeAt(5))) this.skipPi();
    this.misc();
    if (src.startsWith("<!DOCTYPE", this.pos)) {
      this.skipDoctype();
      this.misc();
    }
    if (src.charCodeAt(this.pos) !== 0x3c) this.fail("Start tag expected, '<' not found");
    const root = this.element();
    this.misc();
    if (this.pos < src.length) this.fail("Extra content at the end of the document");
    return root;
  }

  /** Blanks, comments and processing instructions around the root element. */
  misc(): void {
    for (;;) {
      this.skipBlanks();
      if (this.src.startsWith("<!--", this.pos)) this.comment();
      else if (this.src.startsWith("<?", this.pos)) this.skipPi();
      else return;
    }
  }

  skipPi(): void {
    const src = this.src;
    this.pos += 2;
    const target = this.name();
    if (target.toLowerCase() === "xml" && this.pos - target.length > 2) {
      this.fail("XML declaration allowed only at the start of the document");
    }
    const end = src.indexOf("?>", this.pos);
    if (end < 0) {
      this.pos = src.length;
      this.fail("ParsePI: PI " + target + " never end ...");
    }
    this.pos = end + 2;
  }

  skipDoctype(): void {
    const src = this.src;
    let depth = 0;
    for (; this.pos < src.length; this.pos++) {
      const c = src[this.pos];
      if (c === "[") depth++;
      else if (c === "]") depth--;
      else if (c === ">" && depth === 0) {
        this.pos++;
        return;
      }
    }
    this.fail("DOCTYPE improperly terminated");
  }

  comment(): void {
    const src = this.src;
    const start = this.pos + 4;
    const end = src.indexOf("--", start);
    if (end < 0) {
      this.pos = src.length;
      this.fail("Comment not terminated");
    }
    if (src.charCodeAt(end + 2) !== 0x3e) {
      this.fail(`Double hyphen within comment: <!--${src.slice(start, end).slice(0, 50)}`, end);
    }
    this.pos = end + 3;
  }

  /** An element starting at '<', with everything up to its end tag. */
  element(): XmlElement {
    const src = this.src;
    const stack: { el: XmlElement; at: number; text: string }[] = [];
    let top: { el: XmlElement; at: number; text: string } | undefined;
    for (;;) {
      // At a '<' that opens an element.
      const at = this.pos;
      this.pos++;
      if (!isNameStart(src.charCodeAt(this.pos))) this.fail("StartTag: invalid element name");
      const el: XmlElement = { name: this.name(), attrs: {}, children: [] };
      const empty = this.attributes(el, at);
      if (top) {
        if (top.text !== "") top.el.children.push(top.text);
        top.text = "";
        top.el.children.push(el);
      }
      if (!empty) {
        if (top) stack.push(top);
        top = { el, at, text: "" };
      } else if (!top) {
        return el;
      }
      // Content of `top` up to the next start tag, or its end.
      for (;;) {
        const lt = src.indexOf("<", this.pos);
        const stop = lt < 0 ? src.length : lt;
        if (stop > this.pos) top.text += this.chars(stop);
        if (lt < 0) {
          this.pos = src.length;
          this.fail(`Premature end of data in tag ${top.el.name} line ${this.lineOf(top.at)}`);
        }
        const next = src.charCodeAt(lt + 1);
        if (next === 0x2f) {
          this.endTag(top);
          if (top.text !== "") top.el.children.push(top.text);
          const done = top.el;
          top = stack.pop();
          if (!top) return done;
        } else if (next === 0x21 && src.startsWith("<!--", lt)) {
          this.comment();
        } else if (next === 0x21 && src.startsWith("<![CDATA[", lt)) {
          const end = src.indexOf("]]>", lt + 9);
          if (end < 0) {
            this.pos = src.length;
            this.fail("CData section not finished");
          }
          top.text += src.slice(lt + 9, end);
          this.pos = end + 3;
        } else if (next === 0x3f) {
          this.skipPi();
        } else {
          break;
        }
      }
    }
  }

  /** Attributes up to the end of a start tag; true when the tag closes itself. */
  attributes(el: XmlElement, at: number): boolean {
    const src = this.src;
    this.skipBlanks();
    for (;;) {
      const c = src.charCodeAt(this.pos);
      if (c === 0x3e) {
        this.pos++;
        return false;
      }
      if (c === 0x2f && src.charCodeAt(this.pos + 1) === 0x3e) {
        this.pos += 2;
        return true;
      }
      if (this.pos >= src.length) {
        this.fail(`Couldn't find end of Start Tag ${el.name} line ${this.lineOf(at)}`);
      }
      if (!isNameStart(c)) this.fail("error parsing attribute name");
      const name = this.name();
      this.skipBlanks();
      if (src.charCodeAt(this.pos) !== 0x3d) {
        this.fail(`Specification mandates value for attribute ${name}`);
      }
      this.pos++;
      this.skipBlanks();
      const value = this.attrValue();
      if (Object.hasOwn(el.attrs, name)) this.fail(`Attribute ${name} redefined`);
      el.attrs[name] = value;
      const after = src.charCodeAt(this.pos);
      if (after === 0x3e || (after === 0x2f && src.charCodeAt(this.pos + 1) === 0x3e)) continue;
      if (!isBlank(after)) this.fail("attributes construct error");
      this.skipBlanks();
    }
  }

  attrValue(): string {
    const src = this.src;
    const quote = src[this.pos];
    if (quote !== "'" && quote !== '"') this.fail(`AttValue: " or ' expected`);
    this.pos++;
    const close = src.indexOf(quote, this.pos);
    if (close >= 0) {
      const value = src.slice(this.pos, close);
      if (!PLAIN_VALUE.test(value)) {
        this.pos = close + 1;
        return value;
      }
    }
    let out = "";
    for (;;) {
      const c = src.charCodeAt(this.pos);
      if (this.pos >= src.length) this.fail("AttValue: ' expected");
      if (src[this.pos] === quote) {
        this.pos++;
        return out;
      }
      if (c === 0x3c) this.fail("Unescaped '<' not allowed in attributes values");
      if (c === 0x26) {
        out += this.reference();
      } else {
        // Attribute-value normalisation: each literal blank becomes a space.
        out += isBlank(c) ? " " : src[this.pos];
        this.pos++;
      }
    }
  }

  /** Character data up to `stop`, references decoded. */
  chars(stop: number): string {
    const src = this.src;
    let out = "";
    while (this.pos < stop) {
      const amp = src.indexOf("&", this.pos);
      const end = amp < 0 || amp > stop ? stop : amp;
      const run = src.slice(this.pos, end);
      const bad = run.indexOf("]]>");
      if (bad >= 0) this.fail("Sequence ']]>' not allowed in content", this.pos + bad);
      out += run;
      this.pos = end;
      if (end < stop) out += this.reference();
    }
    return out;
  }

  /** A character or entity reference starting at '&'. */
  reference(): string {
    const src = this.src;
    this.pos++;
    if (src.charCodeAt(this.pos) === 0x23) {
      this.pos++;
      const hex = src[this.pos] === "x";
      if (hex) this.pos++;
      let value = 0;
      for (;;) {
        const ch = src[this.pos];
        if (ch === ";") break;
        const digit = hex ? parseInt(ch, 16) : ch >= "0" && ch <= "9" ? Number(ch) : NaN;
        if (ch === undefined || Number.isNaN(digit)) {
          this.fail(`CharRef: invalid ${hex ? "hexadecimal" : "decimal"} value`);
        }
        value = Math.min(value * (hex ? 16 : 10) + digit, 0x110000);
        this.pos++;
      }
      this.pos++;
      const valid = value === 0x9 || value === 0xa || value === 0xd ||
        (value >= 0x20 && value <= 0xd7ff) || (value >= 0xe000 && value <= 0xfffd) ||
        (value >= 0x10000 && value <= 0x10ffff);
      if (!valid) this.fail(`xmlParseCharRef: invalid xmlChar value ${value}`);
      return String.fromCodePoint(value);
    }
    if (!isNameStart(src.charCodeAt(this.pos))) this.fail("xmlParseEntityRef: no name");
    const name = this.name();
    if (src[this.pos] !== ";") this.fail("EntityRef: expecting ';'");
    this.pos++;
    const value = PREDEFINED[name];
    if (value === undefined) this.fail(`Entity '${name}' not defined`);
    return value;
  }

  /** An end tag at '<' that must close `open`. */
  endTag(open: { el: XmlElement; at: number }): void {
    this.pos += 2;
    const name = this.name();
    this.skipBlanks();
    if (this.src.charCodeAt(this.pos) !== 0x3e) this.fail("expected '>'");
    this.pos++;
    if (name !== open.el.name) {
      this.fail(
        `Opening and ending tag mismatch: ${open.el.name} line ${this.lineOf(open.at)} and ${name}`,
      );
    }
  }
}

/**
 * Parse a document and return its root element; `context` names the document in error messages
 * ("(domain_definition)", a file name, ...), as libvirt does.
 */
export function parseXml(text: string, context: string): XmlElement {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body === "") throw new XmlSyntaxError(`${context}:1: Document is empty\n(null)\n^`);
  return new Parser(body, context).document();
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
