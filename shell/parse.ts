// virsh's command language: the tokenizer (quotes, escapes, `;`, newlines, `#` comments) and
// the binding of words to a command's declared options, with virsh's messages word for word.

import type { CommandDef, OptionDef } from "./command.ts";
import { VshError } from "./errors.ts";

/** A token stream source: a line of text, or argv words taken as they are. */
type Token = { type: "arg"; text: string } | { type: "end-cmd" } | { type: "end" };

/** Split a line of virsh script into tokens, exactly as virsh's string parser does. */
export function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let p = 0;
  const n = line.length;
  for (;;) {
    while (p < n) {
      const c = line[p];
      if (c === " " || c === "\t") p++;
      else if (c === "\\" && line[p + 1] === "\n") p += 2;
      else break;
    }
    if (p >= n) {
      tokens.push({ type: "end" });
      return tokens;
    }
    const c = line[p];
    if (c === ";" || c === "\n") {
      p++;
      tokens.push({ type: "end-cmd" });
      continue;
    }
    if (c === "#") {
      while (p < n && line[p] !== "\n") p++;
      if (p < n) p++;
      tokens.push({ type: "end-cmd" });
      continue;
    }
    let single = false;
    let double = false;
    let text = "";
    while (p < n) {
      const ch = line[p];
      if (!single && !double && (ch === " " || ch === "\t" || ch === ";" || ch === "\n")) break;
      if (!double && ch === "'") {
        single = !single;
        p++;
        continue;
      }
      if (!single && ch === "\\") {
        p++;
        if (p >= n) throw new VshError("dangling \\");
      } else if (!single && ch === '"') {
        double = !double;
        p++;
        continue;
      }
      text += line[p++];
    }
    if (double) throw new VshError('missing "');
    tokens.push({ type: "arg", text });
  }
}

/** Tokens for words given on the command line (no quoting: each word is one argument). */
export function argvTokens(words: string[]): Token[] {
  return [...words.map((text) => ({ type: "arg" as const, text })), { type: "end" }];
}

/** A parsed command ready to run: its declaration and bound option values. */
export interface Invocation {
  def: CommandDef;
  /** Bound values: bool → true, valued → string, argv → string[]. */
  values: Map<string, string | true | string[]>;
  /** `--json` was given to this command. */
  json: boolean;
}

/** Looks up a command by name or alias. */
export type CommandLookup = (name: string) => CommandDef | undefined;

interface ResolvedOption {
  name: string;
  def: Exclude<OptionDef, { kind: "alias" }>;
  index: number;
}

function needsArg(def: OptionDef): boolean {
  return def.kind !== "bool" && def.kind !== "alias";
}

/**
 * Parse a token stream into invocations, binding words to options as virsh does. Any error
 * rejects the whole stream (virsh runs nothing of a line that fails to parse).
 */
export function parseCommands(tokens: Token[], lookup: CommandLookup): Invocation[] {
  const out: Invocation[] = [];
  let i = 0;
  const next = (): Token => tokens[i++] ?? { type: "end" };
  for (;;) {
    let def: CommandDef | undefined;
    let entries: [string, OptionDef][] = [];
    let needArg: number[] = [];
    const seen = new Set<number>();
    const values = new Map<string, string | true | string[]>();
    let dataOnly = false;
    let helpRequested = false;
    let jsonRequested = false;
    let tk: Token;
    for (;;) {
      tk = next();
      if (tk.type !== "arg") break;
      const text = tk.text;
      if (!def) {
        def = lookup(text);
        if (!def) throw new VshError(`unknown command: '${text}'`);
        entries = Object.entries(def.options);
        needArg = entries.flatMap(([, d], idx) =>
          needsArg(d) && !("namedOnly" in d && d.namedOnly) ? [idx] : []
        );
        continue;
      }
      let opt: ResolvedOption | undefined;
      let value: string | undefined;
      if (!dataOnly && text.startsWith("--") && /^[A-Za-z0-9]/.test(text.slice(2))) {
        const eq = text.indexOf("=", 2);
        let name = eq >= 0 ? text.slice(2, eq) : text.slice(2);
        let inline: string | undefined = eq >= 0 ? text.slice(eq + 1) : undefined;
        if (name === "help") {
          helpRequested = true;
          continue;
        }
        let index = entries.findIndex(([n]) => n === name);
        if (name === "json" && index < 0 && inline === undefined) {
          jsonRequested = true;
          continue;
        }
        if (index >= 0 && entries[index][1].kind === "alias") {
          const target = (entries[index][1] as { target: string }).target;
          const at = target.indexOf("=");
          if (at >= 0) {
            if (inline !== undefined) throw new VshError(`invalid '=' after option --${name}`);
            inline = target.slice(at + 1);
            name = target.slice(0, at);
          } else {
            name = target;
          }
          index = entries.findIndex(([n, d]) => n === name && d.kind !== "alias");
        }
        if (index < 0) {
          if (def.name === "help") continue;
          throw new VshError(`command '${def.name}' doesn't support option --${name}`);
        }
        const d = entries[index][1] as ResolvedOption["def"];
        if (seen.has(index) && d.kind !== "argv") {
          throw new VshError(`option --${name} already seen`);
        }
        seen.add(index);
        opt = { name, def: d, index };
        if (d.kind !== "bool") {
          if (inline !== undefined) {
            value = inline;
          } else {
            const v = next();
            if (v.type !== "arg") {
              throw new VshError(
                `expected syntax: --${name} <${d.kind === "int" ? "number" : "string"}>`,
              );
            }
            value = v.text;
          }
          if (d.kind !== "argv") needArg = needArg.filter((x) => x !== index);
        } else if (inline !== undefined) {
          throw new VshError(`invalid '=' after option --${name}`);
        }
      } else if (!dataOnly && text === "--") {
        dataOnly = true;
        continue;
      } else {
        if (needArg.length === 0) {
          if (def.name === "help") continue;
          throw new VshError(`unexpected data '${text}'`);
        }
        const index = needArg[0];
        const [name, d] = entries[index] as [string, ResolvedOption["def"]];
        if (d.kind !== "argv") needArg = needArg.slice(1);
        seen.add(index);
        opt = { name, def: d, index };
        value = text;
      }
      if (opt.def.kind === "bool") {
        values.set(opt.name, true);
      } else if (opt.def.kind === "argv") {
        const list = (values.get(opt.name) as string[] | undefined) ?? [];
        list.push(value!);
        values.set(opt.name, list);
      } else {
        values.set(opt.name, value!);
      }
    }
    if (def) {
      if (helpRequested) {
        const help = lookup("help");
        if (help) {
          out.push({ def: help, values: new Map([["command", def.name]]), json: jsonRequested });
        }
      } else {
        checkRequired(def, entries, seen);
        out.push({ def, values, json: jsonRequested });
      }
    }
    if (tk.type === "end") return out;
  }
}

function checkRequired(def: CommandDef, entries: [string, OptionDef][], seen: Set<number>): void {
  const missing = entries.flatMap(([name, d], index) => {
    if (d.kind === "bool" || d.kind === "alias" || !d.required || seen.has(index)) return [];
    return [
      d.kind === "data" || d.kind === "argv"
        ? `command '${def.name}' requires <${name}> option`
        : `command '${def.name}' requires --${name} option`,
    ];
  });
  if (missing.length > 0) throw new VshError(missing[0], { more: missing.slice(1) });
}

/**
 * The options object a handler receives: every declared option present, bools as booleans,
 * argv as arrays, other values as their text. An empty value where the option does not allow
 * one fails as virsh's option getter does.
 */
export function optionValues(inv: Invocation): Record<string, unknown> {
  const opts: Record<string, unknown> = {};
  for (const [name, d] of Object.entries(inv.def.options)) {
    if (d.kind === "alias") continue;
    const v = inv.values.get(name);
    if (d.kind === "bool") opts[name] = v === true;
    else if (d.kind === "argv") opts[name] = (v as string[] | undefined) ?? [];
    else {
      // Numbers are converted (and refused) by the handler, as virsh's numeric getters do.
      if (v === "" && !d.emptyOk && d.kind !== "int") {
        throw new VshError(`Failed to get option '${name}': Option argument is empty`);
      }
      opts[name] = v as string | undefined;
    }
  }
  return opts;
}
