// Image commands on storage volumes that are not files on this machine, read through volume
// downloads from a private libvirtd. The daemon's pool lives under /var/lib/libvirt, which the
// daemon's mount namespace has privately: the daemon (and qemu-img run inside its namespace, the
// oracle) sees the files, vsh does not. A second pool, reached over tcp://127.0.0.1 (another
// host as far as the URI says), is visible to both. Output must be qemu-img's for the same
// file, with the volume's path shown; commands that write refuse.

import { assert, assertEquals } from "../assert.ts";
import { type PrivateLibvirtd, startPrivateLibvirtd } from "../harness/libvirtd.ts";
import { openShell, type ScriptShell } from "../../shell/script_api.ts";
import { run } from "./_util.ts";
import { runVsh } from "../vsh_process.ts";
import { exists } from "../../virt/uri.ts";

/** Fails instead of hanging. */
async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface Setup {
  d: PrivateLibvirtd;
  vsh: ScriptShell;
  /** The pool directory, as the daemon sees it (not on this machine). */
  dir: string;
  /** The same directory from here, for copies of the bytes. */
  hostDir: string;
  work: string;
  /** A program run inside the daemon's mount namespace. */
  ns(cmd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** qemu-img inside the daemon's namespace, which must succeed. */
  qemu(...args: string[]): Promise<string>;
}

async function setUp(d: PrivateLibvirtd, work: string): Promise<Setup> {
  const hex = Array.from(crypto.getRandomValues(new Uint8Array(4)))
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  const name = `vsh-remote-${hex}`;
  const dir = `/var/lib/libvirt/${name}`;
  // /var/lib/libvirt is the daemon's private copy of the harness directory's m1.
  const hostDir = `${d.dir}/m1/${name}`;
  const ns = (cmd: string, ...args: string[]) =>
    run("nsenter", ["-t", String(d.pid), "-m", cmd, ...args], work);
  const qemu = async (...args: string[]) => {
    const r = await ns("qemu-img", ...args);
    if (r.code !== 0) throw new Error(`qemu-img ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  const io = async (fmt: string, file: string, ...cmds: string[]) => {
    const r = await ns("qemu-io", "-f", fmt, ...cmds.flatMap((c) => ["-c", c]), file);
    if (r.code !== 0 || r.stderr) throw new Error(`qemu-io ${file}: ${r.stderr}`);
  };
  const vsh = await openShell({ uri: d.uri("qemu:///system") });
  const made = await vsh.run(`pool-create-as p dir --target ${dir} --build`);
  assertEquals(made.stderr, "");
  assert(!exists(dir), `${dir} must not be visible here`);

  // base.raw (sparse) ← mid.qcow2 (relative backing name) ← top.qcow2 (absolute, with a
  // snapshot); a standalone qcow2; a truncated copy; one whose backing file is no volume.
  await ns("truncate", "-s", "8M", `${dir}/base.raw`);
  await io("raw", `${dir}/base.raw`, "write -P 0x11 0 64k", "write -P 0x22 3M 1M");
  await qemu("create", "-q", "-f", "qcow2", "-b", "base.raw", "-F", "raw", `${dir}/mid.qcow2`);
  await io("qcow2", `${dir}/mid.qcow2`, "write -P 0x33 64k 64k", "write -z 5M 64k");
  await qemu(
    "create",
    "-q",
    "-f",
    "qcow2",
    "-b",
    `${dir}/mid.qcow2`,
    "-F",
    "qcow2",
    `${dir}/top.qcow2`,
  );
  await io("qcow2", `${dir}/top.qcow2`, "write -P 0x44 7M 4k", "write -P 0x55 1M 128k");
  await qemu("snapshot", "-c", "first", `${dir}/top.qcow2`);
  await io("qcow2", `${dir}/top.qcow2`, "write -P 0x66 2M 64k");
  await qemu("create", "-q", "-f", "qcow2", `${dir}/solo.qcow2`, "64M");
  await io("qcow2", `${dir}/solo.qcow2`, "write -P 1 0 1M", "write -P 2 32M 1M");
  await ns(
    "sh",
    "-c",
    `cp ${dir}/solo.qcow2 ${dir}/cut.qcow2 && truncate -s 200000 ${dir}/cut.qcow2 && ` +
      `cp ${dir}/solo.qcow2 ${dir}/cut2.qcow2 && truncate -s 100000 ${dir}/cut2.qcow2`,
  );
  // Block status of a metadata-preallocated image asks the file where its holes are.
  await qemu(
    "create",
    "-q",
    "-f",
    "qcow2",
    "-o",
    "preallocation=metadata",
    `${dir}/pre.qcow2`,
    "32M",
  );
  await io("qcow2", `${dir}/pre.qcow2`, "write -P 7 1M 64k");
  await ns("mkdir", "-p", "/var/lib/libvirt/elsewhere");
  await qemu("create", "-q", "-f", "qcow2", "/var/lib/libvirt/elsewhere/lost.qcow2", "1M");
  await qemu(
    "create",
    "-q",
    "-f",
    "qcow2",
    "-b",
    "/var/lib/libvirt/elsewhere/lost.qcow2",
    "-F",
    "qcow2",
    `${dir}/orphan.qcow2`,
  );
  assertEquals((await vsh.run("pool-refresh p")).stderr, "");
  return { d, vsh, dir, hostDir, work, ns, qemu };
}

Deno.test({
  name: "image commands read volumes on another machine by download and refuse to write them",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const d = await startPrivateLibvirtd({ tcp: true });
    const work = await Deno.makeTempDir({ prefix: "vsh-remote-vol-" });
    let s: Setup | undefined;
    try {
      s = await setUp(d, work);
      const { vsh, dir, qemu } = s;
      const top = `${dir}/top.qcow2`;

      await t.step("info, check, map and snapshot lists equal qemu-img's", async () => {
        const cases: Array<[string, string[]]> = [
          ["image-info --pool p top.qcow2", ["info", top]],
          [`image-info --backing-chain ${top}`, ["info", "--backing-chain", top]],
          [`image-info ${dir}/base.raw`, ["info", `${dir}/base.raw`]],
          ["image-check --pool p top.qcow2", ["check", top]],
          [`image-check ${dir}/solo.qcow2`, ["check", `${dir}/solo.qcow2`]],
          ["image-map --pool p top.qcow2", ["map", top]],
          [`image-map ${dir}/mid.qcow2`, ["map", `${dir}/mid.qcow2`]],
          [`image-map ${dir}/base.raw`, ["map", `${dir}/base.raw`]],
          [`image-map ${dir}/pre.qcow2`, ["map", `${dir}/pre.qcow2`]],
          [`image-snapshot --list ${top}`, ["snapshot", "-l", top]],
          [`image-measure --format qcow2 ${top}`, ["measure", "-O", "qcow2", top]],
        ];
        for (const [cmd, args] of cases) {
          const r = await within(20000, cmd, vsh.run(cmd));
          assertEquals([r.stdout, r.stderr], [await qemu(...args), ""], cmd);
        }
        const json: Array<[string, string[]]> = [
          [`image-info --backing-chain ${top}`, ["info", "--backing-chain", top]],
          [`image-map ${top}`, ["map", top]],
          [`image-check ${top}`, ["check", top]],
          [`image-measure --format qcow2 ${top}`, ["measure", "-O", "qcow2", top]],
        ];
        for (const [cmd, args] of json) {
          const r = await vsh.run(`${cmd} --json`);
          const data = r.data as Record<string, unknown>;
          if (cmd.startsWith("image-check")) delete data["exit-code"];
          assertEquals(data, JSON.parse(await qemu(...args, "--output=json")), cmd);
        }
        // The program itself prints the same bytes.
        const p = await runVsh(
          d.uri("qemu:///system"),
          "image-info",
          "--pool",
          "p",
          "top.qcow2",
        );
        assertEquals([p.code, p.stdout, p.stderr], [0, await qemu("info", top), ""]);
      });

      await t.step("compare and convert read the source here", async () => {
        const diff = await vsh.run(`image-compare ${top} ${dir}/mid.qcow2`);
        const q = await s!.ns("qemu-img", "compare", top, `${dir}/mid.qcow2`);
        assertEquals([diff.stdout, diff.ok], [q.stdout, false]);
        for (const fmt of ["qcow2", "raw"]) {
          const out = `${work}/copy.${fmt}`;
          const r = await vsh.run(`image-convert --pool p top.qcow2 ${out} --format ${fmt}`);
          assertEquals([r.stderr, r.ok], ["", true]);
          // qemu-img, in the daemon's namespace, sees both (the work directory is shared).
          assertEquals(await qemu("compare", top, out), "Images are identical.\n");
          const same = await vsh.run(`image-compare --pool p top.qcow2 ${out}`);
          assertEquals(same.stdout, "Images are identical.\n");
        }
      });

      await t.step("commands that write refuse with one clear line", async () => {
        const refusal = (what: string, writer: string) =>
          `error: volume '${what}' (${top}) is not a file on this machine: ${writer} cannot ` +
          "write remote volumes\n";
        const cases: Array<[string, string, string]> = [
          ["image-resize --pool p top.qcow2 +1M", "top.qcow2", "image-resize"],
          ["image-check --repair all --pool p top.qcow2", "top.qcow2", "image-check --repair"],
          [`image-snapshot --create s2 ${top}`, top, "image-snapshot --create"],
          [`image-snapshot --apply first ${top}`, top, "image-snapshot --apply"],
          [`image-snapshot --delete first ${top}`, top, "image-snapshot --delete"],
          [`image-rebase ${top} ''`, top, "image-rebase"],
          [`image-commit ${top}`, top, "image-commit"],
          ["image-create --pool p top.qcow2 1M --force", "top.qcow2", "image-create"],
          [
            `image-convert ${dir}/base.raw --target-pool p top.qcow2 --force`,
            "top.qcow2",
            "image-convert",
          ],
        ];
        for (const [cmd, what, writer] of cases) {
          const r = await vsh.run(cmd);
          assertEquals([r.stdout, r.stderr, r.ok], ["", refusal(what, writer), false], cmd);
        }
        const fresh = await vsh.run("image-create --pool p new.qcow2 1M");
        assertEquals(
          fresh.stderr,
          "error: pool 'p' has no target directory on this machine: image-create cannot write " +
            "remote volumes\n",
        );
        const p = await runVsh(d.uri("qemu:///system"), "image-resize", top, "+1M");
        assertEquals([p.code, p.stderr], [1, refusal(top, "image-resize")]);
        // Nothing changed.
        assertEquals((await vsh.run(`image-info ${top}`)).stdout, await qemu("info", top));
      });

      await t.step("truncated and orphaned images fail clearly, as local copies do", async () => {
        // The same bytes, copied here, give the library's local result: the remote one must
        // be the same, path aside.
        for (const name of ["cut.qcow2", "cut2.qcow2"]) {
          const local = `${work}/${name}`;
          // (cp keeps the holes, so "disk size" stays the same.)
          assertEquals((await run("cp", [`${s!.hostDir}/${name}`, local], work)).code, 0);
          for (const cmd of ["image-info", "image-check", "image-map"]) {
            const far = await within(20000, cmd, vsh.run(`${cmd} ${dir}/${name}`));
            const here = await vsh.run(`${cmd} ${local}`);
            const norm = (x: string) => x.replaceAll(`${dir}/`, "").replaceAll(`${work}/`, "");
            assertEquals(
              [norm(far.stdout), norm(far.stderr), far.ok],
              [norm(here.stdout), norm(here.stderr), here.ok],
              `${cmd} ${name}`,
            );
          }
        }
        const map = await vsh.run(`image-map ${dir}/cut.qcow2`);
        assertEquals(map.stderr, "error: L2 table at 0x40000 is past the end of the image file\n");
        assertEquals(map.ok, false);
        // A backing file outside every pool cannot be read from here.
        const orphan = await vsh.run(`image-map ${dir}/orphan.qcow2`);
        assertEquals(orphan.ok, false);
        assert(
          orphan.stderr.startsWith(
            `error: Could not open '${dir}/orphan.qcow2': Could not open backing file: Could ` +
              "not open '/var/lib/libvirt/elsewhere/lost.qcow2': not a storage volume of the " +
              "connection, so it cannot be read from this machine (",
          ),
          orphan.stderr,
        );
        // Without the chain it is read like any other.
        const info = await vsh.run(`image-info ${dir}/orphan.qcow2`);
        assertEquals(info.stdout, await qemu("info", `${dir}/orphan.qcow2`));
        // A missing volume file (gone behind the pool's back) is an error, not a hang.
        await s!.ns("rm", `${dir}/solo.qcow2`);
        const gone = await within(20000, "gone", vsh.run("image-info --pool p solo.qcow2"));
        assertEquals(gone.ok, false);
        assert(gone.stderr.startsWith(`error: Could not open '${dir}/solo.qcow2': `), gone.stderr);
      });

      await t.step("a URI naming another host makes even a visible volume remote", async () => {
        const pool = `${d.dir}/tpool`;
        const tcp = await openShell({ uri: `qemu+tcp://127.0.0.1:${d.tcpPort}/system` });
        try {
          const made = await tcp.run(`pool-create-as t dir --target ${pool} --build`);
          assertEquals(made.stderr, "");
          const file = `${pool}/v.qcow2`;
          assertEquals(
            (await run("qemu-img", ["create", "-q", "-f", "qcow2", file, "2M"], work)).code,
            0,
          );
          await tcp.run("pool-refresh t");
          const info = await tcp.run("image-info --pool t v.qcow2");
          const want = await run("qemu-img", ["info", file], work);
          assertEquals([info.stdout, info.stderr], [want.stdout, ""]);
          const resize = await tcp.run("image-resize --pool t v.qcow2 4M");
          assertEquals(
            resize.stderr,
            `error: volume 'v.qcow2' (${file}) is not a file on this machine: image-resize ` +
              "cannot write remote volumes\n",
          );
        } finally {
          await tcp.close();
        }
      });
    } finally {
      await s?.vsh.close();
      await d.stop();
      await Deno.remove(work, { recursive: true });
    }
  },
});
