// Plugin commands: plugin-list, plugin-load.

import { defineCommand, opt } from "../shell/command.ts";
import { VshError } from "../shell/errors.ts";
import { loadPlugin, pluginFiles } from "../shell/plugins.ts";
import { Result } from "../shell/result.ts";

/** `plugin-list`. */
export const pluginList = defineCommand({
  name: "plugin-list",
  group: "plugin",
  summary: "list loaded plugins",
  description: "Lists the plugins whose commands this shell knows, with where they came from.",
  noConnect: true,
  json: "[{ name, description, commands, source }]",
  options: {},
  handler(ctx) {
    const r = new Result();
    const rows = ctx.registry.plugins.map((p) => ({
      name: p.name,
      description: p.description,
      commands: p.commands.length,
      source: ctx.registry.sources.get(p.name) ?? "built-in",
    }));
    r.table(
      ["Name", "Commands", "Source", "Description"],
      rows.map((p) => [p.name, String(p.commands), p.source, p.description]),
    );
    r.extra("\n");
    r.data = rows;
    return r;
  },
});

/** `plugin-load PATH`. */
export const pluginLoad = defineCommand({
  name: "plugin-load",
  group: "plugin",
  summary: "load a command plugin",
  description:
    "Loads a plugin module (a file, or a folder of plugin files) and adds its commands to the shell.",
  noConnect: true,
  json: "{ loaded: [names] }",
  options: {
    path: opt.data("plugin file or folder", { required: true, complete: "file" }),
  },
  async handler(ctx, opts) {
    const before = new Set(ctx.registry.plugins.map((p) => p.name));
    const path = ctx.resolvePath(opts.path!);
    for (const file of pluginFiles(path)) {
      const err = await loadPlugin(ctx.registry, { path: file, origin: "plugin-load" });
      if (err) throw new VshError(err);
    }
    const loaded = ctx.registry.plugins.map((p) => p.name).filter((n) => !before.has(n));
    const r = new Result();
    for (const name of loaded) r.extra(`Plugin '${name}' loaded\n`);
    r.data = { loaded };
    return r;
  },
});
