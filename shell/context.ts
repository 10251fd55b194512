// The one context every command receives: the connection and the shell's settings, shared by
// all plugins, so `connect` switches the connection for every command at once.

import type { Connection } from "../virt/connection.ts";
import type { Registry } from "./registry.ts";

/** What a command handler can see and use of the shell. */
export interface ShellContext {
  /** The open connection; throws virsh's "no valid connection" error when there is none. */
  readonly conn: Connection;
  /** True when a connection is open. */
  readonly connected: boolean;
  /** The URI of the current (or last attempted) connection. */
  readonly uri: string | undefined;
  /** Read-only mode (`-r`). */
  readonly readonly: boolean;
  /** Quiet mode (`-q`). */
  readonly quiet: boolean;
  /** JSON output mode (`--json`). */
  readonly json: boolean;
  /** The interactive shell is running (commands such as `cd` need it). */
  readonly interactive: boolean;
  /** Standard input is a terminal. */
  readonly isTTY: boolean;
  /** Free-form settings shared by plugins. */
  readonly settings: Map<string, unknown>;
  /** The command registry (help, plugin loading, completion). */
  readonly registry: Registry;
  /** Open `uri` and make it the connection of every command. */
  connect(uri: string | undefined, options?: { readonly?: boolean }): Promise<void>;
  /** A path relative to the shell's working directory. */
  resolvePath(path: string): string;
  /** Change the shell's working directory. */
  chdir(path: string): void;
  /** The shell's working directory. */
  cwd(): string;
  /** Read a file as text, with virsh's error wording on failure. */
  readFile(path: string): Promise<string>;
  /** Let the user edit `text` in $VISUAL/$EDITOR; returns the edited text. */
  edit(text: string, suffix?: string): Promise<string>;
  /** Ask the user a question on the terminal (or read a line of standard input). */
  prompt(question: string): Promise<string | null>;
  /** Leave the shell after this command (quit/exit). */
  requestExit(): void;
}
