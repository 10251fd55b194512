// The plugins vsh ships with, in registration order. Their declarations come from
// plugins/manifest.json; a command's code loads when it first runs, and then only the module
// that defines it (plugins/loaders.ts), so that start-up reads only the shell itself.

import commands from "../commands/mod.ts";
import manifest from "../plugins/manifest.json" with { type: "json" };
import { LOADERS } from "../plugins/loaders.ts";
import { type CommandDef, exportedCommands, type Plugin } from "./command.ts";
import { Registry } from "./registry.ts";

type Declaration = Omit<CommandDef, "handler"> & { module: string };

/** One plugin in plugins/manifest.json. */
interface ManifestEntry {
  name: string;
  description: string;
  groups: Record<string, string>;
  commands: Declaration[];
}

const loadedModules = new Map<string, Promise<Record<string, unknown>>>();

async function realCommand(decl: Declaration): Promise<CommandDef> {
  const load = LOADERS[decl.module];
  let mod = loadedModules.get(decl.module);
  if (!mod && load) loadedModules.set(decl.module, mod = load());
  const cmd = mod && exportedCommands(await mod).find((c) => c.name === decl.name);
  if (!cmd) throw new Error(`plugins/manifest.json is stale: run \`deno task manifest\``);
  return cmd;
}

function lazyPlugin(entry: ManifestEntry): Plugin {
  return {
    name: entry.name,
    description: entry.description,
    groups: entry.groups,
    commands: entry.commands.map((full) => {
      const { module: _module, ...decl } = full;
      let real: CommandDef | undefined;
      return {
        ...decl,
        handler: async (ctx, opts) => (real ??= await realCommand(full)).handler(ctx, opts),
      };
    }),
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
