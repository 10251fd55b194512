// The shell core: runs lines of virsh script against the registry and one shared context, and
// renders each command's Result as virsh's bytes or as JSON.

import type { CommandDef } from "./command.ts";
import type { ShellContext } from "./context.ts";
import { errorLines, VshError } from "./errors.ts";
import type { OutputSink } from "./output.ts";
import { argvTokens, type Invocation, optionValues, parseCommands, tokenize } from "./parse.ts";
import type { Registry } from "./registry.ts";
import { formatTable, type Result } from "./result.ts";
import { Connection, noConnectionError } from "../virt/connection.ts";
import type { RemoteClient } from "../virt/remote/client.ts";
import { CloseReason } from "../virt/remote/close_reason.ts";
import { ErrorCode, VirtError } from "../virt/errors.ts";

/** Settings a Shell starts with. */
export interface ShellOptions {
  registry: Registry;
  output: OutputSink;
  quiet?: boolean;
  readonly?: boolean;
  json?: boolean;
  timing?: boolean;
  interactive?: boolean;
  isTTY?: boolean;
  keepaliveInterval?: number;
  keepaliveCount?: number;
  /** Reads one line from the user for questions (edit's "Try again?"); null at end of input. */
  readLine?: (prompt: string) => Promise<string | null>;
}

/** JSON with bigints as numbers when exact, else as strings. */
export function toJson(data: unknown): string {
  return JSON.stringify(
    data ?? null,
    (_k, v) => {
      if (typeof v === "bigint") {
        return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)
          ? Number(v)
          : v.toString();
      }
      if (v instanceof Uint8Array) return Array.from(v);
      return v;
    },
    2,
  );
}

/** One shell: its connection, settings and the commands it knows. */
export class Shell implements ShellContext {
  readonly registry: Registry;
  readonly output: OutputSink;
  readonly settings = new Map<string, unknown>();
  quiet: boolean;
  readonly: boolean;
  json: boolean;
  timing: boolean;
  interactive: boolean;
  isTTY: boolean;
  keepaliveInterval?: number;
  keepaliveCount?: number;
  #conn: Connection | undefined;
  #uri: string | undefined;
  #disconnected = false;
  #stopWatching: (() => void) | undefined;
  #running = false;
  #lostInCall: unknown;
  #cwd: string;
  #exit = false;
  #readLine?: (prompt: string) => Promise<string | null>;

  constructor(options: ShellOptions) {
    this.registry = options.registry;
    this.output = options.output;
    this.quiet = options.quiet ?? false;
    this.readonly = options.readonly ?? false;
    this.json = options.json ?? false;
    this.timing = options.timing ?? false;
    this.interactive = options.interactive ?? false;
    this.isTTY = options.isTTY ?? false;
    this.keepaliveInterval = options.keepaliveInterval;
    this.keepaliveCount = options.keepaliveCount;
    this.#readLine = options.readLine;
    this.#cwd = Deno.cwd();
  }

  get conn(): Connection {
    if (!this.#conn) throw noConnectionError();
    return this.#conn;
  }

  get connected(): boolean {
    return this.#conn !== undefined;
  }

  get uri(): string | undefined {
    return this.#uri;
  }

  /** True once quit/exit ran. */
  get exiting(): boolean {
    return this.#exit;
  }

  /** Set how questions read the user's answer (the loop's own line source). */
  setReadLine(readLine: (prompt: string) => Promise<string | null>): void {
    this.#readLine = readLine;
  }

  requestExit(): void {
    this.#exit = true;
  }

  /**
   * Choose the URI without connecting: the first command that needs a connection opens it
   * (virsh connects lazily when the URI was not given with -c).
   */
  setUri(uri: string, readonly: boolean): void {
    this.#uri = uri;
    this.readonly = readonly;
  }

  async connect(uri: string | undefined, options: { readonly?: boolean } = {}): Promise<void> {
    await this.#reconnect(uri, options.readonly, true);
  }

  // virsh's virshReconnect: the URI and read-only mode change only when the new connection
  // opens, and a connection lost to the daemon is reopened (announced unless `force`).
  async #reconnect(uri: string | undefined, readonly: boolean | undefined, force: boolean) {
    const wasConnected = this.#conn !== undefined;
    if (this.#conn) {
      const old = this.#conn;
      this.#conn = undefined;
      this.#stopWatching?.();
      await old.close().catch(() => {});
    }
    const target = uri ?? this.#uri;
    const ro = readonly ?? this.readonly;
    const failure = this.#disconnected
      ? "Failed to reconnect to the hypervisor"
      : "failed to connect to the hypervisor";
    if (target === undefined) throw new VshError(failure);
    // libvirt keeps the error that broke a call on the old connection, and closing that
    // connection raises it again: a failed reconnect reports it instead of its own.
    const stale = this.#lostInCall;
    this.#lostInCall = undefined;
    try {
      this.#conn = await Connection.open(target, {
        readonly: ro,
        keepaliveInterval: this.keepaliveInterval,
        keepaliveCount: this.keepaliveCount,
      });
    } catch (e) {
      throw new VshError(failure, { cause: stale ?? e });
    }
    // Keepalive asked for on a driver without it (the embedded test driver) is refused, as
    // virsh refuses it when virConnectSetKeepAlive fails.
    const keepaliveForced = this.keepaliveInterval !== undefined ||
      this.keepaliveCount !== undefined;
    if (
      keepaliveForced && (this.keepaliveInterval ?? 5) > 0 && this.#conn.driver.kind !== "remote"
    ) {
      await this.#conn.close().catch(() => {});
      this.#conn = undefined;
      this.output.stderr(
        "error: Cannot setup keepalive on connection as requested, disconnecting\n",
      );
      throw new VshError(failure, {
        cause: new VirtError({
          code: ErrorCode.NO_SUPPORT,
          domain: 0,
          message:
            "this function is not supported by the connection driver: virConnectSetKeepAlive",
        }),
      });
    }
    this.#uri = target;
    this.readonly = ro;
    this.#disconnected = false;
    this.#watch(this.#conn, target);
    if (wasConnected && !force) this.output.stderr("error: Reconnected to the hypervisor\n");
  }

  // A daemon that dies or stops answering is reported at once, as virsh's close callback does;
  // the next command that needs the connection reconnects.
  #watch(conn: Connection, uri: string): void {
    const driver = conn.driver as Partial<RemoteClient>;
    if (typeof driver.onClose !== "function") return;
    this.#stopWatching = driver.onClose((error, reason) => {
      if (reason === CloseReason.CLIENT) return;
      // A keepalive timeout is the client's own verdict, not an error the call kept.
      if (this.#running && reason !== CloseReason.KEEPALIVE) this.#lostInCall = error;
      const why = reason === CloseReason.EOF
        ? "end of file"
        : reason === CloseReason.KEEPALIVE
        ? "keepalive timeout"
        : "I/O error";
      this.output.stderr(`error: Disconnected from ${uri} due to ${why}\n`);
      this.#disconnected = true;
    });
  }

  /** Close the connection (at exit). */
  async disconnect(): Promise<void> {
    const c = this.#conn;
    this.#conn = undefined;
    this.#stopWatching?.();
    if (c) await c.close().catch(() => {});
  }

  resolvePath(path: string): string {
    if (path.startsWith("/")) return path;
    return `${this.#cwd}/${path}`;
  }

  chdir(path: string): void {
    const target = this.resolvePath(path);
    const info = Deno.statSync(target);
    if (!info.isDirectory) throw new Deno.errors.NotADirectory(`Not a directory: ${target}`);
    this.#cwd = Deno.realPathSync(target);
  }

  cwd(): string {
    return this.#cwd;
  }

  async readFile(path: string): Promise<string> {
    const full = this.resolvePath(path);
    let file: Deno.FsFile;
    try {
      file = await Deno.open(full);
    } catch (e) {
      throw new VshError(`Failed to open file '${path}': ${osMessage(e)}`);
    }
    try {
      const bytes = new Uint8Array(await new Response(file.readable).arrayBuffer());
      return new TextDecoder().decode(bytes);
    } catch (e) {
      throw new VshError(`Failed to read file '${path}': ${osMessage(e)}`);
    }
  }

  async edit(text: string, suffix = ".xml"): Promise<string> {
    const { editText } = await import("./editor.ts");
    return editText(text, suffix);
  }

  prompt(question: string): Promise<string | null> {
    this.output.flush();
    if (this.#readLine) return this.#readLine(question);
    return Promise.resolve(null);
  }

  /** Parse and run one line of script text; false when the (last) command failed. */
  async runLine(line: string): Promise<boolean> {
    let invocations: Invocation[];
    try {
      invocations = parseCommands(tokenize(line), (n) => this.registry.get(n));
    } catch (e) {
      this.#reportError(e);
      return false;
    }
    return await this.runInvocations(invocations);
  }

  /** Run words from the command line (each word one argument, no quoting). */
  async runArgv(words: string[]): Promise<boolean> {
    let invocations: Invocation[];
    try {
      invocations = parseCommands(argvTokens(words), (n) => this.registry.get(n));
    } catch (e) {
      this.#reportError(e);
      return false;
    }
    return await this.runInvocations(invocations);
  }

  /**
   * Leave output buffered after a command (the script loop sets it while more input is already
   * waiting): the output of commands answered in process goes out in fewer writes, and is
   * written before any command that waits for I/O. Standard error flushes standard output
   * first, as always.
   */
  deferFlush = false;

  /** Run parsed invocations in order; the status is the last one's, as in virsh. */
  async runInvocations(invocations: Invocation[]): Promise<boolean> {
    let ok = true;
    for (const inv of invocations) {
      const start = this.timing ? performance.now() : 0;
      ok = await this.#runOne(inv);
      // virsh leaves its loop on quit/exit before the timing line or the blank line.
      if (this.#exit) break;
      if (this.timing) {
        const ms = performance.now() - start;
        this.output.stdout(`\n(Time: ${ms.toFixed(3)} ms)\n\n`);
      } else if (!this.quiet && !inv.json && !this.json) {
        this.output.stdout("\n");
      }
    }
    if (!this.deferFlush) this.output.flush();
    return ok;
  }

  async #runOne(inv: Invocation): Promise<boolean> {
    return (await this.runCaptured(inv)).ok;
  }

  /** Run one invocation, render it, and return its status and data. */
  async runCaptured(inv: Invocation): Promise<{ ok: boolean; data: unknown }> {
    const def: CommandDef = inv.def;
    let result: Result;
    try {
      if (!def.noConnect && (!this.#conn || this.#disconnected)) {
        if (this.#uri === undefined) throw noConnectionError();
        await this.#reconnect(undefined, undefined, false);
      }
      const opts = optionValues(inv);
      // A command's own --json is visible to its handler as ctx.json, for its run only.
      const globalJson = this.json;
      this.json = globalJson || inv.json;
      this.#running = true;
      try {
        const running = Promise.resolve(def.handler(this, opts as never));
        // Output held back for batching goes out before a command that waits for real I/O.
        if (this.deferFlush && !(await settlesInProcess(running))) this.output.flush();
        result = await running;
      } finally {
        this.json = globalJson;
        this.#running = false;
      }
    } catch (e) {
      this.#reportError(e);
      return { ok: false, data: undefined };
    }
    this.render(result, inv.json || this.json);
    return { ok: result.ok, data: result.data };
  }

  /** Print a Result as virsh's text, or as JSON. */
  render(result: Result, json: boolean): void {
    if (json) {
      for (const c of result.chunks) {
        if (c.kind === "error") this.output.stderr(`error: ${c.text}\n`);
        else if (c.kind === "stderr") this.output.stderr(c.text);
      }
      let data = result.data;
      if (data === undefined) {
        const text = result.chunks.flatMap((c) =>
          c.kind === "print" || c.kind === "extra" ? [c.text] : []
        ).join("");
        data = text === "" ? null : { output: text };
      }
      this.output.stdout(toJson(data) + "\n");
      return;
    }
    for (const c of result.chunks) {
      switch (c.kind) {
        case "print":
          this.output.stdout(c.text);
          break;
        case "extra":
          if (!this.quiet) this.output.stdout(c.text);
          break;
        case "error":
          this.output.stderr(`error: ${c.text}\n`);
          break;
        case "stderr":
          this.output.stderr(c.text);
          break;
        case "table":
          this.output.stdout(formatTable(c.header, c.rows, this.quiet));
          break;
      }
    }
  }

  #reportError(e: unknown): void {
    if (
      !(e instanceof VshError) && !(e instanceof Error && e.name === "VirtError") &&
      !(e instanceof Deno.errors.NotFound) && Deno.env.get("VSH_DEBUG")
    ) {
      console.error(e);
    }
    for (const line of errorLines(e)) this.output.stderr(`error: ${line}\n`);
  }
}

/** The C library's wording for an OS error, as virsh prints it after a colon. */
export function osMessage(e: unknown): string {
  if (e instanceof Deno.errors.NotFound) return "No such file or directory";
  if (e instanceof Deno.errors.PermissionDenied) return "Permission denied";
  if (e instanceof Deno.errors.IsADirectory) return "Is a directory";
  if (e instanceof Deno.errors.NotADirectory) return "Not a directory";
  if (e instanceof Deno.errors.AlreadyExists) return "File exists";
  const msg = e instanceof Error ? e.message : String(e);
  if (/EISDIR|Is a directory/i.test(msg)) return "Is a directory";
  return msg.replace(/ \(os error \d+\).*$/, "").replace(/:.*$/, "");
}

/**
 * Whether a promise settles within a bounded number of microtask turns, that is without waiting
 * for I/O or a timer (a command answered by the embedded driver does; one that talks to a daemon
 * or reads a file does not). Uses no timer: Deno loads its timer implementation on first use.
 */
async function settlesInProcess(p: Promise<unknown>, turns = 200): Promise<boolean> {
  let done = false;
  p.then(() => done = true, () => done = true);
  for (let i = 0; i < turns && !done; i++) await null;
  return done;
}
