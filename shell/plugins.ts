// Loading plugins: built-in ones statically, external ones from paths at start-up or at run
// time, each failure reported without stopping the shell.

import type { Plugin } from "./command.ts";
import type { Registry } from "./registry.ts";
import { toFileUrl } from "./paths.ts";

/** Where an external plugin was found. */
export interface PluginSource {
  path: string;
  origin: "--plugin" | "VSH_PLUGIN_PATH" | "config" | "plugin-load";
}

function isPlugin(v: unknown): v is Plugin {
  return typeof v === "object" && v !== null && typeof (v as Plugin).name === "string" &&
    Array.isArray((v as Plugin).commands);
}

/** Import a plugin module from `path` (its default export, or an export named `plugin`). */
export async function importPlugin(path: string): Promise<Plugin> {
  const mod = await import(toFileUrl(path));
  const candidate = mod.default ?? mod.plugin;
  if (!isPlugin(candidate)) {
    throw new Error("module has no default export made with definePlugin()");
  }
  for (const cmd of candidate.commands) {
    if (!cmd || typeof cmd.name !== "string" || typeof cmd.handler !== "function") {
      throw new Error("a command is not a defineCommand() declaration");
    }
  }
  return candidate;
}

/** The plugin files named by a path: the file itself, or a folder's `*.ts`/`*.js` files. */
export function pluginFiles(path: string): string[] {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(path);
  } catch {
    return [path];
  }
  if (!info.isDirectory) return [path];
  const files: string[] = [];
  for (const e of Deno.readDirSync(path)) {
    if ((e.isFile || e.isSymlink) && /\.(ts|js|mjs)$/.test(e.name) && !/_test\./.test(e.name)) {
      files.push(`${path}/${e.name}`);
    } else if (e.isDirectory) {
      for (const entry of ["mod.ts", "mod.js"]) {
        try {
          Deno.statSync(`${path}/${e.name}/${entry}`);
          files.push(`${path}/${e.name}/${entry}`);
          break;
        } catch {
          // not a plugin folder
        }
      }
    }
  }
  return files.sort();
}

/** External plugin sources in load order: --plugin, VSH_PLUGIN_PATH, ~/.config/vsh/plugins. */
export function externalPluginSources(cliPaths: string[]): PluginSource[] {
  const out: PluginSource[] = [];
  for (const p of cliPaths) {
    for (const f of pluginFiles(p)) out.push({ path: f, origin: "--plugin" });
  }
  for (const p of (Deno.env.get("VSH_PLUGIN_PATH") ?? "").split(":").filter(Boolean)) {
    for (const f of pluginFiles(p)) out.push({ path: f, origin: "VSH_PLUGIN_PATH" });
  }
  const home = Deno.env.get("HOME");
  const xdg = Deno.env.get("XDG_CONFIG_HOME") || (home ? `${home}/.config` : undefined);
  if (xdg) {
    const dir = `${xdg}/vsh/plugins`;
    try {
      if (Deno.statSync(dir).isDirectory) {
        for (const f of pluginFiles(dir)) out.push({ path: f, origin: "config" });
      }
    } catch {
      // no plugin folder
    }
  }
  return out;
}

/** Load one external plugin into the registry; returns an error message instead of throwing. */
export async function loadPlugin(
  registry: Registry,
  source: PluginSource,
): Promise<string | undefined> {
  try {
    const plugin = await importPlugin(source.path);
    registry.add(plugin);
    registry.sources.set(plugin.name, source.path);
    return undefined;
  } catch (e) {
    const msg = e instanceof Error ? e.message.split("\n")[0] : String(e);
    return `failed to load plugin '${source.path}': ${msg}`;
  }
}
