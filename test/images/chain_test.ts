// image-snapshot, image-rebase and image-commit: what vsh writes, qemu-img checks and reads back
// with the expected content; listings and errors as qemu-img's.

import { assert, assertEquals } from "../assert.ts";
import { asVshErrors, openLab } from "./_util.ts";

Deno.test("image-snapshot creates, lists, applies and deletes as qemu-img snapshot", async () => {
  const lab = await openLab();
  try {
    await lab.qemuOk("create", "-q", "-f", "qcow2", "d.qcow2", "2M");
    await lab.write("d.qcow2", "write -P 0x31 0 300k");
    const empty = await lab.vsh.run("image-snapshot d.qcow2");
    assertEquals(empty.stdout, await lab.qemuOk("snapshot", "-l", "d.qcow2"));
    assertEquals(empty.data, []);
    let r = await lab.vsh.run("image-snapshot d.qcow2 --create one");
    assert(r.ok, r.stderr);
    await lab.assertClean("d.qcow2");
    await lab.qemuOk("convert", "-O", "raw", "d.qcow2", "at-one.raw");
    await lab.write("d.qcow2", "write -P 0x32 100k 400k");
    r = await lab.vsh.run("image-snapshot --create two d.qcow2");
    assert(r.ok, r.stderr);
    await lab.qemuOk("snapshot", "-c", "three", "d.qcow2");
    // The listing, as text and as qemu-img info's snapshot objects.
    const list = await lab.vsh.run("image-snapshot --list d.qcow2");
    assertEquals(list.stdout, await lab.qemuOk("snapshot", "-l", "d.qcow2"));
    const info = JSON.parse(await lab.qemuOk("info", "--output=json", "d.qcow2"));
    assertEquals(list.data, info.snapshots);
    assertEquals((list.data as { name: string }[]).map((s) => s.name), ["one", "two", "three"]);
    // Back to "one": the guest sees what it saw then.
    r = await lab.vsh.run("image-snapshot d.qcow2 --apply one");
    assert(r.ok, r.stderr);
    await lab.assertClean("d.qcow2");
    await lab.assertSameContent("d.qcow2", "at-one.raw");
    r = await lab.vsh.run("image-snapshot d.qcow2 --delete two");
    assert(r.ok, r.stderr);
    await lab.assertClean("d.qcow2");
    const names = JSON.parse(await lab.qemuOk("info", "--output=json", "d.qcow2")).snapshots
      .map((s: { name: string }) => s.name);
    assertEquals(names, ["one", "three"]);
    await lab.assertSameContent("d.qcow2", "at-one.raw");
    // Errors.
    for (const [flag, vflag] of [["-a", "--apply"], ["-d", "--delete"]]) {
      const q = await lab.qemu("snapshot", flag, "nosuch", "d.qcow2");
      const v = await lab.vsh.run(`image-snapshot d.qcow2 ${vflag} nosuch`);
      assertEquals(v.stderr, asVshErrors(q.stderr), flag);
      assertEquals(v.ok, false);
    }
    const both = await lab.vsh.run("image-snapshot d.qcow2 --list --create x");
    assertEquals(both.stderr, "error: Options --list and --create are mutually exclusive\n");
    const missing = await lab.vsh.run("image-snapshot gone.qcow2");
    const q = await lab.qemu("snapshot", "-l", "gone.qcow2");
    assertEquals(missing.stderr, asVshErrors(q.stderr));
  } finally {
    await lab.close();
  }
});

Deno.test("image-rebase keeps the guest's view (safe) or only the reference (--unsafe)", async () => {
  const lab = await openLab();
  try {
    await lab.qemuOk("create", "-q", "-f", "qcow2", "old.qcow2", "2M");
    await lab.write("old.qcow2", "write -P 0x41 0 1M");
    await lab.qemuOk("create", "-q", "-f", "qcow2", "new.qcow2", "2M");
    await lab.write("new.qcow2", "write -P 0x42 512k 1M");
    await lab.qemuOk("create", "-q", "-f", "qcow2", "-b", "old.qcow2", "-F", "qcow2", "top.qcow2");
    await lab.write("top.qcow2", "write -P 0x43 64k 64k");
    await lab.qemuOk("convert", "-O", "raw", "top.qcow2", "before.raw");
    await Deno.copyFile(`${lab.dir}/top.qcow2`, `${lab.dir}/top2.qcow2`);
    await Deno.copyFile(`${lab.dir}/top.qcow2`, `${lab.dir}/top3.qcow2`);

    let r = await lab.vsh.run("image-rebase top.qcow2 new.qcow2 --backing-format qcow2");
    assert(r.ok, r.stderr);
    await lab.assertClean("top.qcow2");
    await lab.assertSameContent("top.qcow2", "before.raw");
    const info = JSON.parse(await lab.qemuOk("info", "--output=json", "top.qcow2"));
    assertEquals(info["backing-filename"], "new.qcow2");
    assertEquals(info["backing-filename-format"], "qcow2");

    r = await lab.vsh.run(
      "image-rebase --unsafe top2.qcow2 --backing new.qcow2 --backing-format qcow2",
    );
    assert(r.ok, r.stderr);
    await lab.assertClean("top2.qcow2");
    await lab.qemuOk("create", "-q", "-f", "qcow2", "-b", "old.qcow2", "-F", "qcow2", "q2.qcow2");
    await lab.write("q2.qcow2", "write -P 0x43 64k 64k");
    await lab.qemuOk("rebase", "-u", "-b", "new.qcow2", "-F", "qcow2", "q2.qcow2");
    await lab.assertSameContent("top2.qcow2", "q2.qcow2");

    // No backing file at all: everything the chain supplied is copied in.
    r = await lab.vsh.run("image-rebase top3.qcow2 ''");
    assert(r.ok, r.stderr);
    await lab.assertClean("top3.qcow2");
    await lab.assertSameContent("top3.qcow2", "before.raw");
    const alone = JSON.parse(await lab.qemuOk("info", "--output=json", "top3.qcow2"));
    assertEquals(alone["backing-filename"], undefined);

    for (
      const [qargs, vargs] of [
        [["-b", "new.qcow2", "top.qcow2"], "top.qcow2 new.qcow2"],
        [
          ["-b", "nosuch.qcow2", "-F", "qcow2", "top.qcow2"],
          "top.qcow2 nosuch.qcow2 --backing-format qcow2",
        ],
        [
          ["-b", "new.qcow2", "-F", "qcow2", "gone.qcow2"],
          "gone.qcow2 new.qcow2 --backing-format qcow2",
        ],
      ] as [string[], string][]
    ) {
      await Deno.copyFile(`${lab.dir}/top.qcow2`, `${lab.dir}/scratch.qcow2`);
      const q = await lab.qemu(
        "rebase",
        ...qargs.map((a) => a === "top.qcow2" ? "scratch.qcow2" : a),
      );
      const v = await lab.vsh.run(`image-rebase ${vargs}`);
      assertEquals(v.stderr, asVshErrors(q.stderr.replaceAll("scratch.qcow2", "top.qcow2")), vargs);
      assertEquals(v.ok, false);
    }
    await lab.assertSameContent("top.qcow2", "before.raw");
  } finally {
    await lab.close();
  }
});

Deno.test("image-commit writes the overlay into its backing file", async () => {
  const lab = await openLab();
  try {
    await lab.qemuOk("create", "-q", "-f", "qcow2", "base.qcow2", "2M");
    await lab.write("base.qcow2", "write -P 0x51 0 1M");
    await lab.qemuOk("create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", "top.qcow2");
    await lab.write("top.qcow2", "write -P 0x52 256k 512k", "write -z 1536k 64k");
    await lab.qemuOk("convert", "-O", "raw", "top.qcow2", "want.raw");
    const q = await lab.qemu("commit", "base.qcow2");
    const r = await lab.vsh.run("image-commit top.qcow2");
    assert(r.ok, r.stderr);
    assertEquals(r.stdout, "Image committed.\n");
    await lab.assertClean("top.qcow2");
    await lab.assertClean("base.qcow2");
    await lab.assertSameContent("base.qcow2", "want.raw");
    await lab.assertSameContent("top.qcow2", "want.raw");
    // The overlay is empty again: every range comes from the backing file.
    const map = JSON.parse(await lab.qemuOk("map", "--output=json", "top.qcow2"));
    assert(map.every((e: { depth: number }) => e.depth === 1), JSON.stringify(map));
    const v = await lab.vsh.run("image-commit base.qcow2");
    assertEquals(v.stderr, asVshErrors(q.stderr));
    assertEquals(v.ok, false);
  } finally {
    await lab.close();
  }
});

Deno.test("snapshot, rebase and commit refuse raw images with qemu-img's errors", async () => {
  const lab = await openLab();
  try {
    await lab.qemuOk("create", "-q", "-f", "raw", "r.raw", "1M");
    const cases: [string[], string][] = [
      [["snapshot", "-l", "r.raw"], "image-snapshot r.raw"],
      [["snapshot", "-c", "s", "r.raw"], "image-snapshot r.raw --create s"],
      [["snapshot", "-a", "s", "r.raw"], "image-snapshot r.raw --apply s"],
      [["snapshot", "-d", "s", "r.raw"], "image-snapshot r.raw --delete s"],
      [["rebase", "-f", "raw", "-u", "-b", "", "r.raw"], "image-rebase --unsafe r.raw ''"],
      [["commit", "-f", "raw", "r.raw"], "image-commit r.raw"],
      [["commit", "nofile"], "image-commit nofile"],
    ];
    for (const [qargs, vcmd] of cases) {
      const q = await lab.qemu(...qargs);
      const v = await lab.vsh.run(vcmd);
      // qemu-img warns about writing to a probed raw image; vsh has no such restriction.
      const qerr = q.stderr.replaceAll(
        /WARNING: Image format was not specified[^]*?restrictions\.\n/g,
        "",
      );
      assertEquals(v.stdout, q.stdout, vcmd);
      assertEquals(v.stderr, asVshErrors(qerr), vcmd);
      assertEquals(v.ok, q.code === 0, vcmd);
    }
  } finally {
    await lab.close();
  }
});
