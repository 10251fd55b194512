// The edit cycle of net-edit and iface-edit, after virsh's virsh-edit.c: dump the definition,
// let the user edit it, check nobody changed it meanwhile, define the result, and on failure
// ask (on a terminal) whether to edit again.

import { Result } from "../../shell/mod.ts";
import type { ShellContext } from "../../shell/mod.ts";
import { VirtError } from "../../virt/errors.ts";

/** How one kind of object is edited. */
export interface EditTarget {
  /** "Network" or "Interface", as the messages name the kind. */
  kind: string;
  /** The object's current name. */
  name: string;
  /** The definition to edit (read again after editing to detect concurrent changes). */
  getXml(): Promise<string>;
  /** Define the edited document; returns the defined object's name. */
  define(xml: string): Promise<string>;
}

// virsh's vshAskReedit without the "i" choice (networks and interfaces have no validation to
// turn off). Without a terminal nobody is asked and the answer is "nothing".
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

/** Run the edit cycle on `target`. */
export async function editDefinition(ctx: ShellContext, target: EditTarget): Promise<Result> {
  const r = new Result();
  let doc = await target.getXml();
  let edited = doc;
  let editAgain = true;
  for (;;) {
    if (editAgain) {
      edited = await ctx.edit(edited, ".xml");
      if (edited === doc) {
        return r.extra(`${target.kind} ${target.name} XML configuration not changed.\n`);
      }
    }
    const reread = await target.getXml();
    let msg: string | undefined;
    let definedName: string | undefined;
    if (reread !== doc) {
      msg = "The XML configuration was changed by another user.";
      doc = reread;
    } else {
      try {
        definedName = await target.define(edited);
      } catch (e) {
        if (!(e instanceof VirtError)) throw e;
        msg = "Failed.";
        if (ctx.isTTY) r.error(e.message);
      }
    }
    if (msg === undefined) {
      return r.extra(`${target.kind} ${definedName} XML configuration edited.\n`);
    }
    const answer = await askReedit(ctx, msg, r);
    if (answer === "n") return r.fail();
    editAgain = answer === "y";
    if (answer === "y" || answer === "f") continue;
    // Nobody to ask: virsh reports the failure, then the edit as done by an unnamed object.
    r.error(msg);
    return r.extra(`${target.kind} (null) XML configuration edited.\n`);
  }
}
