import { assertEquals, assertThrows } from "../test/assert.ts";
import { defineCommand, opt } from "./command.ts";
import { VshError } from "./errors.ts";
import { argvTokens, optionValues, parseCommands, tokenize } from "./parse.ts";
import { Result } from "./result.ts";

const setmem = defineCommand({
  name: "setmem",
  group: "domain",
  summary: "change memory allocation",
  description: "",
  options: {
    domain: opt.domain(),
    size: opt.int("new memory size", { required: true }),
    config: opt.bool("affect next boot"),
    xpath: opt.string("xpath", { namedOnly: true }),
    alt: opt.alias("config"),
  },
  handler: () => new Result(),
});
const echo = defineCommand({
  name: "echo",
  group: "virsh",
  summary: "echo",
  description: "",
  options: { shell: opt.bool("shell"), string: opt.argv("words") },
  handler: () => new Result(),
});
const help = defineCommand({
  name: "help",
  group: "virsh",
  summary: "help",
  description: "",
  options: { command: opt.string("cmd") },
  handler: () => new Result(),
});
const table = new Map([["setmem", setmem], ["echo", echo], ["help", help]]);
const lookup = (n: string) => table.get(n);

function args(line: string): string[] {
  return tokenize(line).flatMap((t) =>
    t.type === "arg" ? [t.text] : t.type === "end-cmd" ? [";"] : []
  );
}

Deno.test("tokenize: quotes, escapes and separators as virsh", () => {
  assertEquals(args(`echo "a b" 'c d' e\\ f`), ["echo", "a b", "c d", "e f"]);
  assertEquals(args(`echo "a\\"b" 'a\\b'`), ["echo", 'a"b', "a\\b"]);
  assertEquals(args("echo a;echo b\necho c"), ["echo", "a", ";", "echo", "b", ";", "echo", "c"]);
  assertEquals(args("echo a#b # comment ; still comment\necho c"), [
    "echo",
    "a#b",
    ";",
    "echo",
    "c",
  ]);
  assertEquals(args("echo 'unterminated"), ["echo", "unterminated"]);
  assertThrows(() => tokenize('echo "open'), VshError, 'missing "');
  assertThrows(() => tokenize("echo a\\"), VshError, "dangling \\");
});

Deno.test("bind: positional words fill options in declared order", () => {
  const [inv] = parseCommands(tokenize("setmem test 1024 --config"), lookup);
  assertEquals(optionValues(inv), {
    domain: "test",
    size: "1024",
    config: true,
    xpath: undefined,
  });
});

Deno.test("bind: --opt=value, aliases and named-only options", () => {
  const [inv] = parseCommands(tokenize("setmem --size=5 --domain=d --alt --xpath /x"), lookup);
  assertEquals(optionValues(inv), { domain: "d", size: "5", config: true, xpath: "/x" });
  assertThrows(
    () => parseCommands(tokenize("setmem d 1 /x"), lookup),
    VshError,
    "unexpected data '/x'",
  );
});

Deno.test("bind: virsh's error messages", () => {
  const err = (line: string) => {
    try {
      parseCommands(tokenize(line), lookup);
    } catch (e) {
      return [(e as VshError).message, ...(e as VshError).more];
    }
    return [];
  };
  assertEquals(err("bogus"), ["unknown command: 'bogus'"]);
  assertEquals(err("setmem"), [
    "command 'setmem' requires <domain> option",
    "command 'setmem' requires --size option",
  ]);
  assertEquals(err("setmem d 1 --config --config"), ["option --config already seen"]);
  assertEquals(err("setmem d --size"), ["expected syntax: --size <number>"]);
  assertEquals(err("setmem d 1 --nope"), ["command 'setmem' doesn't support option --nope"]);
  assertEquals(err("setmem d 1 --config=yes"), ["invalid '=' after option --config"]);
  assertEquals(err("echo a; bogus"), ["unknown command: 'bogus'"]);
});

Deno.test("bind: argv collects the rest; -- ends options; --help becomes help", () => {
  const [e] = parseCommands(tokenize("echo a -- --shell b"), lookup);
  assertEquals(optionValues(e), { shell: false, string: ["a", "--shell", "b"] });
  const [h] = parseCommands(tokenize("setmem --help"), lookup);
  assertEquals(h.def.name, "help");
  assertEquals(optionValues(h), { command: "setmem" });
  const [j] = parseCommands(tokenize("echo --json x"), lookup);
  assertEquals(j.json, true);
});

Deno.test("bind: command-line words are not re-tokenized", () => {
  const [inv] = parseCommands(argvTokens(["echo", "a b;c", "'q'"]), lookup);
  assertEquals(optionValues(inv).string, ["a b;c", "'q'"]);
});

Deno.test("bind: empty values are refused unless allowed", () => {
  const [inv] = parseCommands(tokenize("setmem --domain= 5"), lookup);
  assertThrows(
    () => optionValues(inv),
    VshError,
    "Failed to get option 'domain': Option argument is empty",
  );
});
