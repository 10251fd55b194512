// Storage volumes standing in for files: --pool NAME with a volume name, or a volume's path or
// key, on a test:///FILE.xml connection whose pool directory is a scratch directory.

import { assert, assertEquals } from "../assert.ts";
import { openShell } from "../../shell/script_api.ts";
import { run } from "./_util.ts";

async function nodeXml(dir: string, poolDir: string): Promise<string> {
  const xml = `<node>
  <pool type='dir'>
    <name>imgpool</name>
    <uuid>35bb2ad9-388a-cdfe-461a-b8907f6e53fe</uuid>
    <target><path>${poolDir}</path></target>
    <volume type='file'><name>v1.qcow2</name><capacity>1048576</capacity></volume>
  </pool>
  <pool type='dir'>
    <name>farpool</name>
    <uuid>35bb2ad9-388a-cdfe-461a-b8907f6e53ff</uuid>
    <target><path>${dir}/not-here</path></target>
    <volume type='file'><name>far.qcow2</name><capacity>1048576</capacity></volume>
  </pool>
</node>
`;
  await Deno.writeTextFile(`${dir}/node.xml`, xml);
  return `test://${dir}/node.xml`;
}

Deno.test("image commands take storage volumes of the connection", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vsh-images-vol-" });
  const poolDir = `${dir}/pool`;
  await Deno.mkdir(poolDir);
  const vsh = await openShell({ uri: await nodeXml(dir, poolDir) });
  try {
    const path = `${poolDir}/v1.qcow2`;
    const q = await run("qemu-img", ["create", "-q", "-f", "qcow2", path, "1M"], dir);
    assertEquals(q.code, 0);
    const want = (await run("qemu-img", ["info", path], dir)).stdout;
    for (
      const cmd of [
        "image-info --pool imgpool v1.qcow2",
        "image-info --pool 35bb2ad9-388a-cdfe-461a-b8907f6e53fe v1.qcow2",
        `image-info ${path}`,
      ]
    ) {
      const r = await vsh.run(cmd);
      assertEquals(r.stdout, want, cmd);
    }
    const missing = await vsh.run("image-info --pool imgpool nosuch.qcow2");
    assertEquals(
      missing.stderr,
      "error: failed to get vol 'nosuch.qcow2'\n" +
        "error: Storage volume not found: no storage vol with matching name 'nosuch.qcow2'\n",
    );
    const noPool = await vsh.run("image-info --pool nopool v1.qcow2");
    assertEquals(
      noPool.stderr,
      "error: failed to get pool 'nopool'\n" +
        "error: Storage pool not found: no storage pool with matching name 'nopool'\n",
    );
    const far = await vsh.run("image-info --pool farpool far.qcow2");
    assertEquals(
      far.stderr,
      `error: volume 'far.qcow2' (${dir}/not-here/far.qcow2) is not a file on this machine: ` +
        `connection 'test://${dir}/node.xml' cannot download volumes\n`,
    );
    assertEquals(far.ok, false);

    // New volumes are written into the pool's directory.
    const made = await vsh.run("image-create --pool imgpool new.qcow2 2M --format qcow2");
    assert(made.ok, made.stderr);
    assertEquals(
      made.stdout,
      `Formatting '${poolDir}/new.qcow2', fmt=qcow2 cluster_size=65536 extended_l2=off ` +
        "compression_type=zlib size=2097152 lazy_refcounts=off refcount_bits=16\n",
    );
    assertEquals((await run("qemu-img", ["check", `${poolDir}/new.qcow2`], dir)).code, 0);
    const conv = await vsh.run(
      "image-convert --pool imgpool v1.qcow2 --target-pool imgpool copy.raw",
    );
    assert(conv.ok, conv.stderr);
    const cmp = await run("qemu-img", ["compare", path, `${poolDir}/copy.raw`], dir);
    assertEquals(cmp.stdout, "Images are identical.\n");
    const again = await vsh.run("image-create --pool imgpool v1.qcow2 1M");
    assertEquals(again.stderr, `error: '${path}' already exists: use --force to overwrite it\n`);
    const farNew = await vsh.run("image-create --pool farpool x.raw 1M");
    assertEquals(
      farNew.stderr,
      "error: pool 'farpool' has no target directory on this machine: " +
        "image-create cannot write remote volumes\n",
    );
  } finally {
    await vsh.close();
    await Deno.remove(dir, { recursive: true });
  }
});
