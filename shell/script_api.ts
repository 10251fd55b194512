// The scripting API: run vsh commands from TypeScript and get their results as values.

import { builtinRegistry } from "./builtin_plugins.ts";
import type { Plugin } from "./command.ts";
import { errorLines } from "./errors.ts";
import { CapturedOutput } from "./output.ts";
import { parseCommands, tokenize } from "./parse.ts";
import { Shell } from "./shell.ts";

/** What one command (or line of commands) gave. */
export interface CommandOutcome {
  /** True when the (last) command succeeded. */
  ok: boolean;
  /** The text virsh would have printed on stdout. */
  stdout: string;
  /** The `error: ...` lines. */
  stderr: string;
  /** The last command's data (what `--json` prints). */
  data: unknown;
}

/** Quote a value so that the shell's tokenizer reads it back as one word. */
export function quoteWord(value: unknown): string {
  const s = String(value);
  if (s !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return "'" + s.replaceAll("'", `'"'"'`) + "'";
}

/** A shell driven from a script. */
export interface ScriptShell {
  /** Run a line of vsh script. */
  run(line: string): Promise<CommandOutcome>;
  /** Template form: interpolated values are quoted as single words. */
  $(strings: TemplateStringsArray, ...values: unknown[]): Promise<CommandOutcome>;
  /** The underlying context (connection, settings). */
  readonly shell: Shell;
  close(): Promise<void>;
}

/**
 * Open a shell for a script.
 *
 * @example
 * ```ts
 * import { openShell } from "../mod.ts";
 * const sh = await openShell({ uri: "test:///default" });
 * const name = "test";
 * const r = await sh.$`domstate ${name}`;
 * console.assert(r.stdout === "running\n");
 * await sh.close();
 * ```
 */
export async function openShell(
  options: { uri?: string; readonly?: boolean; plugins?: Plugin[] } = {},
): Promise<ScriptShell> {
  const registry = builtinRegistry();
  for (const p of options.plugins ?? []) registry.add(p);
  const output = new CapturedOutput();
  const shell = new Shell({ registry, output, quiet: true, readonly: options.readonly });
  await shell.connect(options.uri ?? "test:///default", { readonly: options.readonly });
  const run = async (line: string): Promise<CommandOutcome> => {
    output.out = "";
    output.err = "";
    let data: unknown = undefined;
    let ok = true;
    try {
      const invocations = parseCommands(tokenize(line), (n) => registry.get(n));
      for (const inv of invocations) {
        const captured = await shell.runCaptured(inv);
        ok = captured.ok;
        data = captured.data;
      }
    } catch (e) {
      ok = false;
      for (const l of errorLines(e)) output.stderr(`error: ${l}\n`);
    }
    return { ok, stdout: output.out, stderr: output.err, data };
  };
  return {
    shell,
    run,
    $: (strings, ...values) =>
      run(
        strings.reduce(
          (acc, s, i) => acc + s + (i < values.length ? quoteWord(values[i]) : ""),
          "",
        ),
      ),
    close: () => shell.disconnect(),
  };
}
