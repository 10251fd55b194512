// Helpers shared by the test-driver tests: run the real virsh (whose built-in test driver is
// the oracle) and normalize the parts that are random or clock-derived.

/**
 * Run one virsh session and return stdout, stderr and status. Commands go through virsh's
 * interactive loop on stdin (prompt lines removed): in one-shot mode virsh 9.0 hangs in
 * `save`/`managedsave` after an earlier command of the same invocation.
 */
export async function virsh(
  uri: string,
  commands: string,
  extra: string[] = [],
): Promise<{ stdout: string; stderr: string; code: number }> {
  const child = new Deno.Command("virsh", {
    args: ["-q", ...extra, "-c", uri],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { LC_ALL: "C" },
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(commands.split(/;\s*/).join("\n") + "\n"));
  await w.close();
  const out = await child.output();
  const dec = new TextDecoder();
  const stdout = dec.decode(out.stdout).split("\n").filter((l) => !l.startsWith("virsh # "))
    .join("\n");
  return { stdout, stderr: dec.decode(out.stderr), code: out.code };
}

/** Replace generated UUIDs and MAC addresses, which differ between two runs. */
export function scrubRandom(xml: string): string {
  return xml
    .replace(/<uuid>[0-9a-f-]{36}<\/uuid>/g, "<uuid>UUID</uuid>")
    .replace(/52:54:00:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}/g, "52:54:00:XX:XX:XX");
}

/** The message of the last `error: ` line virsh printed on stderr. */
export function lastError(stderr: string): string {
  const lines = stderr.split("\n").filter((l) => l.startsWith("error: "));
  return lines.length ? lines[lines.length - 1].slice(7) : "";
}
