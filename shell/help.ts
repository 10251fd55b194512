// `help` text generated from command declarations, in virsh's layout.

import type { CommandDef, OptionDef } from "./command.ts";
import type { Registry } from "./registry.ts";

/** `help` with no argument: every group and its commands. */
export function formatGroupsHelp(registry: Registry): string {
  let out = "Grouped commands:\n\n";
  for (const [keyword] of registry.groups()) out += formatGroupHelp(registry, keyword)! + "\n";
  return out;
}

/** `help GROUP`: the group's commands with their summaries; undefined if no such group. */
export function formatGroupHelp(registry: Registry, name: string): string | undefined {
  const group = registry.group(name);
  if (!group) return undefined;
  const [keyword, title, cmds] = group;
  let out = ` ${title} (help keyword '${keyword}'):\n`;
  for (const cmd of cmds) out += `    ${cmd.name.padEnd(30)} ${cmd.summary}\n`;
  return out;
}

type Valued = Exclude<OptionDef, { kind: "bool" | "alias" }>;

/** `help COMMAND`: NAME, SYNOPSIS, DESCRIPTION and OPTIONS as virsh prints them. */
export function formatCommandHelp(cmd: CommandDef): string {
  let out = `  NAME\n    ${cmd.name} - ${cmd.summary}\n\n  SYNOPSIS\n    ${cmd.name}`;
  const options = Object.entries(cmd.options).filter(([, d]) => d.kind !== "alias");
  // Once a value can be given without its --name, argv words are shown as optional names too.
  let shortopt = false;
  for (const [name, d] of options) {
    let text: string;
    if (d.kind === "bool") {
      text = `[--${name}]`;
    } else {
      const v = d as Valued;
      const positional = !v.namedOnly;
      switch (v.kind) {
        case "int":
          text = v.required ? `<${name}>` : `[--${name} <number>]`;
          if (positional) shortopt = true;
          break;
        case "string":
          text = `[--${name} <string>]`;
          if (positional) shortopt = true;
          break;
        case "data":
          text = v.required ? `<${name}>` : `[<${name}>]`;
          if (positional) shortopt = true;
          break;
        default:
          text = shortopt
            ? (v.required ? `{[--${name}] <string>}...` : `[[--${name}] <string>]...`)
            : (v.required ? `<${name}>...` : `[<${name}>]...`);
      }
    }
    out += " " + text;
  }
  out += "\n";
  if (cmd.description) out += `\n  DESCRIPTION\n    ${cmd.description}\n`;
  if (options.length > 0) {
    out += "\n  OPTIONS\n";
    for (const [name, d] of options) {
      let label: string;
      if (d.kind === "bool") label = `--${name}`;
      else {
        const v = d as Valued;
        switch (v.kind) {
          case "int":
            label = v.required ? `[--${name}] <number>` : `--${name} <number>`;
            break;
          case "string":
            label = `--${name} <string>`;
            break;
          case "data":
            label = `[--${name}] <string>`;
            break;
          default:
            label = shortopt ? `[--${name}] <string>` : `<${name}>`;
        }
      }
      out += `    ${label.padEnd(15)}  ${d.help}\n`;
    }
  }
  return out + "\n";
}
