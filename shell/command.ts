// Command and plugin declarations: the tables the shell core is generic over. Help, completion,
// option binding, --json and the generated reference are all derived from these.

import type { Result } from "./result.ts";
import type { ShellContext } from "./context.ts";

/** Where a completer finds candidates for an option's value. */
export type CompleterKind =
  | "domain"
  | "pool"
  | "volume"
  | "network"
  | "interface"
  | "snapshot"
  | "file"
  | "command"
  | "group";

/** Flags shared by valued options, after virsh's VSH_OFLAG_*. */
export interface OptionFlags {
  /** The option must be given (VSH_OFLAG_REQ). */
  required?: boolean;
  /** Only `--name value` binds it, never a bare word (VSH_OFLAG_REQ_OPT). */
  namedOnly?: boolean;
  /** An empty value is accepted (VSH_OFLAG_EMPTY_OK). */
  emptyOk?: boolean;
  /** What Tab completes for the value. */
  complete?: CompleterKind;
}

/** One option of a command; `kind` follows virsh's option types. */
export type OptionDef =
  | { kind: "bool"; help: string }
  | ({ kind: "data" | "string" | "int" | "argv"; help: string } & OptionFlags)
  | { kind: "alias"; target: string; help: string };

/** The declared options of a command, in virsh's order. */
export type OptionDefs = Record<string, OptionDef>;

/** The value type a handler receives for one option. */
export type OptionValue<D extends OptionDef> = D extends { kind: "bool" } ? boolean
  : D extends { kind: "argv" } ? string[]
  : D extends { kind: "alias" } ? never
  : string | undefined;

/** The options object a handler receives. */
export type OptionValues<O extends OptionDefs> = {
  [K in keyof O as O[K] extends { kind: "alias" } ? never : K]: OptionValue<O[K]>;
};

/** A command declaration. */
export interface CommandDef<O extends OptionDefs = OptionDefs> {
  /** The command's name as typed. */
  name: string;
  /** virsh's help keyword of the command's group ("domain", "monitor", "host", …). */
  group: string;
  /** One line for `help` listings (virsh's "help" info). */
  summary: string;
  /** The DESCRIPTION paragraph of `help NAME` (virsh's "desc" info; "" for none). */
  description: string;
  /** Other names the command answers to. */
  aliases?: string[];
  /** The options, in binding order. */
  options: O;
  /** Does not need a connection (virsh's VSH_CMD_FLAG_NOCONNECT). */
  noConnect?: boolean;
  /** What `--json` prints, in words, for the generated reference. */
  json?: string;
  /** Runs the command. Returns data; never prints. */
  handler(ctx: ShellContext, opts: OptionValues<O>): Promise<Result> | Result;
}

/** A plugin: a named set of commands. */
export interface Plugin {
  name: string;
  description: string;
  commands: CommandDef[];
  /** Groups this plugin introduces: keyword → title shown by `help`. */
  groups?: Record<string, string>;
}

/**
 * Declare a command.
 *
 * @example
 * ```ts
 * import { defineCommand, opt, Result } from "../shell/mod.ts";
 * export const hello = defineCommand({
 *   name: "hello",
 *   group: "virsh",
 *   summary: "say hello",
 *   description: "Greets the named person.",
 *   options: { who: opt.data("whom to greet", { required: true }) },
 *   handler: (_ctx, opts) => new Result().print(`hello ${opts.who}\n`),
 * });
 * ```
 */
export function defineCommand<O extends OptionDefs>(def: CommandDef<O>): CommandDef {
  // The handler's option types are checked here, against this declaration; the registry
  // holds commands of every shape.
  return def as unknown as CommandDef;
}

/**
 * Declare a plugin.
 *
 * @example
 * ```ts
 * import { definePlugin } from "../shell/mod.ts";
 * export default definePlugin({ name: "greetings", description: "Says hello.", commands: [] });
 * ```
 */
export function definePlugin(plugin: Plugin): Plugin {
  return plugin;
}

/** Option builders, after virsh's option types. */
export const opt = {
  /** A flag. */
  bool: (help: string): { kind: "bool"; help: string } => ({ kind: "bool", help }),
  /** A required value that may be given positionally (virsh's VSH_OT_DATA). */
  data: (help: string, flags: OptionFlags = {}) => ({ kind: "data" as const, help, ...flags }),
  /** An optional string value (virsh's VSH_OT_STRING). */
  string: (help: string, flags: OptionFlags = {}) => ({ kind: "string" as const, help, ...flags }),
  /** A number, kept as text until the handler converts it (virsh's VSH_OT_INT). */
  int: (help: string, flags: OptionFlags = {}) => ({ kind: "int" as const, help, ...flags }),
  /** The rest of the words (virsh's VSH_OT_ARGV). */
  argv: (help: string, flags: OptionFlags = {}) => ({ kind: "argv" as const, help, ...flags }),
  /** Another name for the option `target` (hidden from help). */
  alias: (target: string) => ({ kind: "alias" as const, target, help: target }),
  /** The shared "domain name, id or uuid" option. */
  domain: (help = "domain name, id or uuid", flags: OptionFlags = { required: true }) => ({
    kind: "data" as const,
    help,
    complete: "domain" as const,
    ...flags,
  }),
  /** The shared pool option. */
  pool: (help = "pool name or uuid", flags: OptionFlags = { required: true }) => ({
    kind: "data" as const,
    help,
    complete: "pool" as const,
    ...flags,
  }),
  /** The shared network option. */
  network: (help = "network name or uuid", flags: OptionFlags = { required: true }) => ({
    kind: "data" as const,
    help,
    complete: "network" as const,
    ...flags,
  }),
};

/**
 * The command definitions a module exports, alone or in arrays (a plugin module's `default`, the
 * plugin itself, is not one): how the manifest finds which module defines a command, and how a
 * built-in command's code is found once its module has loaded.
 */
export function exportedCommands(mod: Record<string, unknown>): CommandDef[] {
  const out: CommandDef[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (
      v !== null && typeof v === "object" && typeof (v as CommandDef).name === "string" &&
      typeof (v as CommandDef).handler === "function"
    ) out.push(v as CommandDef);
  };
  for (const [key, value] of Object.entries(mod)) if (key !== "default") visit(value);
  return out;
}
