// The scenario runner's own parts: directives, script parts between daemon actions,
// placeholders, and feeding a program part by part.

import { fillPlaceholders, parseScenario, runProgram, splitSteps } from "./scenario_runner.ts";

function assertEquals(actual: unknown, expected: unknown) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`expected ${e}\n     got ${a}`);
}

Deno.test("#@ daemon, #@ tcp and #@ image directives", () => {
  const s = parseScenario(
    "x.vsh",
    "x",
    "#@ tcp\n#@ uri qemu+tcp://127.0.0.1:{tcpport}/system\n#@ image qcow2 a.qcow2 64M\nlist\n",
  );
  assertEquals([s.daemon, s.tcp, s.uri], [true, true, "qemu+tcp://127.0.0.1:{tcpport}/system"]);
  assertEquals(s.images, [{ format: "qcow2", name: "a.qcow2", size: "64M" }]);
  let err = "";
  try {
    parseScenario("y.vsh", "y", "#@ image qcow2 ../a 1M\n");
  } catch (e) {
    err = (e as Error).message;
  }
  assertEquals(err, "y.vsh: bad #@ image qcow2 ../a 1M");
});

Deno.test("#@@ actions cut the script into parts", () => {
  const steps = splitSteps("x.vsh", "a\n#@@ kill\nb\nc\n#@@ later 500 restart\n#@@ sleep 10\nd\n");
  assertEquals(steps, [
    { text: "a\n", action: { kind: "kill" } },
    { text: "b\nc\n", action: { kind: "later", ms: 500, action: { kind: "restart" } } },
    { text: "\n", action: { kind: "sleep", ms: 10 } },
    { text: "d\n" },
  ]);
  let err = "";
  try {
    splitSteps("x.vsh", "#@@ explode\n");
  } catch (e) {
    err = (e as Error).message;
  }
  assertEquals(err, "x.vsh: unknown action #@@ explode");
});

Deno.test("placeholders are filled outside comment lines only", () => {
  const out = fillPlaceholders("#@ uri x?socket={socket}\nconnect x?socket={socket} {nope}\n", {
    socket: "/s",
  });
  assertEquals(out, "#@ uri x?socket={socket}\nconnect x?socket=/s {nope}\n");
});

Deno.test("runProgram does each action once the part before it has run", async () => {
  // A stand-in for virsh: prints each line, and runs `echo WORDS` as virsh's echo does.
  const fake = [
    "sh",
    "-c",
    'while IFS= read -r l; do case "$l" in "echo "*) echo "${l#echo }";; *) echo "got $l";; esac; done',
  ];
  const scenario = parseScenario("x.vsh", "x", "one {socket}\n#@@ kill\ntwo\n");
  const seen: string[] = [];
  let out = "";
  const cwd = await Deno.makeTempDir();
  try {
    const r = await runProgram(fake, scenario, "uri", cwd, 10_000, {
      values: { socket: "/s" },
      act(action) {
        seen.push(action.kind);
        return Promise.resolve();
      },
    });
    out = r.stdout;
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
  assertEquals(seen, ["kill"]);
  // The runner's own sync lines are gone from what is compared.
  assertEquals(out, "got one /s\ngot two\n");
});
