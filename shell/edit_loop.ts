// The edit cycle of virsh's *-edit commands (virsh-edit.c): the definition is edited, read
// again to check nobody changed it meanwhile, and defined; after a failure the user is asked
// (on a terminal) whether to edit again, retry as it is, or give up.

import { Result } from "./result.ts";
import type { ShellContext } from "./context.ts";
import { VirtError } from "../virt/errors.ts";

// virsh's vshAskReedit without the "i" choice (no validation to turn off). Without a terminal
// nobody is asked and the answer is "".
async function askReedit(ctx: ShellContext, msg: string, r: Result): Promise<string> {
  if (!ctx.isTTY) return "";
  for (;;) {
    const answer = await ctx.prompt(`${msg} Try again? [y,n,f,?]: `);
    if (answer === null) return "n";
    const c = answer.trim().toLowerCase().slice(0, 1);
    if (c === "y" || c === "n" || c === "f") return c;
    if (c === "?") {
      r.print(
        "y - yes, start editor again\nn - no, throw away my changes\n" +
          "f - force, try to redefine again\n? - print this help\n",
      );
    }
  }
}

/** One object's edit cycle: how it is read, edited and defined. */
export interface EditCycle<T> {
  /** The definition as first read. */
  doc: string;
  /** Read the definition again, after each edit, to catch changes made meanwhile. */
  reread(): Promise<string>;
  /** Let the user edit `text`. */
  edit(text: string): Promise<string>;
  /** Define the edited document; a VirtError is a failure the user may be asked about. */
  define(xml: string): Promise<T>;
  /**
   * Whether an edit that changed nothing ends the cycle; `again` tells a re-edit (after "y")
   * from the first edit. Always, when not given.
   */
  endUnchanged?(again: boolean): boolean;
}

/** How an edit cycle ended. */
export type EditOutcome<T> =
  /** The edit changed nothing. */
  | { end: "unchanged" }
  /** The edited document was defined; `value` is what `define` returned. */
  | { end: "defined"; value: T }
  /** The user answered "n". */
  | { end: "refused" }
  /** Nobody to ask (no terminal): `message` says what failed. */
  | { end: "unasked"; message: string };

/**
 * Run the edit cycle of `cycle`; questions, their help and (on a terminal) define failures go
 * to `r`. What the end means is the caller's to report.
 */
export async function runEditLoop<T>(
  ctx: ShellContext,
  r: Result,
  cycle: EditCycle<T>,
): Promise<EditOutcome<T>> {
  let doc = cycle.doc;
  let edited = doc;
  let editNow = true;
  let again = false;
  for (;;) {
    if (editNow) {
      edited = await cycle.edit(edited);
      if (edited === doc && (cycle.endUnchanged?.(again) ?? true)) return { end: "unchanged" };
    }
    const reread = await cycle.reread();
    let message: string;
    if (reread !== doc) {
      message = "The XML configuration was changed by another user.";
      doc = reread;
    } else {
      try {
        return { end: "defined", value: await cycle.define(edited) };
      } catch (e) {
        if (!(e instanceof VirtError)) throw e;
        message = "Failed.";
        if (ctx.isTTY) r.error(e.message);
      }
    }
    const answer = await askReedit(ctx, message, r);
    if (answer === "n") return { end: "refused" };
    if (answer === "") return { end: "unasked", message };
    editNow = answer === "y";
    again = true;
  }
}

/** How one kind of object is edited by editDefinition. */
export interface EditTarget {
  /** "Network", "Interface" or "Pool", as the messages name the kind. */
  kind: string;
  /** The object's current name. */
  name: string;
  /** The definition to edit (read again after editing to detect concurrent changes). */
  getXml(): Promise<string>;
  /** Define the edited document; returns the defined object's name. */
  define(xml: string): Promise<string>;
}

/** The edit cycle of net-edit, iface-edit and pool-edit, reported in virsh's words. */
export async function editDefinition(ctx: ShellContext, target: EditTarget): Promise<Result> {
  const r = new Result();
  const outcome = await runEditLoop(ctx, r, {
    doc: await target.getXml(),
    reread: () => target.getXml(),
    edit: (text) => ctx.edit(text, ".xml"),
    define: (xml) => target.define(xml),
  });
  switch (outcome.end) {
    case "unchanged":
      return r.extra(`${target.kind} ${target.name} XML configuration not changed.\n`);
    case "defined":
      return r.extra(`${target.kind} ${outcome.value} XML configuration edited.\n`);
    case "refused":
      return r.fail();
    case "unasked":
      // virsh reports the failure, then the edit as done by an unnamed object.
      r.error(outcome.message);
      return r.extra(`${target.kind} (null) XML configuration edited.\n`);
  }
}
