// The shell's own commands: help, echo, cd, pwd, quit, exit.

import { defineCommand, opt } from "../shell/command.ts";
import { VshError } from "../shell/errors.ts";
import { formatCommandHelp, formatGroupHelp, formatGroupsHelp } from "../shell/help.ts";
import { exclusive, splitCommaList } from "../shell/option_checks.ts";
import { Result } from "../shell/result.ts";
import { osMessage } from "../shell/shell.ts";

/** `help [COMMAND|GROUP]`. */
export const help = defineCommand({
  name: "help",
  group: "virsh",
  summary: "print help",
  description:
    "Prints global help, command specific help, or help for a\n    group of related commands",
  noConnect: true,
  json: "the command's declaration (name, group, summary, description, options) or the groups",
  options: {
    command: opt.string(
      "Prints global help, command specific help, or help for a group of related commands",
      { complete: "command" },
    ),
  },
  handler(ctx, opts) {
    const r = new Result();
    const name = opts.command;
    if (name === undefined) {
      r.print(formatGroupsHelp(ctx.registry));
      r.data = ctx.registry.groups().map(([keyword, title, cmds]) => ({
        keyword,
        title,
        commands: cmds.map((c) => ({ name: c.name, summary: c.summary })),
      }));
      return r;
    }
    const cmd = ctx.registry.get(name);
    if (cmd) {
      r.print(formatCommandHelp(cmd));
      r.data = {
        name: cmd.name,
        group: cmd.group,
        summary: cmd.summary,
        description: cmd.description,
        aliases: cmd.aliases ?? [],
        options: Object.entries(cmd.options).filter(([, d]) => d.kind !== "alias").map((
          [n, d],
        ) => ({ name: n, ...d })),
      };
      return r;
    }
    const group = formatGroupHelp(ctx.registry, name);
    if (group === undefined) {
      throw new VshError(`command or command group '${name}' doesn't exist`);
    }
    return r.print(group);
  },
});

// Characters that make a word need quoting for a POSIX shell.
const SHELL_SPECIAL = /[\r\t\n !"#$&'()*;<>?[\\\]^`{|}~]/;

function shellQuote(s: string): string {
  if (s !== "" && !SHELL_SPECIAL.test(s)) return s;
  return "'" + s.replaceAll("'", "'\\''") + "'";
}

function xmlEscape(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!,
  );
}

/** `echo`: arguments back, optionally quoted for a shell or XML. */
export const echo = defineCommand({
  name: "echo",
  group: "virsh",
  summary: "echo arguments. Used for internal testing.",
  description: "Echo back arguments, possibly with quoting. Used for internal testing.",
  noConnect: true,
  json: "the echoed text as a string",
  options: {
    shell: opt.bool("escape for shell use"),
    xml: opt.bool("escape for XML use"),
    split: opt.bool("split each argument on ','; ',,' is an escape sequence"),
    err: opt.bool("output to stderr"),
    str: opt.alias("string"),
    string: opt.argv("arguments to echo"),
  },
  handler(_ctx, opts) {
    exclusive("shell", opts.shell, "xml", opts.xml);
    exclusive("shell", opts.shell, "split", opts.split);
    const pieces = opts.string.map((arg) => {
      if (opts.split) return splitCommaList(arg).map((p) => p + "\n").join("");
      if (opts.xml) return xmlEscape(arg);
      if (opts.shell) return shellQuote(arg);
      return arg;
    });
    const text = pieces.join(" ");
    const r = new Result();
    r.data = text;
    return opts.err ? r.error(text) : r.print(text);
  },
});

/** `cd [DIR]`. */
export const cd = defineCommand({
  name: "cd",
  group: "virsh",
  summary: "change the current directory",
  description: "Change the current directory.",
  noConnect: true,
  options: {
    dir: opt.string("directory to switch to (default: home or else root)", { complete: "file" }),
  },
  handler(ctx, opts) {
    if (!ctx.interactive) throw new VshError("cd: command valid only in interactive mode");
    const dir = opts.dir ?? (Deno.env.get("HOME") || "/");
    try {
      ctx.chdir(dir);
    } catch (e) {
      throw new VshError(`cd: ${osMessage(e)}: ${dir}`);
    }
    return new Result();
  },
});

/** `pwd`. */
export const pwd = defineCommand({
  name: "pwd",
  group: "virsh",
  summary: "print the current directory",
  description: "Print the current directory.",
  noConnect: true,
  json: "the directory as a string",
  options: {},
  handler(ctx) {
    const r = new Result().print(`${ctx.cwd()}\n`);
    r.data = ctx.cwd();
    return r;
  },
});

const quitOptions = {};

/** `quit`. */
export const quit = defineCommand({
  name: "quit",
  group: "virsh",
  summary: "quit this interactive terminal",
  description: "",
  noConnect: true,
  options: quitOptions,
  handler(ctx) {
    ctx.requestExit();
    return new Result();
  },
});

/** `exit`. */
export const exit = defineCommand({ ...quit, name: "exit" });
