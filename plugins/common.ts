// What the built-in plugins share: virsh's ways with a libvirt failure (its own line with
// libvirt's error under it, a fallback value, or the error left pending by a lookup), finding an
// object by UUID or name as virsh's virshCommandOpt*By functions do, virsh's order of names,
// results that carry their --json data, and the commands that only act on one object.

import { defineCommand, Result, VshError } from "../shell/mod.ts";
import type { CommandDef, OptionDef, ShellContext } from "../shell/mod.ts";
import type { Connection } from "../virt/connection.ts";
import { VirtError } from "../virt/errors.ts";

/** Wraps a libvirt failure under virsh's own line for it; other errors pass unchanged. */
export async function orFail<T>(message: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof VirtError) throw new VshError(message, { cause: e });
    throw e;
  }
}

/** A query whose failure virsh shows as a fallback word rather than an error. */
export async function orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof VirtError) return undefined;
    throw e;
  }
}

/** Runs a lookup, keeping its libvirt error as the pending one virsh would report. */
export async function attempt<T>(
  fn: () => Promise<T>,
  errors: VirtError[],
): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof VirtError)) throw e;
    errors.push(e);
    return undefined;
  }
}

/** virsh's line for a failed lookup, with the last libvirt error of the attempts under it. */
export function lookupFailed(message: string, errors: VirtError[]): VshError {
  const cause = errors.at(-1);
  return new VshError(message, cause ? { cause } : undefined);
}

/** Which lookups an option allows. */
export interface LookupBy {
  uuid?: boolean;
  name?: boolean;
}

const encoder = new TextEncoder();

// virsh compares the option's length in bytes with VIR_UUID_STRING_BUFLEN - 1.
const UUID_STRING_LEN = 36;

/**
 * The object `text` names: by UUID when it has a UUID's length, else by name, as
 * virshCommandOptNetworkBy and virshCommandOptPoolBy find one. A failure is virsh's
 * "failed to get KIND 'TEXT'", with the last libvirt error under it.
 */
export async function lookupByUuidOrName<T>(
  ctx: ShellContext,
  kind: string,
  text: string,
  by: LookupBy,
  byUuid: (conn: Connection, text: string) => Promise<T>,
  byName: (conn: Connection, text: string) => Promise<T>,
): Promise<T> {
  const conn = ctx.conn;
  const errors: VirtError[] = [];
  let found: T | undefined;
  if (by.uuid && encoder.encode(text).length === UUID_STRING_LEN) {
    found = await attempt(() => byUuid(conn, text), errors);
  }
  if (!found && by.name) found = await attempt(() => byName(conn, text), errors);
  if (!found) throw lookupFailed(`failed to get ${kind} '${text}'`, errors);
  return found;
}

/** virsh's vshStrcasecmp: byte-wise comparison with ASCII letters folded to lower case. */
export function compareNames(a: string, b: string): number {
  const x = encoder.encode(a), y = encoder.encode(b);
  const lower = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = lower(x[i]) - lower(y[i]);
    if (d) return d;
  }
  return x.length - y.length;
}

/** `r` with `data` as what --json prints. */
export function withData(r: Result, data: unknown): Result {
  r.data = data;
  return r;
}

/** virsh's answer of one value: `value` on a line of its own, and as the --json data. */
export function valueLine(value: string): Result {
  return withData(new Result().print(`${value}\n`), value);
}

/** The kind of object objectAction's commands act on, and how an option finds one. */
export interface ObjectKind<T> {
  /** The commands' help group ("network", "interface", "pool"). */
  group: string;
  /** The kind as the success line names it ("Network"). */
  kind: string;
  /** The option naming the object, and its declaration. */
  option: [string, OptionDef];
  /** Find the object the option's text names. */
  lookup(ctx: ShellContext, text: string): Promise<T>;
  /** The --json description; with it the data is the object's name, without it there is none. */
  json?: string;
}

/**
 * A maker of commands that act on one object and only report success or failure: virsh's
 * "KIND TEXT DONE" line, or its "FAILED TEXT" line with libvirt's error under it.
 */
export function objectAction<T extends { name: string }>(of: ObjectKind<T>): (
  name: string,
  summary: string,
  description: string,
  act: (ctx: ShellContext, obj: T) => Promise<unknown>,
  done: string,
  failed: string,
) => CommandDef {
  const [option, declaration] = of.option;
  return (name, summary, description, act, done, failed) =>
    defineCommand({
      name,
      group: of.group,
      summary,
      description,
      options: { [option]: declaration },
      ...(of.json === undefined ? {} : { json: of.json }),
      async handler(ctx, opts) {
        const text = (opts as Record<string, string>)[option];
        const obj = await of.lookup(ctx, text);
        await orFail(`${failed} ${text}`, () => act(ctx, obj));
        const r = new Result().extra(`${of.kind} ${text} ${done}\n`);
        return of.json === undefined ? r : withData(r, { name: obj.name });
      },
    });
}
