// The plugins vsh ships with, in registration order. Their declarations come from
// plugins/manifest.json and their code loads when one of their commands first runs, so that
// start-up reads only the shell itself.

import commands from "../commands/mod.ts";
import manifest from "../plugins/manifest.json" with { type: "json" };
import type { CommandDef, Plugin } from "./command.ts";
import { Registry } from "./registry.ts";

// Literal imports, so that `deno install` and type checking see every plugin.
const LOADERS: Record<string, () => Promise<{ default: Plugin }>> = {
  domains: () => import("../plugins/domains/mod.ts"),
  networks: () => import("../plugins/networks/mod.ts"),
  storage: () => import("../plugins/storage/mod.ts"),
  snapshots: () => import("../plugins/snapshots/mod.ts"),
  images: () => import("../plugins/images/mod.ts"),
};

type Declaration = Omit<CommandDef, "handler">;

/** One plugin in plugins/manifest.json. */
interface ManifestEntry {
  name: string;
  description: string;
  groups: Record<string, string>;
  commands: Declaration[];
}

function lazyPlugin(entry: ManifestEntry): Plugin {
  let loaded: Promise<Map<string, CommandDef>> | undefined;
  const real = async (name: string): Promise<CommandDef> => {
    loaded ??= LOADERS[entry.name]().then((m) =>
      new Map(m.default.commands.map((c) => [c.name, c]))
    );
    const cmd = (await loaded).get(name);
    if (!cmd) throw new Error(`plugins/manifest.json is stale: run \`deno task manifest\``);
    return cmd;
  };
  return {
    name: entry.name,
    description: entry.description,
    groups: entry.groups,
    commands: entry.commands.map((decl) => ({
      ...decl,
      handler: async (ctx, opts) => (await real(decl.name)).handler(ctx, opts),
    })),
  };
}

/** The built-in plugins (the plugins' commands load their code on first use). */
export const BUILTIN_PLUGINS: Plugin[] = [
  ...(manifest as unknown as ManifestEntry[]).map(lazyPlugin),
  commands,
];

/** A registry holding the built-in plugins. */
export function builtinRegistry(): Registry {
  const registry = new Registry();
  for (const plugin of BUILTIN_PLUGINS) registry.add(plugin);
  return registry;
}
