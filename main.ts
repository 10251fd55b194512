// The `vsh` program: parses virsh's options, loads plugins, connects, and runs a command, a
// script on standard input, or the interactive shell.

import { builtinRegistry } from "./shell/builtin_plugins.ts";
import { CliError, parseCli, usage } from "./shell/cli.ts";
import { errorLines } from "./shell/errors.ts";
import { formatGroupHelp } from "./shell/help.ts";
import { BANNER, runScriptLoop, stdinLines } from "./shell/loop.ts";
import { type OutputSink, ProcessOutput } from "./shell/output.ts";
import { LogFile, LoggingOutput, LogLevel } from "./shell/log.ts";
import { externalPluginSources, loadPlugin } from "./shell/plugins.ts";
import { Shell } from "./shell/shell.ts";
import { defaultUri } from "./virt/uri.ts";

/** vsh's own version. */
export const VSH_VERSION = "0.1.0";

/** Run vsh with `argv`; resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  let output: OutputSink = new ProcessOutput();
  const fail = (msg: string) => {
    output.stderr(`error: ${msg}\n`);
    return 1;
  };
  let cli;
  try {
    cli = parseCli(argv);
  } catch (e) {
    if (e instanceof CliError) return fail(e.message);
    throw e;
  }
  for (const w of cli.warnings) output.stderr(`error: ${w}\n`);
  let log: LogFile | undefined;
  if (cli.log !== undefined) {
    try {
      log = LogFile.open(cli.log, cli.debug ?? LogLevel.ERROR);
    } catch {
      return fail("failed to open the log file. check the log file path");
    }
    output = new LoggingOutput(output, log);
    if (cli.rest.length > 0) log.write(LogLevel.INFO, `commands: "${cli.rest.join(" ")}"`);
  }

  const registry = builtinRegistry();
  for (const source of externalPluginSources(cli.plugins)) {
    const err = await loadPlugin(registry, source);
    if (err) output.stderr(`error: ${err}\n`);
  }

  if (cli.help) {
    const groups = registry.groups().map(([k]) =>
      formatGroupHelp(registry, k)!.replace(/:\n/, "\n") + "\n"
    ).join("");
    output.stdout(usage(groups));
    output.flush();
    return 0;
  }
  if (cli.version === "short") {
    output.stdout(`${VSH_VERSION}\n`);
    output.flush();
    return 0;
  }
  if (cli.version === "long") {
    output.stdout(
      `vsh ${VSH_VERSION}, the virtualization shell (virsh ${"9.0.0"} compatible)\n` +
        "Speaks libvirt's remote protocol itself; no libvirt library needed.\n\n" +
        "Compiled with support for:\n" +
        " Hypervisors: Test (embedded) and any reached through libvirtd\n" +
        " Transports: unix tcp tls ssh\n" +
        " Images: raw qcow2\n",
    );
    output.flush();
    return 0;
  }

  const isTTY = Deno.stdin.isTerminal();
  const interactive = cli.rest.length === 0;
  const shell = new Shell({
    registry,
    output,
    quiet: cli.quiet,
    readonly: cli.readonly,
    json: cli.json,
    timing: cli.timing,
    interactive,
    isTTY,
    keepaliveInterval: cli.keepaliveInterval,
    keepaliveCount: cli.keepaliveCount,
  });

  if (cli.connect !== undefined) {
    // An explicit -c connects at once and a failure ends the program, as in virsh.
    try {
      await shell.connect(cli.connect, { readonly: cli.readonly });
    } catch (e) {
      for (const line of errorLines(e)) output.stderr(`error: ${line}\n`);
      return 1;
    }
  } else {
    // Otherwise the first command that needs a connection opens the default one.
    const d = defaultUri();
    if (d.source === "embedded" && interactive && !cli.quiet) {
      output.stderr(
        "vsh: no URI given and no local libvirtd found: using the embedded test:///default\n",
      );
    }
    shell.setUri(d.uri, cli.readonly);
  }

  try {
    if (!interactive) {
      const ok = cli.rest.length === 1
        ? await shell.runLine(cli.rest[0])
        : await shell.runArgv(cli.rest);
      return ok ? 0 : 1;
    }
    if (!cli.quiet) output.stdout(BANNER);
    if (isTTY) {
      const { runRepl } = await import("./shell/repl.ts");
      await runRepl(shell);
    } else {
      const lines = stdinLines();
      shell.setReadLine(async (prompt) => {
        output.stdout(prompt);
        output.flush();
        const next = await lines.next();
        return next.done ? null : next.value;
      });
      await runScriptLoop(shell, lines);
    }
    return 0;
  } finally {
    output.flush();
    await shell.disconnect();
    log?.close();
  }
}

if (import.meta.main) {
  const status = await main(Deno.args);
  Deno.exit(status);
}
