// image-info, image-map, image-check, image-measure and image-compare against qemu-img 7.2:
// the same text, the same JSON keys and values, the same errors.

import { assert, assertEquals } from "../assert.ts";
import { asVshErrors, type Lab, openLab, pattern } from "./_util.ts";

/** Runs `vsh CMD ARGS` and `qemu-img QCMD ARGS` and compares stdout, errors and success. */
async function sameText(lab: Lab, vshCmd: string, qemuArgs: string[], vshArgs = qemuArgs) {
  const q = await lab.qemu(...qemuArgs);
  const v = await lab.vsh.run([vshCmd, ...vshArgs.map(quote)].join(" "));
  assertEquals(v.stdout, q.stdout, `${vshCmd} ${vshArgs.join(" ")}: stdout`);
  assertEquals(v.stderr, asVshErrors(q.stderr), `${vshCmd} ${vshArgs.join(" ")}: stderr`);
  assertEquals(v.ok, q.code === 0, `${vshCmd} ${vshArgs.join(" ")}: status ${q.code}`);
  return { v, q };
}

/** Compares vsh's --json data with qemu-img's --output=json. */
async function sameJson(lab: Lab, vshCmd: string, qemuArgs: string[], vshArgs: string[]) {
  const q = await lab.qemu(...qemuArgs);
  const v = await lab.vsh.run([vshCmd, "--json", ...vshArgs.map(quote)].join(" "));
  assertEquals(v.data, JSON.parse(q.stdout), `${vshCmd} --json ${vshArgs.join(" ")}`);
  return { v, q };
}

function quote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s}'`;
}

/** A set of images covering the cases qemu-img info distinguishes. */
async function fixtures(lab: Lab): Promise<string[]> {
  await Deno.mkdir(`${lab.dir}/sub`);
  await lab.qemuOk("create", "-q", "-f", "raw", "r.raw", "3M");
  await lab.write("r.raw", ...pattern(3));
  await lab.qemuOk("create", "-q", "-f", "qcow2", "empty.qcow2", "5M");
  await lab.qemuOk("create", "-q", "-f", "qcow2", "sub/base.qcow2", "4M");
  await lab.write("sub/base.qcow2", ...pattern(4));
  await lab.qemuOk(
    "create",
    "-q",
    "-f",
    "qcow2",
    "-b",
    "base.qcow2",
    "-F",
    "qcow2",
    "sub/top.qcow2",
  );
  await lab.write("sub/top.qcow2", "write -P 0x77 100k 50k", "write -z 320k 64k");
  await lab.qemuOk(
    "create",
    "-q",
    "-f",
    "qcow2",
    "-o",
    "compat=0.10,cluster_size=4k",
    "old.qcow2",
    "1M",
  );
  await lab.write("old.qcow2", ...pattern(2));
  await lab.qemuOk(
    "create",
    "-q",
    "-f",
    "qcow2",
    "-o",
    "refcount_bits=8,lazy_refcounts=on",
    "lazy.qcow2",
    "2M",
  );
  await lab.qemuOk("snapshot", "-c", "first", "lazy.qcow2");
  await lab.write("lazy.qcow2", "write -P 0x42 0 64k");
  await lab.qemuOk("snapshot", "-c", "second", "lazy.qcow2");
  await lab.qemuOk("convert", "-c", "-O", "qcow2", "r.raw", "comp.qcow2");
  return [
    "r.raw",
    "empty.qcow2",
    "sub/base.qcow2",
    "sub/top.qcow2",
    "old.qcow2",
    "lazy.qcow2",
    "comp.qcow2",
  ];
}

Deno.test("image-info matches qemu-img info (text and JSON, with backing chains)", async () => {
  const lab = await openLab();
  try {
    for (const f of await fixtures(lab)) {
      await sameText(lab, "image-info", ["info", f], [f]);
      await sameJson(lab, "image-info", ["info", "--output=json", f], [f]);
    }
    await sameText(lab, "image-info", ["info", "--backing-chain", "sub/top.qcow2"], [
      "--backing-chain",
      "sub/top.qcow2",
    ]);
    await sameJson(
      lab,
      "image-info",
      ["info", "--backing-chain", "--output=json", "sub/top.qcow2"],
      [
        "--backing-chain",
        "sub/top.qcow2",
      ],
    );
    await sameText(lab, "image-info", ["info", "-f", "raw", "sub/top.qcow2"], [
      "--format",
      "raw",
      "sub/top.qcow2",
    ]);
    // Paths stay relative to the shell's directory after `cd`.
    lab.vsh.shell.chdir(`${lab.dir}/sub`);
    const v = await lab.vsh.run("image-info --backing-chain top.qcow2");
    assert(v.ok, v.stderr);
    assert(v.stdout.startsWith("image: top.qcow2\n"), v.stdout);
    assert(v.stdout.includes("\nimage: base.qcow2\n"), v.stdout);
  } finally {
    await lab.close();
  }
});

Deno.test("image-info errors read as qemu-img's", async () => {
  const lab = await openLab();
  try {
    await Deno.writeTextFile(`${lab.dir}/junk.qcow2`, "not an image at all");
    await lab.qemuOk(
      "create",
      "-q",
      "-f",
      "qcow2",
      "-u",
      "-b",
      "gone.qcow2",
      "-F",
      "qcow2",
      "orphan.qcow2",
      "1M",
    );
    await sameText(lab, "image-info", ["info", "missing.qcow2"], ["missing.qcow2"]);
    await sameText(lab, "image-info", ["info", "-f", "qcow2", "junk.qcow2"], [
      "--format",
      "qcow2",
      "junk.qcow2",
    ]);
    await sameText(lab, "image-info", ["info", "-f", "nosuchfmt", "junk.qcow2"], [
      "--format",
      "nosuchfmt",
      "junk.qcow2",
    ]);
    await sameText(lab, "image-info", ["info", "orphan.qcow2"], ["orphan.qcow2"]);
    await sameText(lab, "image-info", ["info", "--backing-chain", "orphan.qcow2"], [
      "--backing-chain",
      "orphan.qcow2",
    ]);
    const v = await lab.vsh.run("image-info --format qed junk.qcow2");
    assertEquals(
      v.stderr,
      "error: Could not open 'junk.qcow2': Image format 'qed' is not supported by vsh\n",
    );
  } finally {
    await lab.close();
  }
});

Deno.test("image-map matches qemu-img map", async () => {
  const lab = await openLab();
  try {
    for (const f of await fixtures(lab)) {
      if (f !== "comp.qcow2") await sameText(lab, "image-map", ["map", f], [f]);
      await sameJson(lab, "image-map", ["map", "--output=json", f], [f]);
    }
    // Compressed clusters: qemu-img prints the header, then fails.
    await sameText(lab, "image-map", ["map", "comp.qcow2"], ["comp.qcow2"]);
    await sameJson(
      lab,
      "image-map",
      ["map", "--output=json", "--start-offset", "128k", "--max-length", "1M", "sub/top.qcow2"],
      ["--start-offset", "128k", "--max-length", "1M", "sub/top.qcow2"],
    );
    await sameText(lab, "image-map", ["map", "--start-offset", "1x", "r.raw"], [
      "--start-offset",
      "1x",
      "r.raw",
    ]);
  } finally {
    await lab.close();
  }
});

Deno.test("image-check reports, repairs and exits as qemu-img check", async () => {
  const lab = await openLab();
  try {
    await lab.qemuOk("create", "-q", "-f", "qcow2", "clean.qcow2", "1M");
    await lab.write("clean.qcow2", ...pattern(3));
    // A leak: an extra cluster at the end with a refcount of 1 and no reference.
    await lab.qemuOk("create", "-q", "-f", "qcow2", "leak.qcow2", "1M");
    const leak = await Deno.open(`${lab.dir}/leak.qcow2`, { read: true, write: true });
    await leak.truncate(5 * 65536);
    await leak.seek(0x20000 + 2 * 4, Deno.SeekMode.Start);
    await leak.write(new Uint8Array([0, 1]));
    leak.close();
    // A corruption: the header cluster's refcount cleared.
    await Deno.copyFile(`${lab.dir}/clean.qcow2`, `${lab.dir}/bad.qcow2`);
    const bad = await Deno.open(`${lab.dir}/bad.qcow2`, { read: true, write: true });
    await bad.seek(0x20000, Deno.SeekMode.Start);
    await bad.write(new Uint8Array([0, 0]));
    bad.close();
    await lab.qemuOk("create", "-q", "-f", "raw", "r.raw", "1M");
    const codes: Record<string, number> = {};
    for (const f of ["clean.qcow2", "leak.qcow2", "bad.qcow2", "r.raw"]) {
      const { q } = await sameText(lab, "image-check", ["check", f], [f]);
      codes[f] = q.code;
      if (q.code === 63) continue;
      const q2 = await lab.qemu("check", "--output=json", f);
      const v = await lab.vsh.run(`image-check --json ${f}`);
      const data = v.data as Record<string, unknown>;
      assertEquals(data["exit-code"], q.code);
      delete data["exit-code"];
      assertEquals(data, JSON.parse(q2.stdout));
    }
    assertEquals(codes, { "clean.qcow2": 0, "leak.qcow2": 3, "bad.qcow2": 2, "r.raw": 63 });
    // Repairs: the same report as qemu-img's on a copy, and qemu-img finds vsh's result clean.
    for (const [f, mode] of [["leak.qcow2", "leaks"], ["bad.qcow2", "all"]]) {
      await Deno.copyFile(`${lab.dir}/${f}`, `${lab.dir}/q-${f}`);
      await Deno.copyFile(`${lab.dir}/${f}`, `${lab.dir}/v-${f}`);
      const q = await lab.qemu("check", "-r", mode, `q-${f}`);
      const v = await lab.vsh.run(`image-check --repair ${mode} v-${f}`);
      assertEquals(v.stdout, q.stdout, `repair ${mode} ${f}`);
      assertEquals(v.stderr, asVshErrors(q.stderr), `repair ${mode} ${f}: stderr`);
      assertEquals(v.ok, q.code === 0);
      // The refcount structure rebuilt where qemu-img puts it: the same file, byte for byte.
      assertEquals(
        await Deno.readFile(`${lab.dir}/v-${f}`),
        await Deno.readFile(`${lab.dir}/q-${f}`),
        `repair ${mode} ${f}: bytes`,
      );
      await lab.assertClean(`v-${f}`);
    }
    const v = await lab.vsh.run("image-check --repair some clean.qcow2");
    assertEquals(v.stderr, "error: Invalid option for --repair: expecting 'leaks' or 'all'\n");
  } finally {
    await lab.close();
  }
});

Deno.test("image-measure matches qemu-img measure", async () => {
  const lab = await openLab();
  try {
    const files = await fixtures(lab);
    for (const fmt of ["raw", "qcow2"]) {
      for (const f of files) {
        await sameText(lab, "image-measure", ["measure", "-O", fmt, f], ["--format", fmt, f]);
        await sameJson(lab, "image-measure", ["measure", "--output=json", "-O", fmt, f], [
          "--format",
          fmt,
          f,
        ]);
      }
      for (const size of ["0", "1M", "1G", "12.5M", "3T"]) {
        await sameText(lab, "image-measure", ["measure", "-O", fmt, "--size", size], [
          "--format",
          fmt,
          "--size",
          size,
        ]);
      }
    }
    await sameText(
      lab,
      "image-measure",
      ["measure", "-O", "qcow2", "-o", "cluster_size=4k,refcount_bits=1", "--size", "1G"],
      ["--format", "qcow2", "--cluster-size", "4k", "--refcount-bits", "1", "--size", "1G"],
    );
    await sameText(
      lab,
      "image-measure",
      ["measure", "-O", "qcow2", "-o", "preallocation=full", "--size", "100M"],
      ["--format", "qcow2", "--preallocation", "full", "--size", "100M"],
    );
    await sameText(lab, "image-measure", ["measure"], []);
    await sameText(
      lab,
      "image-measure",
      ["measure", "-O", "qcow2", "-o", "refcount_bits=3", "--size", "1M"],
      ["--format", "qcow2", "--refcount-bits", "3", "--size", "1M"],
    );
    await sameText(lab, "image-measure", ["measure", "--size", "1M", "r.raw"], [
      "--size",
      "1M",
      "r.raw",
    ]);
    await sameText(lab, "image-measure", ["measure", "--size", "1x"], ["--size", "1x"]);
    await sameText(
      lab,
      "image-measure",
      ["measure", "-O", "qcow2", "-o", "cluster_size=3k", "--size", "1M"],
      ["--format", "qcow2", "--cluster-size", "3k", "--size", "1M"],
    );
  } finally {
    await lab.close();
  }
});

Deno.test("image-compare: qemu-img's text; fails when the contents differ", async () => {
  const lab = await openLab();
  try {
    const files = await fixtures(lab);
    await lab.qemuOk("convert", "-O", "raw", "sub/top.qcow2", "flat.raw");
    await lab.qemuOk("create", "-q", "-f", "qcow2", "r2.qcow2", "3M");
    await lab.write("r2.qcow2", ...pattern(3), "write -P 0x99 2000k 1k");
    const pairs: [string, string, string[]][] = [
      ["sub/top.qcow2", "flat.raw", []],
      ["r.raw", "comp.qcow2", []],
      ["r.raw", "r2.qcow2", []],
      ["r.raw", "empty.qcow2", []],
      ["empty.qcow2", "lazy.qcow2", []],
      ["sub/base.qcow2", "r.raw", ["-s"]],
      ["r.raw", "missing.raw", []],
    ];
    assert(files.length > 0);
    for (const [a, b, flags] of pairs) {
      const vflags = flags.map((f) => f === "-s" ? "--strict" : f);
      const { v, q } = await sameTextCompare(lab, a, b, flags, vflags);
      if (q.code <= 1) {
        const j = await lab.vsh.run(`image-compare --json ${vflags.join(" ")} ${a} ${b}`);
        const data = j.data as Record<string, unknown>;
        assertEquals(data["exit-code"], q.code);
        assertEquals(data.identical, q.code === 0);
        assertEquals(v.ok, q.code === 0);
      }
    }
  } finally {
    await lab.close();
  }
});

// qemu-img compare exits 2 on errors and 1 on a difference; vsh fails on both.
async function sameTextCompare(lab: Lab, a: string, b: string, flags: string[], vflags: string[]) {
  const q = await lab.qemu("compare", ...flags, a, b);
  const v = await lab.vsh.run(["image-compare", ...vflags, a, b].join(" "));
  assertEquals(v.stdout, q.stdout, `compare ${flags} ${a} ${b}`);
  assertEquals(v.stderr, asVshErrors(q.stderr), `compare ${flags} ${a} ${b}: stderr`);
  assertEquals(v.ok, q.code === 0);
  return { v, q };
}
