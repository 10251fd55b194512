// A small XPath 1.0 evaluator over vsh's XML element trees, enough for virsh's `--xpath`
// options: location paths on every axis, predicates, unions, the operators and the core
// function library. Documents are viewed as libxml2 views them with blanks not kept.

import type { XmlElement } from "./tree.ts";

/** A node of the evaluated document. */
export interface XNode {
  kind: "root" | "element" | "attribute" | "text";
  name: string;
  /** An attribute's value or a text node's text. */
  value: string;
  parent: XNode | undefined;
  children: XNode[];
  attrs: XNode[];
  /** Position in document order. */
  order: number;
}

/** An XPath value. */
export type XValue = XNode[] | string | number | boolean;

/** An expression that is not XPath (libxml2's "Invalid expression" and friends). */
export class XPathSyntaxError extends Error {
  /** Where in the expression parsing stopped (libxml2 puts its caret there). */
  readonly offset: number;
  constructor(message: string, offset = 0) {
    super(message);
    this.name = "XPathSyntaxError";
    this.offset = offset;
  }
}

// libxml2's rule for blank text when blanks are not kept: it stays when it is all the element
// holds, or when text came before it in the element (mixed content).
function keepBlank(e: XmlElement, built: XNode): boolean {
  if (e.children.length === 1) return true;
  return built.children.length > 0 &&
    (built.children[0].kind === "text" || built.children.at(-1)!.kind === "text");
}

/** Build the node tree of a document, dropping whitespace-only text as libxml2 does. */
export function xpathDocument(root: XmlElement): XNode {
  let order = 0;
  const doc: XNode = {
    kind: "root",
    name: "",
    value: "",
    parent: undefined,
    children: [],
    attrs: [],
    order: order++,
  };
  const build = (e: XmlElement, parent: XNode): XNode => {
    const n: XNode = {
      kind: "element",
      name: e.name,
      value: "",
      parent,
      children: [],
      attrs: [],
      order: order++,
    };
    for (const [k, v] of Object.entries(e.attrs)) {
      n.attrs.push({
        kind: "attribute",
        name: k,
        value: v,
        parent: n,
        children: [],
        attrs: [],
        order: order++,
      });
    }
    for (const c of e.children) {
      if (typeof c === "string") {
        if (c.trim() === "" && !keepBlank(e, n)) continue;
        n.children.push({
          kind: "text",
          name: "",
          value: c,
          parent: n,
          children: [],
          attrs: [],
          order: order++,
        });
      } else {
        n.children.push(build(c, n));
      }
    }
    return n;
  };
  doc.children.push(build(root, doc));
  return doc;
}

/** The string-value of a node. */
export function stringValue(n: XNode): string {
  if (n.kind === "attribute" || n.kind === "text") return n.value;
  return n.children.map(stringValue).join("");
}

// ---- tokens ----

type Tok =
  | { t: "num"; v: number; at: number }
  | { t: "str"; v: string; at: number }
  | { t: "name"; v: string; at: number }
  | { t: "op"; v: string; at: number };

const OPS = [
  "//",
  "::",
  "..",
  "!=",
  "<=",
  ">=",
  "/",
  "[",
  "]",
  "(",
  ")",
  "@",
  ",",
  "|",
  ".",
  "=",
  "<",
  ">",
  "+",
  "-",
  "*",
  "$",
];

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (" \t\n\r".includes(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new XPathSyntaxError("Unfinished literal", i);
      out.push({ t: "str", v: src.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    const num = /^(\d+(\.\d*)?|\.\d+)/.exec(src.slice(i));
    if (num) {
      out.push({ t: "num", v: Number(num[0]), at: i });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*(:(?!:)[A-Za-z_][\w.\-]*)?/
      .exec(src.slice(i));
    if (name) {
      out.push({ t: "name", v: name[0], at: i });
      i += name[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new XPathSyntaxError("Invalid expression", i);
    out.push({ t: "op", v: op, at: i });
    i += op.length;
  }
  return out;
}

// ---- syntax tree ----

type Step = { axis: string; test: NodeTest; preds: Expr[] };
type NodeTest =
  | { k: "name"; name: string }
  | { k: "any" }
  | { k: "type"; type: "node" | "text" | "comment" | "processing-instruction" };
type Expr =
  | { k: "num"; v: number }
  | { k: "str"; v: string }
  | { k: "bin"; op: string; a: Expr; b: Expr }
  | { k: "neg"; a: Expr }
  | { k: "call"; name: string; args: Expr[] }
  | { k: "path"; absolute: boolean; filter?: Expr; filterPreds?: Expr[]; steps: Step[] };

const AXES = new Set([
  "ancestor",
  "ancestor-or-self",
  "attribute",
  "child",
  "descendant",
  "descendant-or-self",
  "following",
  "following-sibling",
  "namespace",
  "parent",
  "preceding",
  "preceding-sibling",
  "self",
]);
const NODE_TYPES = new Set(["node", "text", "comment", "processing-instruction"]);
const DESCENDANT_OR_SELF: Step = {
  axis: "descendant-or-self",
  test: { k: "type", type: "node" },
  preds: [],
};

class Parser {
  private i = 0;
  constructor(private toks: Tok[], private end = 0) {}

  private fail(): XPathSyntaxError {
    return new XPathSyntaxError("Invalid expression", this.peek()?.at ?? this.end);
  }

  private peek(o = 0): Tok | undefined {
    return this.toks[this.i + o];
  }
  private isOp(v: string, o = 0): boolean {
    const t = this.peek(o);
    return t !== undefined && t.t === "op" && t.v === v;
  }
  private isName(v: string): boolean {
    const t = this.peek();
    return t !== undefined && t.t === "name" && t.v === v;
  }
  private expect(v: string): void {
    if (!this.isOp(v)) throw this.fail();
    this.i++;
  }

  parse(): Expr {
    const e = this.or();
    if (this.i < this.toks.length) throw this.fail();
    return e;
  }

  private binary(next: () => Expr, ops: string[], named = false): Expr {
    let a = next();
    for (;;) {
      const t = this.peek();
      if (!t || t.t !== (named ? "name" : "op") || !ops.includes(String(t.v))) return a;
      this.i++;
      a = { k: "bin", op: String(t.v), a, b: next() };
    }
  }
  private or = (): Expr => this.binary(this.and, ["or"], true);
  private and = (): Expr => this.binary(this.equality, ["and"], true);
  private equality = (): Expr => this.binary(this.relational, ["=", "!="]);
  private relational = (): Expr => this.binary(this.additive, ["<", ">", "<=", ">="]);
  private additive = (): Expr => this.binary(this.multiplicative, ["+", "-"]);
  private multiplicative = (): Expr => {
    let a = this.unary();
    for (;;) {
      const t = this.peek();
      if (t && t.t === "op" && t.v === "*") {
        this.i++;
        a = { k: "bin", op: "*", a, b: this.unary() };
      } else if (t && t.t === "name" && (t.v === "div" || t.v === "mod")) {
        this.i++;
        a = { k: "bin", op: t.v, a, b: this.unary() };
      } else return a;
    }
  };
  private unary = (): Expr => {
    if (this.isOp("-")) {
      this.i++;
      return { k: "neg", a: this.unary() };
    }
    return this.binary(this.pathExpr, ["|"]);
  };

  private pathExpr = (): Expr => {
    const t = this.peek();
    if (!t) throw this.fail();
    const startsFilter = t.t === "num" || t.t === "str" || (t.t === "op" && t.v === "(") ||
      (t.t === "name" && this.isOp("(", 1) && !NODE_TYPES.has(t.v));
    if (startsFilter) {
      const filter = this.primary();
      const filterPreds: Expr[] = [];
      while (this.isOp("[")) filterPreds.push(this.predicate());
      const steps: Step[] = [];
      if (this.isOp("/") || this.isOp("//")) this.relativePath(steps, true);
      if (steps.length === 0 && filterPreds.length === 0) return filter;
      return { k: "path", absolute: false, filter, filterPreds, steps };
    }
    const steps: Step[] = [];
    if (this.isOp("/")) {
      this.i++;
      if (this.startsStep()) this.relativePath(steps, false);
      return { k: "path", absolute: true, steps };
    }
    if (this.isOp("//")) {
      this.i++;
      steps.push(DESCENDANT_OR_SELF);
      this.relativePath(steps, false);
      return { k: "path", absolute: true, steps };
    }
    this.relativePath(steps, false);
    return { k: "path", absolute: false, steps };
  };

  private startsStep(): boolean {
    const t = this.peek();
    if (!t) return false;
    if (t.t === "name") return true;
    return t.t === "op" && ["@", "*", ".", ".."].includes(t.v);
  }

  private relativePath(steps: Step[], leadingSlash: boolean): void {
    if (!leadingSlash) steps.push(this.step());
    while (this.isOp("/") || this.isOp("//")) {
      if (this.isOp("//")) steps.push(DESCENDANT_OR_SELF);
      this.i++;
      steps.push(this.step());
    }
  }

  private step(): Step {
    if (this.isOp(".")) {
      this.i++;
      return { axis: "self", test: { k: "type", type: "node" }, preds: [] };
    }
    if (this.isOp("..")) {
      this.i++;
      return { axis: "parent", test: { k: "type", type: "node" }, preds: [] };
    }
    let axis = "child";
    if (this.isOp("@")) {
      this.i++;
      axis = "attribute";
    } else {
      const t = this.peek();
      if (t && t.t === "name" && this.isOp("::", 1)) {
        if (!AXES.has(t.v)) throw this.fail();
        axis = t.v;
        this.i += 2;
      }
    }
    const test = this.nodeTest();
    const preds: Expr[] = [];
    while (this.isOp("[")) preds.push(this.predicate());
    return { axis, test, preds };
  }

  private nodeTest(): NodeTest {
    const t = this.peek();
    if (t && t.t === "op" && t.v === "*") {
      this.i++;
      return { k: "any" };
    }
    if (!t || t.t !== "name") throw this.fail();
    this.i++;
    if (NODE_TYPES.has(t.v) && this.isOp("(")) {
      this.i++;
      if (t.v === "processing-instruction" && this.peek()?.t === "str") this.i++;
      this.expect(")");
      return { k: "type", type: t.v as "node" | "text" | "comment" | "processing-instruction" };
    }
    return { k: "name", name: t.v };
  }

  private predicate(): Expr {
    this.expect("[");
    const e = this.or();
    this.expect("]");
    return e;
  }

  private primary(): Expr {
    const t = this.peek()!;
    this.i++;
    if (t.t === "num") return { k: "num", v: t.v };
    if (t.t === "str") return { k: "str", v: t.v };
    if (t.t === "op") {
      const e = this.or();
      this.expect(")");
      return e;
    }
    this.expect("(");
    const args: Expr[] = [];
    if (!this.isOp(")")) {
      args.push(this.or());
      while (this.isOp(",")) {
        this.i++;
        args.push(this.or());
      }
    }
    this.expect(")");
    if (!(t.v in FUNCTIONS)) throw new XPathSyntaxError("Unregistered function");
    return { k: "call", name: t.v, args };
  }
}

// ---- evaluation ----

interface Ctx {
  node: XNode;
  pos: number;
  size: number;
}

function docOrder(nodes: XNode[]): XNode[] {
  return [...new Set(nodes)].sort((a, b) => a.order - b.order);
}

function toStr(v: XValue): string {
  if (Array.isArray(v)) return v.length ? stringValue(v[0]) : "";
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "NaN";
    if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
    return String(v);
  }
  if (typeof v === "boolean") return v ? "true" : "false";
  return v;
}

function toNum(v: XValue): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  const s = toStr(v).trim();
  return /^-?(\d+(\.\d*)?|\.\d+)$/.test(s) ? Number(s) : NaN;
}

function toBool(v: XValue): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "number") return v !== 0 && !Number.isNaN(v);
  if (typeof v === "string") return v.length > 0;
  return v;
}

function nodes(v: XValue): XNode[] {
  if (!Array.isArray(v)) throw new XPathSyntaxError("Invalid type");
  return v;
}

type Fn = (ctx: Ctx, args: XValue[]) => XValue;
const str = (ctx: Ctx, args: XValue[]) => args.length ? toStr(args[0]) : stringValue(ctx.node);
const FUNCTIONS: Record<string, Fn> = {
  last: (ctx) => ctx.size,
  position: (ctx) => ctx.pos,
  count: (_, a) => nodes(a[0]).length,
  "local-name": (ctx, a) => {
    const n = a.length ? nodes(a[0])[0] : ctx.node;
    return n ? n.name.replace(/^.*:/, "") : "";
  },
  name: (ctx, a) => {
    const n = a.length ? nodes(a[0])[0] : ctx.node;
    return n ? n.name : "";
  },
  "namespace-uri": () => "",
  string: str,
  concat: (_, a) => a.map(toStr).join(""),
  "starts-with": (_, a) => toStr(a[0]).startsWith(toStr(a[1])),
  contains: (_, a) => toStr(a[0]).includes(toStr(a[1])),
  "substring-before": (_, a) => {
    const s = toStr(a[0]), i = s.indexOf(toStr(a[1]));
    return i < 0 ? "" : s.slice(0, i);
  },
  "substring-after": (_, a) => {
    const s = toStr(a[0]), t = toStr(a[1]), i = s.indexOf(t);
    return i < 0 ? "" : s.slice(i + t.length);
  },
  substring: (_, a) => {
    const s = [...toStr(a[0])];
    const start = Math.round(toNum(a[1]));
    const end = a.length > 2 ? start + Math.round(toNum(a[2])) : Infinity;
    return s.filter((_, i) => i + 1 >= start && i + 1 < end).join("");
  },
  "string-length": (ctx, a) => [...str(ctx, a)].length,
  "normalize-space": (ctx, a) => str(ctx, a).trim().split(/[ \t\n\r]+/).join(" "),
  translate: (_, a) => {
    const from = [...toStr(a[1])], to = [...toStr(a[2])];
    return [...toStr(a[0])].map((c) => {
      const i = from.indexOf(c);
      return i < 0 ? c : (to[i] ?? "");
    }).join("");
  },
  boolean: (_, a) => toBool(a[0]),
  not: (_, a) => !toBool(a[0]),
  true: () => true,
  false: () => false,
  lang: () => false,
  number: (ctx, a) => toNum(a.length ? a[0] : stringValue(ctx.node)),
  sum: (_, a) => nodes(a[0]).reduce((s, n) => s + toNum(stringValue(n)), 0),
  floor: (_, a) => Math.floor(toNum(a[0])),
  ceiling: (_, a) => Math.ceil(toNum(a[0])),
  round: (_, a) => Math.round(toNum(a[0])),
};

function axisNodes(n: XNode, axis: string): XNode[] {
  const descendants = (x: XNode): XNode[] => x.children.flatMap((c) => [c, ...descendants(c)]);
  const ancestors = (x: XNode): XNode[] => (x.parent ? [x.parent, ...ancestors(x.parent)] : []);
  const siblings = (x: XNode) => (x.kind === "attribute" || !x.parent ? [] : x.parent.children);
  switch (axis) {
    case "child":
      return n.children;
    case "attribute":
      return n.attrs;
    case "self":
      return [n];
    case "parent":
      return n.parent ? [n.parent] : [];
    case "descendant":
      return descendants(n);
    case "descendant-or-self":
      return [n, ...descendants(n)];
    case "ancestor":
      return ancestors(n);
    case "ancestor-or-self":
      return [n, ...ancestors(n)];
    case "following-sibling": {
      const s = siblings(n);
      return s.slice(s.indexOf(n) + 1);
    }
    case "preceding-sibling": {
      const s = siblings(n);
      return s.slice(0, Math.max(0, s.indexOf(n))).reverse();
    }
    case "following": {
      let root = n;
      while (root.parent) root = root.parent;
      const after = n.kind === "attribute" ? n.parent! : n;
      const inside = new Set(descendants(after));
      return descendants(root).filter((x) => x.order > after.order && !inside.has(x));
    }
    case "preceding": {
      let root = n;
      while (root.parent) root = root.parent;
      const anc = new Set(ancestors(n));
      return descendants(root).filter((x) => x.order < n.order && !anc.has(x)).reverse();
    }
    default:
      return [];
  }
}

function matches(n: XNode, test: NodeTest, axis: string): boolean {
  const principal = axis === "attribute" ? "attribute" : "element";
  if (test.k === "any") return n.kind === principal;
  if (test.k === "name") return n.kind === principal && n.name === test.name;
  if (test.type === "node") return true;
  return test.type === "text" && n.kind === "text";
}

function filter(list: XNode[], preds: Expr[]): XNode[] {
  let cur = list;
  for (const p of preds) {
    cur = cur.filter((node, i) => {
      const v = evaluate(p, { node, pos: i + 1, size: cur.length });
      return typeof v === "number" ? v === i + 1 : toBool(v);
    });
  }
  return cur;
}

function compare(op: string, a: XValue, b: XValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    const as = Array.isArray(a) ? a.map(stringValue) : [a];
    const bs = Array.isArray(b) ? b.map(stringValue) : [b];
    return as.some((x) => bs.some((y) => compare(op, x, y)));
  }
  if (op === "=" || op === "!=") {
    let eq: boolean;
    if (typeof a === "boolean" || typeof b === "boolean") eq = toBool(a) === toBool(b);
    else if (typeof a === "number" || typeof b === "number") eq = toNum(a) === toNum(b);
    else eq = a === b;
    return op === "=" ? eq : !eq;
  }
  const x = toNum(a), y = toNum(b);
  return op === "<" ? x < y : op === ">" ? x > y : op === "<=" ? x <= y : x >= y;
}

function evaluate(e: Expr, ctx: Ctx): XValue {
  switch (e.k) {
    case "num":
      return e.v;
    case "str":
      return e.v;
    case "neg":
      return -toNum(evaluate(e.a, ctx));
    case "call":
      return FUNCTIONS[e.name](ctx, e.args.map((a) => evaluate(a, ctx)));
    case "bin": {
      if (e.op === "or") return toBool(evaluate(e.a, ctx)) || toBool(evaluate(e.b, ctx));
      if (e.op === "and") return toBool(evaluate(e.a, ctx)) && toBool(evaluate(e.b, ctx));
      const a = evaluate(e.a, ctx), b = evaluate(e.b, ctx);
      switch (e.op) {
        case "|":
          return docOrder([...nodes(a), ...nodes(b)]);
        case "+":
          return toNum(a) + toNum(b);
        case "-":
          return toNum(a) - toNum(b);
        case "*":
          return toNum(a) * toNum(b);
        case "div":
          return toNum(a) / toNum(b);
        case "mod":
          return toNum(a) % toNum(b);
        default:
          return compare(e.op, a, b);
      }
    }
    case "path": {
      let current: XNode[];
      if (e.filter) {
        current = filter(nodes(evaluate(e.filter, ctx)), e.filterPreds ?? []);
      } else if (e.absolute) {
        let root = ctx.node;
        while (root.parent) root = root.parent;
        current = [root];
      } else {
        current = [ctx.node];
      }
      for (const step of e.steps) {
        const next: XNode[] = [];
        for (const n of current) {
          const candidates = axisNodes(n, step.axis).filter((c) =>
            matches(c, step.test, step.axis)
          );
          // axisNodes lists reverse axes nearest first, so predicate positions count along the axis.
          next.push(...filter(candidates, step.preds));
        }
        current = docOrder(next);
      }
      return current;
    }
  }
}

/**
 * Evaluate `expression` with the document node as context.
 *
 * @example
 * ```ts
 * import { evaluateXPath, xpathDocument } from "./xpath.ts";
 * const doc = xpathDocument({ name: "a", attrs: { x: "1" }, children: [] });
 * console.assert(evaluateXPath("count(/a/@x)", doc) === 1);
 * ```
 */
export function evaluateXPath(expression: string, doc: XNode): XValue {
  const tree = new Parser(tokenize(expression), expression.length).parse();
  return evaluate(tree, { node: doc, pos: 1, size: 1 });
}
