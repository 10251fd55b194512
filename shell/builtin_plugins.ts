// The plugins vsh ships with, in registration order.

import commands from "../commands/mod.ts";
import domains from "../plugins/domains/mod.ts";
import networks from "../plugins/networks/mod.ts";
import storage from "../plugins/storage/mod.ts";
import snapshots from "../plugins/snapshots/mod.ts";
import images from "../plugins/images/mod.ts";
import type { Plugin } from "./command.ts";
import { Registry } from "./registry.ts";

/** The built-in plugins. */
export const BUILTIN_PLUGINS: Plugin[] = [domains, networks, storage, snapshots, images, commands];

/** A registry holding the built-in plugins. */
export function builtinRegistry(): Registry {
  const registry = new Registry();
  for (const plugin of BUILTIN_PLUGINS) registry.add(plugin);
  return registry;
}
