// The embedded test driver against libvirt's own test driver (built into virsh): same XML bytes,
// same states, same error texts, through the Driver interface.

import { assert, assertEquals, assertRejects } from "../../test/assert.ts";
import { VirtError } from "../errors.ts";
import { openTestDriver, type TestDriver } from "./mod.ts";
import { lastError, scrubRandom, virsh } from "./testutil_test.ts";

const DEFAULT = "test:///default";

async function withDriver(fn: (d: TestDriver) => Promise<void>, readonly = false) {
  const drv = await openTestDriver(DEFAULT, { readonly });
  try {
    await fn(drv);
  } finally {
    await drv.close();
  }
}

async function domain(drv: TestDriver, name: string) {
  return (await drv.call("domainLookupByName", { name })).dom;
}

async function errorOf(p: Promise<unknown>): Promise<VirtError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof VirtError) return e;
    throw e;
  }
  throw new Error("expected a VirtError");
}

Deno.test("default objects print the same XML as libvirt's test driver", async () => {
  const expected = await virsh(
    DEFAULT,
    "dumpxml test; dumpxml --inactive test; net-dumpxml default; pool-dumpxml default-pool; " +
      "iface-dumpxml eth1; capabilities; sysinfo",
  );
  await withDriver(async (drv) => {
    const dom = await domain(drv, "test");
    const net = (await drv.call("networkLookupByName", { name: "default" })).net;
    const pool = (await drv.call("storagePoolLookupByName", { name: "default-pool" })).pool;
    const iface = (await drv.call("interfaceLookupByName", { name: "eth1" })).iface;
    const parts = [
      (await drv.call("domainGetXmlDesc", { dom, flags: 0 })).xml,
      (await drv.call("domainGetXmlDesc", { dom, flags: 2 })).xml,
      (await drv.call("networkGetXmlDesc", { net, flags: 0 })).xml,
      (await drv.call("storagePoolGetXmlDesc", { pool, flags: 0 })).xml,
      (await drv.call("interfaceGetXmlDesc", { iface, flags: 0 })).xml,
      // virsh prints the capabilities document followed by a newline of its own.
      (await drv.call("connectGetCapabilities", undefined)).capabilities + "\n",
      (await drv.call("connectGetSysinfo", { flags: 0 })).sysinfo,
    ];
    assertEquals(parts.join(""), expected.stdout);
  });
});

Deno.test("host procedures answer like the test driver", async () => {
  const expected = await virsh(DEFAULT, "nodeinfo; freecell --all; hostname; version");
  await withDriver(async (drv) => {
    const ni = await drv.call("nodeGetInfo", undefined);
    const cells = (await drv.call("nodeGetCellsFreeMemory", { startCell: 0, maxcells: 8 })).cells;
    const lines = [
      `CPU model:           ${ni.model}`,
      `CPU(s):              ${ni.cpus}`,
      `CPU frequency:       ${ni.mhz} MHz`,
      `CPU socket(s):       ${ni.sockets}`,
      `Core(s) per socket:  ${ni.cores}`,
      `Thread(s) per core:  ${ni.threads}`,
      `NUMA cell(s):        ${ni.nodes}`,
      `Memory size:         ${ni.memory} KiB`,
      "",
    ];
    assert(expected.stdout.startsWith(lines.join("\n")));
    assertEquals(cells, [2097152n, 4194304n]);
    assert(
      expected.stdout.includes(`\n${(await drv.call("connectGetHostname", undefined)).hostname}\n`),
    );
    assertEquals((await drv.call("connectGetLibVersion", undefined)).lib_ver, 9000000n);
    assertEquals((await drv.call("connectGetVersion", undefined)).hv_ver, 2n);
    assertEquals((await drv.call("connectGetType", undefined)).type, "TEST");
    assertEquals((await drv.call("nodeGetFreeMemory", undefined)).freeMem, 3145728n);
    const e = await errorOf(drv.call("nodeGetCellsFreeMemory", { startCell: 5, maxcells: 1 }));
    assertEquals(
      e.message,
      lastError((await virsh(DEFAULT, "freecell 5")).stderr),
    );
  });
});

Deno.test("domain read procedures match dominfo and friends", async () => {
  const expected = await virsh(DEFAULT, "dominfo test; vcpucount test; dommemstat test");
  await withDriver(async (drv) => {
    const dom = await domain(drv, "test");
    assertEquals(dom.id, 1);
    const info = await drv.call("domainGetInfo", { dom });
    assertEquals([info.state, info.maxMem, info.memory, info.nrVirtCpu], [
      1,
      8388608n,
      2097152n,
      2,
    ]);
    assertEquals(await drv.call("domainGetState", { dom, flags: 0 }), { state: 1, reason: 0 });
    assertEquals((await drv.call("domainGetOsType", { dom })).type, "linux");
    assertEquals(await drv.call("domainGetSecurityLabel", { dom }), {
      label: "libvirt-test",
      enforcing: 1,
    });
    assertEquals(await drv.call("nodeGetSecurityModel", undefined), {
      model: "testSecurity",
      doi: "",
    });
    assert(expected.stdout.includes("Security label: libvirt-test (enforcing)"));
    for (const [flags, n] of [[2, 2], [1, 2], [2 | 4, 2], [1 | 4, 2]]) {
      assertEquals((await drv.call("domainGetVcpusFlags", { dom, flags })).num, n);
    }
    const stats = (await drv.call("domainMemoryStats", { dom, maxStats: 13, flags: 0 })).stats;
    const names = [
      "swap_in",
      "swap_out",
      "major_fault",
      "minor_fault",
      "unused",
      "available",
      "actual",
      "rss",
      "usable",
      "last_update",
      "disk_caches",
      "hugetlb_pgalloc",
      "hugetlb_pgfail",
    ];
    const text = stats.map((s) => `${names[s.tag]} ${s.val}\n`).join("");
    assert(expected.stdout.endsWith(text), text);
    assertEquals(
      await drv.call("domainGetBlockInfo", { dom, path: "vda", flags: 0 }),
      { capacity: 1099506450432n, allocation: 1099511627776n, physical: 1099511627776n },
    );
    const pins = await drv.call("domainGetVcpuPinInfo", { dom, ncpumaps: 2, maplen: 1, flags: 0 });
    assertEquals([...pins.cpumaps], [0xff, 0xff]);
    const vcpus = await drv.call("domainGetVcpus", { dom, maxinfo: 2, maplen: 1 });
    assertEquals(vcpus.info.map((v) => v.cpu), [15, 15]);
  });
});

Deno.test("lookups and lifecycle errors carry libvirt's messages", async () => {
  const expected = await virsh(
    DEFAULT,
    "suspend test; suspend test; resume test; resume test; shutdown test; shutdown test; " +
      "destroy test; domblkinfo test vdb; start test; setmem test 999999999; setvcpus test 40",
  );
  const virshErrors = expected.stderr.split("\n").filter((l) =>
    l.startsWith("error: ") && !l.startsWith("error: Failed") && !l.startsWith("error: Unable")
  ).map((l) => l.slice(7));
  await withDriver(async (drv) => {
    const dom = await domain(drv, "test");
    const got: string[] = [];
    const attempt = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        got.push((e as Error).message);
      }
    };
    await attempt(drv.call("domainSuspend", { dom }));
    await attempt(drv.call("domainSuspend", { dom }));
    await attempt(drv.call("domainResume", { dom }));
    await attempt(drv.call("domainResume", { dom }));
    await attempt(drv.call("domainShutdown", { dom }));
    await attempt(drv.call("domainShutdown", { dom }));
    await attempt(drv.call("domainDestroy", { dom }));
    const off = await domain(drv, "test");
    await attempt(drv.call("domainGetBlockInfo", { dom: off, path: "vdb", flags: 0 }));
    await drv.call("domainCreate", { dom: off });
    const on = await domain(drv, "test");
    await attempt(drv.call("domainSetMemoryFlags", { dom: on, memory: 999999999n, flags: 0 }));
    await attempt(drv.call("domainSetVcpusFlags", { dom: on, nvcpus: 40, flags: 0 }));
    assertEquals(got, virshErrors);
    const e = await errorOf(drv.call("domainLookupByName", { name: "nosuch" }));
    assertEquals([e.code, e.message], [42, "Domain not found"]);
  });
});

/** Run the same operations on both drivers and compare `domstate --reason` after each. */
Deno.test("states and reasons follow the test driver through a lifecycle", async () => {
  // managedsave and save are left to the libvirtd differential test: virsh 9.0 can hang in
  // their job-watching loop when its input is not a terminal.
  const steps = ["suspend", "resume", "reboot", "shutdown", "start", "destroy", "start"];
  const script = steps.map((s) => `${s} test; domstate --reason test`).join("; ");
  const expected = (await virsh(DEFAULT, script)).stdout.split("\n").filter((l) =>
    /^(running|paused|shut off)/.test(l)
  );
  const stateNames = ["no state", "running", "blocked", "paused", "in shutdown", "shut off"];
  const reasons: Record<number, string[]> = {
    1: ["unknown", "booted", "migrated", "restored", "from snapshot", "unpaused"],
    3: ["unknown", "user"],
    5: ["unknown", "shutdown", "destroyed", "crashed", "migrated", "saved"],
  };
  await withDriver(async (drv) => {
    const got: string[] = [];
    for (const step of steps) {
      const dom = await domain(drv, "test");
      const proc = {
        suspend: "domainSuspend",
        resume: "domainResume",
        reboot: "domainReboot",
        shutdown: "domainShutdown",
        start: "domainCreate",
        managedsave: "domainManagedSave",
        destroy: "domainDestroy",
      }[step] as "domainSuspend";
      await drv.call(proc, { dom, flags: 0 } as never);
      const st = await drv.call("domainGetState", { dom: await domain(drv, "test"), flags: 0 });
      got.push(`${stateNames[st.state]} (${reasons[st.state][st.reason]})`);
    }
    assertEquals(got, expected);
    const dom = await domain(drv, "test");
    assertEquals(dom.id, 3);
  });
});

const SAMPLES: Record<string, string> = {
  minimal: `<domain type='test'>
  <name>sample-min</name>
  <memory>131072</memory>
  <os><type>hvm</type></os>
</domain>`,
  devices: `<domain type='test'>
  <name>sample-dev</name>
  <memory unit='GiB'>1</memory>
  <currentMemory unit='MiB'>512</currentMemory>
  <vcpu current='1'>4</vcpu>
  <os><type arch='i686' machine='pc'>hvm</type><boot dev='cdrom'/></os>
  <features><acpi/><apic/></features>
  <on_crash>restart</on_crash>
  <devices>
    <emulator>/usr/bin/test-hv</emulator>
    <interface type='network'><source network='default'/><mac address='52:54:00:11:22:33'/>
      <model type='virtio'/></interface>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/a.qcow2'/><target dev='vda' bus='virtio'/></disk>
    <disk type='file' device='cdrom'><source file='/tmp/x.iso'/><target dev='hdc'/></disk>
    <disk type='block'><source dev='/dev/sdb'/><target dev='sdb'/></disk>
    <interface type='bridge'><source bridge='br0'/><mac address='52:54:00:11:22:34'/></interface>
    <graphics type='vnc' listen='0.0.0.0'/>
    <console type='pty'/>
    <video><model type='vga'/></video>
    <input type='tablet' bus='usb'/>
    <input type='mouse'/>
    <memballoon model='virtio'><address type='pci' domain='0' bus='0' slot='3' function='0'/></memballoon>
  </devices>
</domain>`,
  metadata: `<domain type='test'>
  <name>sample-meta</name>
  <uuid>11111111-2222-3333-4444-555555555555</uuid>
  <title>A title</title>
  <description>Some &lt;desc&gt; &amp; "quotes"</description>
  <metadata>
    <app1:foo xmlns:app1="http://app1.org/app1/">fooish</app1:foo>
    <app2:bar xmlns:app2="http://app2.org/"><app2:x a="1"/></app2:bar>
  </metadata>
  <memory>65536</memory>
  <os><type>hvm</type></os>
  <unknownElement/>
</domain>`,
};

/** Realistic definitions kept as files: virt-install output, tuning, Xen PV, implicit devices. */
const TESTDATA = new URL("./testdata/", import.meta.url);
for await (const entry of Deno.readDir(TESTDATA)) {
  if (entry.name.endsWith(".xml")) {
    SAMPLES[entry.name] = await Deno.readTextFile(new URL(entry.name, TESTDATA));
  }
}

Deno.test("define then dumpxml prints what libvirt prints for the same input", async () => {
  const dir = await Deno.makeTempDir();
  try {
    let script = "";
    for (const [key, xml] of Object.entries(SAMPLES)) {
      await Deno.writeTextFile(`${dir}/${key}.xml`, xml);
      const name = /<name>([^<]+)</.exec(xml)![1];
      script += `define ${dir}/${key}.xml; dumpxml ${name}; `;
    }
    const out = await virsh(DEFAULT, script);
    const expected = out.stdout.split(/(?=^<domain )/m);
    await withDriver(async (drv) => {
      const got: string[] = [];
      for (const xml of Object.values(SAMPLES)) {
        const { dom } = await drv.call("domainDefineXml", { xml });
        got.push((await drv.call("domainGetXmlDesc", { dom, flags: 0 })).xml);
        await drv.call("domainUndefine", { dom });
      }
      assertEquals(got.map(scrubRandom), expected.map(scrubRandom));
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("malformed and invalid definitions give libvirt's errors", async () => {
  const bad = [
    '<domain type="test">\n  <name>bad</name>\n  <memory>1024</memory>\n</domainx>\n',
    "garbage",
    "",
    "<domain type='test'><memory>1024</memory><os><type>hvm</type></os></domain>",
    "<domain type='test'><name>x</name><memory>1024</memory></domain>",
    "<domain><name>x</name><memory>1024</memory><os><type>hvm</type></os></domain>",
    "<domain type='test'><name>test</name><memory>1024</memory><os><type>hvm</type></os></domain>",
    "<domain type='test'><name>x</name><memory>abc</memory><os><type>hvm</type></os></domain>",
    "<domain type='test'><name>x</name><os><type>hvm</type></os></domain>",
    "<network><name>x</name></network>",
    "<domain type='test'><name>x</name><uuid>zz</uuid><memory>1</memory><os><type>hvm</type></os></domain>",
    "<domain type='test'><name>x</name><memory>1</memory><os><type>foo</type></os></domain>",
    "<domain type='test'><name>x</name><memory unit='zz'>1</memory><os><type>hvm</type></os></domain>",
    "<domain type='test'><name>x</name><memory>1</memory><vcpu current='3'>2</vcpu><os><type>hvm</type></os></domain>",
    "<domain type='foo'><name>x</name><memory>1</memory><os><type>hvm</type></os></domain>",
    "<domain type='test'><name>a/b</name><memory>1</memory><os><type>hvm</type></os></domain>",
    "<domain type='test'><name>x</name><memory>1</memory><os><type>hvm</type></os><on_crash>bogus</on_crash></domain>",
    "<domain type='test'><name>x</name><memory>1</memory><os><type>hvm</type></os><devices><interface type='network'/></devices></domain>",
    "<domain type='test'><name>x</name><memory>1</memory><os><type>hvm</type></os><devices><disk><source file='/x'/></disk></devices></domain>",
  ];
  const dir = await Deno.makeTempDir();
  try {
    const expected: string[] = [];
    for (const [i, xml] of bad.entries()) {
      await Deno.writeTextFile(`${dir}/${i}.xml`, xml);
      const r = await virsh(DEFAULT, `define ${dir}/${i}.xml`);
      const at = r.stderr.indexOf("\nerror: ");
      expected.push(r.stderr.slice(at + 8).replace(/\n+$/, ""));
    }
    await withDriver(async (drv) => {
      const got: string[] = [];
      for (const xml of bad) {
        got.push((await errorOf(drv.call("domainDefineXml", { xml }))).message);
      }
      assertEquals(got, expected);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("read-only connections refuse changes with libvirt's message", async () => {
  const expected = await virsh(DEFAULT, "destroy test", ["-r"]);
  await withDriver(async (drv) => {
    const dom = await domain(drv, "test");
    const e = await errorOf(drv.call("domainDestroy", { dom }));
    assertEquals(e.message, lastError(expected.stderr));
    const e2 = await errorOf(drv.call("domainGetXmlDesc", { dom, flags: 1 }));
    assertEquals(e2.message, "operation forbidden: virDomainGetXMLDesc with secure flag");
    assertEquals((await drv.call("domainGetInfo", { dom })).state, 1);
  }, true);
});

Deno.test("unimplemented procedures report NO_SUPPORT with the API name", async () => {
  const expected = await virsh(DEFAULT, "nodememstats");
  await withDriver(async (drv) => {
    const e = await errorOf(
      drv.call("nodeGetMemoryStats", { nparams: 0, cellNum: -1, flags: 0 }),
    );
    assertEquals([e.code, e.message], [3, lastError(expected.stderr)]);
  });
});

Deno.test("test:///default state is shared while a connection stays open", async () => {
  const a = await openTestDriver(DEFAULT, { readonly: false });
  const b = await openTestDriver(DEFAULT, { readonly: false });
  await a.call("domainSuspend", { dom: await domain(a, "test") });
  assertEquals((await b.call("domainGetInfo", { dom: await domain(b, "test") })).state, 3);
  await a.close();
  await b.close();
  const c = await openTestDriver(DEFAULT, { readonly: false });
  assertEquals((await c.call("domainGetInfo", { dom: await domain(c, "test") })).state, 1);
  await c.close();
  await assertRejects(() => openTestDriver("test:///", { readonly: false }), VirtError);
});

Deno.test("save and restore through the test driver's image format", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await withDriver(async (drv) => {
      const dom = await domain(drv, "test");
      await drv.call("domainSave", { dom, to: `${dir}/t.save` });
      assertEquals(await drv.call("domainGetState", { dom, flags: 0 }), { state: 5, reason: 5 });
      const xml = (await drv.call("domainSaveImageGetXmlDesc", { file: `${dir}/t.save`, flags: 0 }))
        .xml;
      assert(xml.includes("<name>test</name>"));
      await drv.call("domainRestore", { from: `${dir}/t.save` });
      assertEquals(await drv.call("domainGetState", { dom, flags: 0 }), { state: 1, reason: 3 });
      await Deno.writeTextFile(`${dir}/junk`, "not a save image at all");
      const e = await errorOf(drv.call("domainRestore", { from: `${dir}/junk` }));
      assertEquals(e.message, "internal error: mismatched header magic");
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a call is cheap: 2,000 calls well under what virsh needs", async () => {
  await withDriver(async (drv) => {
    const t0 = performance.now();
    for (let i = 0; i < 500; i++) {
      const dom = await domain(drv, "test");
      await drv.call("domainGetInfo", { dom });
      await drv.call("domainGetState", { dom, flags: 0 });
      await drv.call("domainGetXmlDesc", { dom, flags: 0 });
    }
    const ms = performance.now() - t0;
    assert(ms < 500, `2,000 calls took ${ms.toFixed(1)} ms`);
  });
});

Deno.test("redefining dumpxml output (an edit) gives what libvirt gives", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await withDriver(async (drv) => {
      for (const [key, xml] of Object.entries(SAMPLES)) {
        const first = await drv.call("domainDefineXml", { xml });
        const once = (await drv.call("domainGetXmlDesc", { dom: first.dom, flags: 0 })).xml;
        const again = await drv.call("domainDefineXml", { xml: once });
        const twice = (await drv.call("domainGetXmlDesc", { dom: again.dom, flags: 0 })).xml;
        await drv.call("domainUndefine", { dom: again.dom });
        await Deno.writeTextFile(`${dir}/${key}.xml`, once);
        const expected = await virsh(
          DEFAULT,
          `define ${dir}/${key}.xml; dumpxml ${first.dom.name}`,
        );
        assertEquals(scrubRandom(twice), scrubRandom(expected.stdout), key);
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
