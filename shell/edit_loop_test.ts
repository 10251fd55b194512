import { assertEquals } from "../test/assert.ts";
import type { ShellContext } from "./context.ts";
import { editDefinition, runEditLoop } from "./edit_loop.ts";
import { Result } from "./result.ts";
import { VirtError } from "../virt/errors.ts";

// A context whose editor returns the given texts in turn and whose user gives the given
// answers; `isTTY` says whether anybody is asked.
function fakeContext(edits: string[], answers: string[], isTTY: boolean): ShellContext {
  return {
    isTTY,
    edit: (_text: string) => Promise.resolve(edits.shift()!),
    prompt: (_question: string) => Promise.resolve(answers.shift() ?? null),
  } as unknown as ShellContext;
}

const failure = () => new VirtError({ code: 27, domain: 19, message: "XML error: bad" });

// An object whose definition is `doc` until `define` succeeds; `fails` define attempts fail.
function target(doc: string, fails: number, reads: string[] = []) {
  const defined: string[] = [];
  return {
    defined,
    kind: "Network",
    name: "net0",
    getXml: () => Promise.resolve(reads.shift() ?? doc),
    define: (xml: string) => {
      if (fails-- > 0) return Promise.reject(failure());
      defined.push(xml);
      return Promise.resolve("net1");
    },
  };
}

Deno.test("an unchanged edit defines nothing", async () => {
  const t = target("<a/>", 0);
  const r = await editDefinition(fakeContext(["<a/>"], [], false), t);
  assertEquals(r.chunks, [{
    kind: "extra",
    text: "Network net0 XML configuration not changed.\n",
  }]);
  assertEquals(t.defined, []);
});

Deno.test("an edit is defined under the name the definition returns", async () => {
  const t = target("<a/>", 0);
  const r = await editDefinition(fakeContext(["<b/>"], [], false), t);
  assertEquals(r.chunks, [{ kind: "extra", text: "Network net1 XML configuration edited.\n" }]);
  assertEquals(t.defined, ["<b/>"]);
});

Deno.test("without a terminal a failure is reported and the edit counts as done", async () => {
  const r = await editDefinition(fakeContext(["<b/>"], [], false), target("<a/>", 1));
  assertEquals(r.ok, true);
  assertEquals(r.chunks, [
    { kind: "error", text: "Failed." },
    { kind: "extra", text: "Network (null) XML configuration edited.\n" },
  ]);
});

Deno.test("on a terminal the user may ask for help, then edit again", async () => {
  const t = target("<a/>", 1);
  const r = await editDefinition(fakeContext(["<b/>", "<c/>"], ["?", "yes"], true), t);
  assertEquals(r.chunks, [
    { kind: "error", text: "XML error: bad" },
    {
      kind: "print",
      text: "y - yes, start editor again\nn - no, throw away my changes\n" +
        "f - force, try to redefine again\n? - print this help\n",
    },
    { kind: "extra", text: "Network net1 XML configuration edited.\n" },
  ]);
  assertEquals(t.defined, ["<c/>"]);
});

Deno.test("a definition changed meanwhile is not defined until the user forces it", async () => {
  const t = target("<z/>", 0, ["<a/>"]);
  const r = await editDefinition(fakeContext(["<b/>"], ["f"], true), t);
  assertEquals(r.chunks, [{ kind: "extra", text: "Network net1 XML configuration edited.\n" }]);
  assertEquals(t.defined, ["<b/>"]);
});

Deno.test("answering no fails the command", async () => {
  const r = await editDefinition(fakeContext(["<b/>"], ["n"], true), target("<a/>", 1));
  assertEquals(r.ok, false);
  assertEquals(r.chunks, [{ kind: "error", text: "XML error: bad" }]);
  // The end of input counts as no.
  const eof = await editDefinition(fakeContext(["<b/>"], [], true), target("<a/>", 1));
  assertEquals(eof.ok, false);
});

Deno.test("endUnchanged decides whether an unchanged first edit or re-edit ends the cycle", async () => {
  const defined: string[] = [];
  let fails = 1;
  const outcome = await runEditLoop(fakeContext(["<a/>", "<a/>"], ["y"], true), new Result(), {
    doc: "<a/>",
    reread: () => Promise.resolve("<a/>"),
    edit: (text) => Promise.resolve(text),
    define: (xml) => {
      if (fails-- > 0) return Promise.reject(failure());
      defined.push(xml);
      return Promise.resolve(xml.length);
    },
    endUnchanged: () => false,
  });
  assertEquals(outcome, { end: "defined", value: 4 });
  assertEquals(defined, ["<a/>"]);
  const unasked = await runEditLoop(fakeContext([], [], false), new Result(), {
    doc: "<a/>",
    reread: () => Promise.resolve("<b/>"),
    edit: (text) => Promise.resolve(text),
    define: () => Promise.resolve(0),
    endUnchanged: (again) => again,
  });
  assertEquals(unasked, {
    end: "unasked",
    message: "The XML configuration was changed by another user.",
  });
});
