// The interactive shell on a terminal: node:readline for line editing, history kept in
// ~/.cache/vsh/history, and Tab completion of commands, options and live object names.

import * as readline from "node:readline";
import process from "node:process";
import { complete } from "./complete.ts";
import { promptFor } from "./loop.ts";
import type { Shell } from "./shell.ts";

const HISTORY_SIZE = 500;

function historyPath(): string | undefined {
  const home = Deno.env.get("HOME");
  const cache = Deno.env.get("XDG_CACHE_HOME") || (home ? `${home}/.cache` : undefined);
  return cache ? `${cache}/vsh/history` : undefined;
}

function loadHistory(path: string | undefined): string[] {
  if (!path) return [];
  try {
    // readline wants the newest entry first.
    return Deno.readTextFileSync(path).split("\n").filter(Boolean).slice(-HISTORY_SIZE).reverse();
  } catch {
    return [];
  }
}

function saveHistory(path: string | undefined, history: string[]): void {
  if (!path) return;
  try {
    Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    Deno.writeTextFileSync(path, [...history].reverse().join("\n") + "\n");
  } catch {
    // History is a convenience; a read-only home must not stop the shell.
  }
}

/** Run the interactive loop until quit/exit or end of input. */
export async function runRepl(shell: Shell): Promise<void> {
  shell.output.flush();
  const path = historyPath();
  const rl = readline.createInterface(
    {
      input: process.stdin,
      output: process.stdout,
      terminal: true,
      historySize: HISTORY_SIZE,
      history: loadHistory(path),
      removeHistoryDuplicates: true,
      completer: (line: string, cb: (err: null, result: [string[], string]) => void) => {
        const current = line.split(/[ \t;]+/).pop() ?? "";
        complete(shell, line).then(
          (hits) => cb(null, [hits, current]),
          () => cb(null, [[], current]),
        );
      },
    } as readline.ReadLineOptions & { history: string[] },
  );
  let closed = false;
  rl.on("close", () => closed = true);
  const ask = (prompt: string) =>
    new Promise<string | null>((resolve) => {
      if (closed) return resolve(null);
      const onClose = () => resolve(null);
      rl.once("close", onClose);
      rl.question(prompt, (answer) => {
        rl.off("close", onClose);
        resolve(answer);
      });
    });
  shell.setReadLine(ask);
  while (!shell.exiting) {
    const line = await ask(promptFor(shell));
    if (line === null) break;
    if (line.trim() !== "") await shell.runLine(line);
    shell.output.flush();
  }
  const history = (rl as unknown as { history: string[] }).history ?? [];
  saveHistory(path, history);
  if (!closed) rl.close();
  shell.output.stdout("\n");
  shell.output.flush();
}
