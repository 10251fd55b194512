// Generates docs/commands.md from the command declarations: one section per group, with each
// command's synopsis, options and JSON output. `deno task docs` writes it; a test checks it.

import { builtinRegistry } from "../shell/builtin_plugins.ts";
import { formatCommandHelp } from "../shell/help.ts";

/** The command reference as Markdown. */
export function commandReference(): string {
  const registry = builtinRegistry();
  let md = "# vsh command reference\n\n" +
    "Generated from the command declarations by `deno task docs`; do not edit by hand.\n" +
    "Every command also takes `--json` (print the result as JSON) and `--help`.\n\n";
  for (const [keyword, title, cmds] of registry.groups()) {
    md += `## ${title} (\`help ${keyword}\`)\n\n`;
    for (const cmd of cmds) {
      md += `### ${cmd.name}\n\n${cmd.summary}\n\n`;
      if (cmd.aliases?.length) {
        md += `Aliases: ${cmd.aliases.map((a) => `\`${a}\``).join(", ")}\n\n`;
      }
      md += "```\n" + formatCommandHelp(cmd).trimEnd() + "\n```\n\n";
      md += `JSON (\`--json\`): ${
        cmd.json ??
          'the command\'s printed text as `{ "output": text }`, or null when it prints nothing'
      }.\n\n`;
    }
  }
  return md;
}

if (import.meta.main) {
  const path = new URL("../docs/commands.md", import.meta.url);
  await Deno.writeTextFile(path, commandReference());
  console.log(`wrote ${path.pathname}`);
}
