// The command registry: commands by name and alias, grouped as virsh groups them for `help`.

import type { CommandDef, Plugin } from "./command.ts";

/** virsh's command groups, in its order: keyword → title. */
export const VIRSH_GROUPS: [string, string][] = [
  ["domain", "Domain Management"],
  ["monitor", "Domain Monitoring"],
  ["events", "Domain Events"],
  ["host", "Host and Hypervisor"],
  ["checkpoint", "Checkpoint"],
  ["interface", "Interface"],
  ["filter", "Network Filter"],
  ["network", "Networking"],
  ["nodedev", "Node Device"],
  ["secret", "Secret"],
  ["snapshot", "Snapshot"],
  ["backup", "Backup"],
  ["pool", "Storage Pool"],
  ["volume", "Storage Volume"],
  ["virsh", "Virsh itself"],
  ["plugin", "Plugins"],
];

/** Commands and the plugins that declared them. */
export class Registry {
  readonly #byName = new Map<string, CommandDef>();
  readonly #groups = new Map<string, string>(VIRSH_GROUPS);
  readonly plugins: Plugin[] = [];
  /** Where each external plugin was loaded from, by plugin name. */
  readonly sources = new Map<string, string>();

  /** Add a plugin's commands; a name already taken is an error naming both. */
  add(plugin: Plugin): void {
    for (const cmd of plugin.commands) {
      for (const name of [cmd.name, ...(cmd.aliases ?? [])]) {
        if (this.#byName.has(name)) {
          throw new Error(`plugin '${plugin.name}': command '${name}' is already defined`);
        }
      }
    }
    for (const [keyword, title] of Object.entries(plugin.groups ?? {})) {
      if (!this.#groups.has(keyword)) this.#groups.set(keyword, title);
    }
    for (const cmd of plugin.commands) {
      for (const name of [cmd.name, ...(cmd.aliases ?? [])]) this.#byName.set(name, cmd);
    }
    this.plugins.push(plugin);
  }

  /** The command answering to `name`, if any. */
  get(name: string): CommandDef | undefined {
    return this.#byName.get(name);
  }

  /** Every command once, in declaration order. */
  commands(): CommandDef[] {
    return [...new Set(this.#byName.values())];
  }

  /** Every name (including aliases), sorted. */
  names(): string[] {
    return [...this.#byName.keys()].sort();
  }

  /** Groups that have commands, in virsh's order then plugins' order: [keyword, title, commands]. */
  groups(): [string, string, CommandDef[]][] {
    const all = this.commands();
    const out: [string, string, CommandDef[]][] = [];
    for (const [keyword, title] of this.#groups) {
      // Each plugin keeps its own order; commands of different plugins in one group are
      // merged by name, so that the shell's own host commands fall where virsh lists them.
      let cmds: CommandDef[] = [];
      for (const plugin of this.plugins) {
        const mine = plugin.commands.filter((c) => c.group === keyword && all.includes(c));
        cmds = mergeByName(cmds, mine);
      }
      if (cmds.length > 0) out.push([keyword, title, cmds]);
    }
    return out;
  }

  /** A group by keyword or title. */
  group(name: string): [string, string, CommandDef[]] | undefined {
    return this.groups().find(([keyword, title]) => keyword === name || title === name);
  }
}

function mergeByName(a: CommandDef[], b: CommandDef[]): CommandDef[] {
  const out: CommandDef[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(a[i].name <= b[j].name ? a[i++] : b[j++]);
  return out.concat(a.slice(i), b.slice(j));
}
