// The interactive loop: on a terminal a line editor with history and completion; otherwise
// virsh's behaviour of printing the prompt and the line read before running it.

import type { Shell } from "./shell.ts";
import { LineQueue } from "./lines.ts";

/** The banner printed when the loop starts, unless quiet. */
export const BANNER = "Welcome to vsh, the virtualization interactive terminal.\n\n" +
  "Type:  'help' for help with commands\n" +
  "       'quit' to quit\n\n";

/** `vsh # `, or `vsh > ` on a read-only connection. */
export function promptFor(shell: Shell): string {
  return shell.readonly ? "vsh > " : "vsh # ";
}

/**
 * Run lines from a non-terminal stream as virsh does in its loop: each line is shown after
 * the prompt, then run; a final prompt and newline end the session.
 */
export async function runScriptLoop(
  shell: Shell,
  lines: AsyncIterator<string> & { readonly ready?: boolean },
): Promise<void> {
  const out = shell.output;
  while (!shell.exiting) {
    out.stdout(promptFor(shell));
    const next = await lines.next();
    if (next.done) break;
    out.stdout(next.value + "\n");
    // Shown at once, as virsh does, so that a program driving vsh through a pipe sees it; when
    // the next line has already arrived nobody is waiting, and the echo goes out with the
    // command's output in one write.
    if (!lines.ready) out.flush();
    if (next.value.trim() !== "") {
      shell.deferFlush = lines.ready ?? false;
      try {
        await shell.runLine(next.value);
      } finally {
        shell.deferFlush = false;
      }
    }
  }
  out.stdout("\n");
  out.flush();
}

/** Lines of the process's standard input. */
export function stdinLines(): LineQueue {
  return new LineQueue(Deno.stdin.readable);
}
