import { assert, assertEquals } from "../test/assert.ts";

const root = new URL("..", import.meta.url).pathname;

Deno.test("-l FILE logs errors in virsh's format, and INFO lines with -d 1", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = (args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--quiet", `${root}main.ts`, ...args],
        stdout: "null",
        stderr: "null",
      }).output();
    await run(["-q", "-l", `${dir}/a.log`, "-c", "test:///default", "domstate test; dominfo x"]);
    const lines = (await Deno.readTextFile(`${dir}/a.log`)).trimEnd().split("\n");
    assertEquals(lines.length, 1);
    assert(
      /^\[\d{4}\.\d\d\.\d\d \d\d:\d\d:\d\d vsh \d+\] ERROR failed to get domain 'x'$/.test(
        lines[0],
      ),
      lines[0],
    );
    await run(["-q", "-d", "1", "-l", `${dir}/b.log`, "-c", "test:///default", "domstate test"]);
    const info = await Deno.readTextFile(`${dir}/b.log`);
    assert(/\] INFO commands: "domstate test"\n$/.test(info), info);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
