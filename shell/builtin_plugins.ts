// The plugins vsh ships with, in registration order. Their declarations come from
// plugins/manifest.json; a command's code loads when it first runs, and then only the module
// that defines it (plugins/loaders.ts), so that start-up reads only the shell itself.

import commands from "../commands/mod.ts";
import manifest from "../plugins/manifest.json" with { type: "json" };
import { LOADERS } from "../plugins/loaders.ts";
import type { CommandDef, Plugin } from "./command.ts";
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

/** Finds command `name` among a module's exports (alone or in arrays). */
function findCommand(mod: Record<string, unknown>, name: string): CommandDef | undefined {
  for (const value of Object.values(mod)) {
    const list = Array.isArray(value) ? value : [value];
    for (const v of list) {
      if (
        v !== null && typeof v === "object" && (v as CommandDef).name === name &&
        typeof (v as CommandDef).handler === "function"
      ) return v as CommandDef;
    }
  }
  return undefined;
}

function loadModule(module: string): Promise<Record<string, unknown>> | undefined {
  const load = LOADERS[module];
  let mod = loadedModules.get(module);
  if (!mod && load) {
    loadedModules.set(module, mod = load());
    mod.catch(() => {}); // a prefetch nobody awaits must not end the program
  }
  return mod;
}

async function realCommand(decl: Declaration): Promise<CommandDef> {
  const mod = loadModule(decl.module);
  const cmd = mod && findCommand(await mod, decl.name);
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

/**
 * Start loading the code of built-in command `name` (or alias) without waiting for it, so that
 * a one-shot command's module loads while the connection opens.
 */
export function prefetchCommand(name: string): void {
  for (const entry of manifest as unknown as ManifestEntry[]) {
    const decl = entry.commands.find((c) => c.name === name || c.aliases?.includes(name));
    if (decl) {
      loadModule(decl.module);
      return;
    }
  }
}

/** A registry holding the built-in plugins. */
export function builtinRegistry(): Registry {
  const registry = new Registry();
  for (const plugin of BUILTIN_PLUGINS) registry.add(plugin);
  return registry;
}
