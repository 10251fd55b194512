// Generates plugins/manifest.json: every built-in plugin's command declarations without their
// handlers, so that vsh starts without loading the plugins' code (`deno task manifest`; a test
// checks it is current).

import domains from "../plugins/domains/mod.ts";
import networks from "../plugins/networks/mod.ts";
import storage from "../plugins/storage/mod.ts";
import snapshots from "../plugins/snapshots/mod.ts";
import images from "../plugins/images/mod.ts";
import type { Plugin } from "../shell/command.ts";

/** The plugins whose code loads on first use, in registration order. */
export const LAZY_PLUGINS: Plugin[] = [domains, networks, storage, snapshots, images];

/** The manifest's text. */
export function manifestText(): string {
  const plugins = LAZY_PLUGINS.map((p) => ({
    name: p.name,
    description: p.description,
    groups: p.groups ?? {},
    commands: p.commands.map(({ handler: _handler, ...declaration }) => declaration),
  }));
  return JSON.stringify(plugins, null, 1) + "\n";
}

if (import.meta.main) {
  const path = new URL("../plugins/manifest.json", import.meta.url);
  await Deno.writeTextFile(path, manifestText());
  console.log(`wrote ${path.pathname}`);
}
