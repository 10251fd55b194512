// image-create, image-convert and image-resize: qemu-img's text and errors, and every image vsh
// writes passes qemu-img check and holds the expected content.

import { assert, assertEquals } from "../assert.ts";
import { asVshErrors, type Lab, openLab, pattern } from "./_util.ts";

function quote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s}'`;
}

/** `qemu-img info --output=json` without what differs between two files of equal layout. */
async function layout(lab: Lab, file: string): Promise<Record<string, unknown>> {
  const o = JSON.parse(await lab.qemuOk("info", "--output=json", file));
  delete o.filename;
  delete o["actual-size"];
  return o;
}

Deno.test("image-create prints qemu-img's Formatting line and writes what qemu-img writes", async () => {
  const lab = await openLab();
  try {
    await lab.qemuOk("create", "-q", "-f", "qcow2", "base.qcow2", "3M");
    await lab.write("base.qcow2", ...pattern(3));
    const cases: [string[], string[]][] = [
      [["-f", "raw"], ["1M"]],
      [["-f", "raw", "-o", "preallocation=full"], ["1.5M"]],
      [["-f", "raw", "-o", "preallocation=falloc"], ["100k"]],
      [["-f", "qcow2"], ["16M"]],
      [["-f", "qcow2", "-o", "cluster_size=4k,compat=0.10"], ["2M"]],
      [["-f", "qcow2", "-o", "lazy_refcounts=on,refcount_bits=8"], ["3G"]],
      [["-f", "qcow2", "-o", "refcount_bits=1,cluster_size=512"], ["1M"]],
      [["-f", "qcow2", "-o", "preallocation=metadata"], ["5M"]],
      [["-f", "qcow2", "-o", "preallocation=full,cluster_size=128k"], ["1M"]],
      [["-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2"], []],
      [["-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2"], ["8M"]],
      [["-f", "qcow2", "-o", "compat=v3"], ["0x100000"]],
    ];
    let n = 0;
    for (const [qargs, size] of cases) {
      n++;
      const ext = qargs[1] === "raw" ? "raw" : "qcow2";
      const qf = `q${n}.${ext}`, vf = `v${n}.${ext}`;
      const vargs = toVshCreate(qargs);
      const q = await lab.qemu("create", ...qargs, qf, ...size);
      const v = await lab.vsh.run(["image-create", vf, ...size, ...vargs].map(quote).join(" "));
      assertEquals(v.stdout, q.stdout.replaceAll(qf, vf), `create ${qargs.join(" ")}`);
      assertEquals(v.stderr + q.stderr, "");
      assertEquals(v.ok, true);
      assertEquals(await layout(lab, vf), await layout(lab, qf), `layout of ${qargs.join(" ")}`);
      await lab.assertClean(vf);
      await lab.assertSameContent(vf, qf);
      const qmap = await lab.qemuOk("map", "--output=json", qf);
      assertEquals(await lab.qemuOk("map", "--output=json", vf), qmap, `map of ${qf}`);
    }
  } finally {
    await lab.close();
  }
});

// qemu-img create's flags as image-create options.
function toVshCreate(qargs: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < qargs.length; i += 2) {
    const [flag, value] = [qargs[i], qargs[i + 1]];
    if (flag === "-f") out.push("--format", value);
    else if (flag === "-b") out.push("--backing", value);
    else if (flag === "-F") out.push("--backing-format", value);
    else {
      for (const kv of value.split(",")) {
        const [k, v] = kv.split("=");
        const name = k.replaceAll("_", "-");
        if (k === "lazy_refcounts") out.push("--lazy-refcounts");
        else out.push(`--${name}`, v);
      }
    }
  }
  return out;
}

Deno.test("image-create errors are qemu-img's, and it never overwrites without --force", async () => {
  const lab = await openLab();
  try {
    await lab.qemuOk("create", "-q", "-f", "qcow2", "base.qcow2", "1M");
    const cases: [string[], string[]][] = [
      [["-f", "qcow2", "-b", "base.qcow2"], []],
      [["-f", "qcow2", "-b", "nosuch.qcow2", "-F", "qcow2"], ["1M"]],
      [["-f", "qcow2", "-b", "base.qcow2", "-F", "nosuchfmt"], ["1M"]],
      [["-f", "qcow2", "-o", "cluster_size=1000"], ["1M"]],
      [["-f", "qcow2", "-o", "preallocation=bogus"], ["1M"]],
      [["-f", "qcow2", "-o", "compat=0.10,refcount_bits=8"], ["1M"]],
      [["-f", "qcow2", "-o", "compat=0.10,lazy_refcounts=on"], ["1M"]],
      [["-f", "qcow2", "-o", "refcount_bits=3"], ["1M"]],
      [["-f", "qcow2", "-o", "compat=2"], ["1M"]],
      [["-f", "raw", "-o", "preallocation=metadata"], ["1M"]],
      [["-f", "qcow2"], []],
      [["-f", "raw"], ["1x"]],
      [["-f", "raw"], ["1.5"]],
      [["-f", "raw"], ["99999999999999999999"]],
      [["-f", "nosuchfmt"], ["1M"]],
    ];
    for (const [qargs, size] of cases) {
      const q = await lab.qemu("create", ...qargs, "new.img", ...size);
      await Deno.remove(`${lab.dir}/new.img`).catch(() => {});
      const v = await lab.vsh.run(
        ["image-create", "new.img", ...size, ...toVshCreate(qargs)].map(quote).join(" "),
      );
      const what = `create ${qargs.join(" ")} ${size.join(" ")}`;
      assertEquals(v.stdout, q.stdout, what);
      assertEquals(v.stderr, asVshErrors(q.stderr), what);
      assertEquals(v.ok, q.code === 0, what);
      assert(q.code !== 0, what);
      await Deno.remove(`${lab.dir}/new.img`).catch(() => {});
    }
    const before = await Deno.readFile(`${lab.dir}/base.qcow2`);
    const v = await lab.vsh.run("image-create base.qcow2 2M");
    assertEquals(v.stderr, "error: 'base.qcow2' already exists: use --force to overwrite it\n");
    assertEquals(await Deno.readFile(`${lab.dir}/base.qcow2`), before);
    const f = await lab.vsh.run("image-create base.qcow2 2M --force");
    assert(f.ok, f.stderr);
    assertEquals((await Deno.stat(`${lab.dir}/base.qcow2`)).size, 2 << 20);
    const j = await lab.vsh.run("image-create --json j.qcow2 --format qcow2 --size 1M");
    assertEquals(j.data, { filename: "j.qcow2", format: "qcow2", "virtual-size": 1048576 });
  } finally {
    await lab.close();
  }
});

Deno.test("image-convert copies any chain into raw or qcow2 that qemu-img accepts", async () => {
  const lab = await openLab();
  try {
    await lab.qemuOk("create", "-q", "-f", "qcow2", "base.qcow2", "4M");
    await lab.write("base.qcow2", ...pattern(5));
    await lab.qemuOk("create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", "top.qcow2");
    await lab.write("top.qcow2", "write -P 0xee 300k 200k", "write -z 0 16k");
    await lab.qemuOk("create", "-q", "-f", "raw", "disk.raw", "3M");
    await lab.write("disk.raw", ...pattern(4));
    const cases: [string, string, string[]][] = [
      ["top.qcow2", "a.raw", []],
      ["top.qcow2", "b.qcow2", ["--format", "qcow2"]],
      ["disk.raw", "c.qcow2", ["--format", "qcow2"]],
      ["disk.raw", "d.qcow2", ["--format", "qcow2", "--compress"]],
      ["top.qcow2", "e.qcow2", ["--format", "qcow2", "--cluster-size", "4k", "--compat", "0.10"]],
      ["top.qcow2", "f.raw", ["--sparse-size", "0"]],
      ["d.qcow2", "g.raw", ["--source-format", "qcow2"]],
      ["disk.raw", "h.qcow2", ["--format", "qcow2", "--sparse-size", "64k"]],
    ];
    for (const [src, dst, flags] of cases) {
      const v = await lab.vsh.run(["image-convert", src, dst, ...flags].join(" "));
      assert(v.ok, `${src} → ${dst}: ${v.stderr}`);
      assertEquals(v.stdout, "");
      await lab.assertClean(dst);
      await lab.assertSameContent(src, dst);
      const info = JSON.parse(await lab.qemuOk("info", "--output=json", dst));
      assertEquals(info.format, flags.includes("--format") ? "qcow2" : "raw");
      assertEquals(info["backing-filename"], undefined);
    }
    // The same allocation as qemu-img's own conversion.
    await lab.qemuOk("convert", "-O", "qcow2", "disk.raw", "qc.qcow2");
    assertEquals(
      await lab.qemuOk("map", "--output=json", "c.qcow2"),
      await lab.qemuOk("map", "--output=json", "qc.qcow2"),
    );
    await lab.qemuOk("convert", "-O", "raw", "top.qcow2", "qa.raw");
    assertEquals(
      await lab.qemuOk("map", "--output=json", "a.raw"),
      await lab.qemuOk("map", "--output=json", "qa.raw"),
    );
    const j = await lab.vsh.run("image-convert --json --format qcow2 disk.raw j.qcow2");
    assertEquals((j.data as Record<string, unknown>)["virtual-size"], 3 << 20);
    // Nothing left behind but the targets.
    const names = [];
    for await (const e of Deno.readDir(lab.dir)) names.push(e.name);
    assert(!names.some((n) => n.startsWith(".")), names.join(" "));
  } finally {
    await lab.close();
  }
});

Deno.test("image-convert refuses to overwrite, and reports qemu-img's errors", async () => {
  const lab = await openLab();
  try {
    await lab.qemuOk("create", "-q", "-f", "qcow2", "src.qcow2", "1M");
    await lab.write("src.qcow2", "write -P 0x5a 0 100k");
    await lab.qemuOk("create", "-q", "-f", "raw", "old.raw", "2M");
    const before = await Deno.readFile(`${lab.dir}/old.raw`);
    const v = await lab.vsh.run("image-convert src.qcow2 old.raw");
    assertEquals(v.stderr, "error: 'old.raw' already exists: use --force to overwrite it\n");
    assertEquals(await Deno.readFile(`${lab.dir}/old.raw`), before);
    const f = await lab.vsh.run("image-convert --force src.qcow2 old.raw");
    assert(f.ok, f.stderr);
    await lab.assertSameContent("src.qcow2", "old.raw");
    const cases: [string[], string[]][] = [
      [["-S", "100", "src.qcow2", "x.raw"], ["--sparse-size", "100", "src.qcow2", "x.raw"]],
      [["-S", "1x", "src.qcow2", "x.raw"], ["--sparse-size", "1x", "src.qcow2", "x.raw"]],
      [["-c", "-O", "raw", "src.qcow2", "x.raw"], ["--compress", "src.qcow2", "x.raw"]],
      [["missing.qcow2", "x.raw"], ["missing.qcow2", "x.raw"]],
      [["-f", "nosuchfmt", "src.qcow2", "x.raw"], [
        "--source-format",
        "nosuchfmt",
        "src.qcow2",
        "x.raw",
      ]],
      [["-O", "nosuchfmt", "src.qcow2", "x.raw"], ["--format", "nosuchfmt", "src.qcow2", "x.raw"]],
      [["-O", "qcow2", "-o", "cluster_size=1000", "src.qcow2", "x.qcow2"], [
        "--format",
        "qcow2",
        "--cluster-size",
        "1000",
        "src.qcow2",
        "x.qcow2",
      ]],
      [["-O", "qcow2", "-o", "compat=2", "src.qcow2", "x.qcow2"], [
        "--format",
        "qcow2",
        "--compat",
        "2",
        "src.qcow2",
        "x.qcow2",
      ]],
      [["src.qcow2", "/nonexistent/x.raw"], ["src.qcow2", "/nonexistent/x.raw"]],
    ];
    for (const [qargs, vargs] of cases) {
      const q = await lab.qemu("convert", ...qargs);
      const r = await lab.vsh.run(["image-convert", ...vargs].join(" "));
      assertEquals(r.stderr, asVshErrors(q.stderr), qargs.join(" "));
      assertEquals(r.ok, false);
      assert(q.code !== 0);
    }
  } finally {
    await lab.close();
  }
});

Deno.test("image-resize grows and shrinks as qemu-img resize", async () => {
  const lab = await openLab();
  try {
    const steps: [string, string[]][] = [
      ["+1M", []],
      ["5M", []],
      ["1.5M", ["--shrink"]],
      ["-512k", ["--shrink"]],
      ["+0", []],
    ];
    for (const fmt of ["raw", "qcow2"]) {
      const q = `q.${fmt}`, v = `v.${fmt}`;
      await lab.qemuOk("create", "-q", "-f", fmt, q, "2M");
      await lab.write(q, "write -P 0x61 0 512k", "write -P 0x62 1536k 512k");
      await Deno.copyFile(`${lab.dir}/${q}`, `${lab.dir}/${v}`);
      for (const [size, flags] of steps) {
        const qr = await lab.qemu("resize", "-f", fmt, ...flags, q, "--", size);
        const vr = await lab.vsh.run(["image-resize", v, quote(size), ...flags].join(" "));
        assertEquals(vr.stdout, qr.stdout, `${fmt} ${size}`);
        assertEquals(vr.ok, qr.code === 0, `${fmt} ${size}: ${vr.stderr}`);
        await lab.assertClean(v);
        await lab.assertSameContent(v, q);
        assertEquals(
          JSON.parse(await lab.qemuOk("info", "--output=json", v))["virtual-size"],
          JSON.parse(await lab.qemuOk("info", "--output=json", q))["virtual-size"],
        );
      }
      for (const size of ["512k", "-1k", "1x", "+1x", "20E", "-20M", "+100"]) {
        const qr = await lab.qemu("resize", "-f", fmt, q, "--", size);
        const vr = await lab.vsh.run(`image-resize ${v} ${size}`);
        // qemu-img follows a refused shrink with a warning; vsh keeps the error alone.
        const qerr = qr.stderr.replace(/qemu-img: warning: Shrinking[^\n]*\n/, "");
        assertEquals(vr.stderr, asVshErrors(qerr), `${fmt} ${size}`);
        assertEquals(vr.ok, qr.code === 0, `${fmt} ${size}`);
        assertEquals(vr.ok, fmt === "raw" && size === "+100", `${fmt} ${size}`);
      }
    }
    const j = await lab.vsh.run("image-resize --json v.qcow2 +1M");
    assertEquals(j.data, { filename: "v.qcow2", "old-size": 1048576, "new-size": 2097152 });
  } finally {
    await lab.close();
  }
});
