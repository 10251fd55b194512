// Tab completion: command names, option names, and live object names from the connection.

import type { CompleterKind, OptionDef } from "./command.ts";
import type { Shell } from "./shell.ts";

/**
 * Names of live objects of one kind on the shell's connection (empty when unavailable).
 * Snapshots are those of `domain`, the domain already named on the line.
 */
export async function liveNames(
  shell: Shell,
  kind: CompleterKind,
  domain?: string,
): Promise<string[]> {
  if (!shell.connected) return [];
  const conn = shell.conn;
  try {
    switch (kind) {
      case "domain": {
        const r = await conn.call("connectListAllDomains", { need_results: 1, flags: 0 });
        return r.domains.map((d) => d.name);
      }
      case "pool": {
        const r = await conn.call("connectListAllStoragePools", { need_results: 1, flags: 0 });
        return r.pools.map((p) => p.name);
      }
      case "network": {
        const r = await conn.call("connectListAllNetworks", { need_results: 1, flags: 0 });
        return r.nets.map((n) => n.name);
      }
      case "interface": {
        const r = await conn.call("connectListAllInterfaces", { need_results: 1, flags: 0 });
        return r.ifaces.map((i) => i.name);
      }
      case "volume": {
        const pools = await conn.call("connectListAllStoragePools", { need_results: 1, flags: 0 });
        const names: string[] = [];
        for (const pool of pools.pools) {
          const vols = await conn.call("storagePoolListAllVolumes", {
            pool,
            need_results: 1,
            flags: 0,
          }).catch(() => ({ vols: [] }));
          names.push(...vols.vols.map((v) => v.name));
        }
        return names;
      }
      case "snapshot": {
        if (!domain) return [];
        const { dom } = await conn.call("domainLookupByName", { name: domain });
        const r = await conn.call("domainListAllSnapshots", { dom, need_results: 1, flags: 0 });
        return r.snapshots.map((s) => s.name);
      }
      default:
        return [];
    }
  } catch {
    return [];
  }
}

/** The words of a partial line as the tokenizer would split them (quotes removed). */
function words(line: string): { done: string[]; current: string } {
  const cmdStart = Math.max(line.lastIndexOf(";"), line.lastIndexOf("\n")) + 1;
  const text = line.slice(cmdStart);
  const parts = text.split(/[ \t]+/);
  const current = parts.pop() ?? "";
  return { done: parts.filter(Boolean).map((w) => w.replace(/['"]/g, "")), current };
}

/** Candidates completing the last word of `line`. */
export async function complete(shell: Shell, line: string): Promise<string[]> {
  const { done, current } = words(line);
  if (done.length === 0) return shell.registry.names().filter((n) => n.startsWith(current));
  const cmd = shell.registry.get(done[0]);
  if (!cmd) return [];
  const entries = Object.entries(cmd.options) as [string, OptionDef][];
  const prev = done[done.length - 1];
  let valueOf: OptionDef | undefined;
  if (prev?.startsWith("--")) {
    const d = cmd.options[prev.slice(2)];
    if (d && d.kind !== "bool" && d.kind !== "alias") valueOf = d;
  }
  if (!valueOf && !current.startsWith("-")) {
    // The next positional option not yet given by name or position.
    const given = new Set(done.filter((w) => w.startsWith("--")).map((w) => w.slice(2)));
    const positional = entries.filter(([n, d]) =>
      d.kind !== "bool" && d.kind !== "alias" && !("namedOnly" in d && d.namedOnly) &&
      !given.has(n)
    );
    const bare = done.slice(1).filter((w, i, a) =>
      !w.startsWith("--") && !(i > 0 && a[i - 1].startsWith("--") &&
        cmd.options[a[i - 1].slice(2)]?.kind !== "bool")
    ).length;
    valueOf = positional[bare]?.[1];
  }
  if (valueOf && "complete" in valueOf && valueOf.complete) {
    const kind = valueOf.complete;
    let names: string[] = [];
    if (kind === "command") names = shell.registry.names();
    else if (kind === "file") names = fileNames(shell, current);
    else {names = await liveNames(
        shell,
        kind,
        kind === "snapshot" ? domainOnLine(cmd, done) : undefined,
      );}
    return names.filter((n) => n.startsWith(current));
  }
  if (current === "" || current.startsWith("-")) {
    return entries.filter(([, d]) => d.kind !== "alias").map(([n]) => `--${n}`)
      .filter((n) => n.startsWith(current) && !done.includes(n));
  }
  return [];
}

/** The value given on the line to the command's domain option, by name or by position. */
function domainOnLine(
  cmd: { options: Record<string, OptionDef> },
  done: string[],
): string | undefined {
  const entries = Object.entries(cmd.options);
  const domainOpt = entries.find(([, d]) => "complete" in d && d.complete === "domain")?.[0];
  if (!domainOpt) return undefined;
  const named = done.indexOf(`--${domainOpt}`);
  if (named >= 0) return done[named + 1];
  // The domain option is the first positional one in every command that has it.
  return done.slice(1).find((w) => !w.startsWith("--"));
}

function fileNames(shell: Shell, current: string): string[] {
  const slash = current.lastIndexOf("/");
  const dir = slash >= 0 ? current.slice(0, slash + 1) : "";
  try {
    return [...Deno.readDirSync(shell.resolvePath(dir || "."))].map((e) =>
      dir + e.name + (e.isDirectory ? "/" : "")
    );
  } catch {
    return [];
  }
}
