// test:///PATH.xml: a node file (domains, networks, pools with volumes, node CPU figures, files
// referenced with file=) loads into the same objects libvirt's test driver builds from it.

import { assertEquals } from "../../test/assert.ts";
import { openTestDriver } from "./mod.ts";
import { lastError, scrubRandom, virsh } from "./testutil_test.ts";

const NODE = `<node>
  <cpu>
    <mhz>6000</mhz>
    <model>i986</model>
    <active>50</active>
    <nodes>4</nodes>
    <sockets>4</sockets>
    <cores>4</cores>
    <threads>2</threads>
  </cpu>
  <memory>8192000</memory>
  <domain file="dom1.xml"/>
  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
    <name>off</name>
    <memory>65536</memory>
    <os><type>hvm</type></os>
    <test:runstate>5</test:runstate>
    <test:hasmanagedsave/>
  </domain>
  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
    <name>paused</name>
    <memory>65536</memory>
    <os><type>hvm</type></os>
    <test:runstate>3</test:runstate>
    <test:transient/>
  </domain>
  <network file="net1.xml"/>
  <pool type='dir'>
    <name>p1</name>
    <target><path>/p1</path></target>
    <volume><name>v1.img</name><capacity unit='MiB'>10</capacity><allocation>4096</allocation></volume>
    <volume><name>v2.img</name><capacity>1000</capacity></volume>
  </pool>
</node>
`;

const DOM1 = `<domain type='test'>
  <name>fromfile</name>
  <uuid>12345678-1234-1234-1234-123456789abc</uuid>
  <memory>1048576</memory>
  <vcpu>3</vcpu>
  <os><type>hvm</type></os>
  <devices><interface type='network'><source network='isolated'/></interface></devices>
</domain>
`;

const NET1 = `<network>
  <name>isolated</name>
  <uuid>aaaaaaaa-1234-1234-1234-123456789abc</uuid>
  <bridge name='virbr9'/>
  <ip address='10.0.0.1' prefix='24'/>
</network>
`;

async function nodeDir(): Promise<string> {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/node.xml`, NODE);
  await Deno.writeTextFile(`${dir}/dom1.xml`, DOM1);
  await Deno.writeTextFile(`${dir}/net1.xml`, NET1);
  return dir;
}

Deno.test("a node file yields the objects and XML libvirt builds from it", async () => {
  const dir = await nodeDir();
  try {
    const uri = `test://${dir}/node.xml`;
    const expected = await virsh(
      uri,
      "dumpxml fromfile; dumpxml --inactive off; net-dumpxml isolated; vol-dumpxml --pool p1 v1.img",
    );
    const drv = await openTestDriver(uri, { readonly: false });
    try {
      const dom = (await drv.call("domainLookupByName", { name: "fromfile" })).dom;
      const off = (await drv.call("domainLookupByName", { name: "off" })).dom;
      const net = (await drv.call("networkLookupByName", { name: "isolated" })).net;
      const pool = (await drv.call("storagePoolLookupByName", { name: "p1" })).pool;
      const vol = (await drv.call("storageVolLookupByName", { pool, name: "v1.img" })).vol;
      const got = [
        (await drv.call("domainGetXmlDesc", { dom, flags: 0 })).xml,
        (await drv.call("domainGetXmlDesc", { dom: off, flags: 2 })).xml,
        (await drv.call("networkGetXmlDesc", { net, flags: 0 })).xml,
        (await drv.call("storageVolGetXmlDesc", { vol, flags: 0 })).xml,
      ].join("");
      assertEquals(scrubRandom(got), scrubRandom(expected.stdout));
      const ni = await drv.call("nodeGetInfo", undefined);
      assertEquals([ni.model, ni.cpus, ni.mhz, ni.memory], ["i986", 50, 6000, 8192000n]);
      const states = [];
      for (const name of ["fromfile", "off", "paused"]) {
        const d = (await drv.call("domainLookupByName", { name })).dom;
        const st = await drv.call("domainGetState", { dom: d, flags: 0 });
        const ms = await drv.call("domainHasManagedSaveImage", { dom: d, flags: 0 });
        const p = await drv.call("domainIsPersistent", { dom: d });
        states.push([d.id, st.state, st.reason, ms.result, p.persistent]);
      }
      assertEquals(states, [[1, 1, 0, 0, 1], [-1, 5, 0, 1, 1], [2, 3, 0, 0, 0]]);
      const info = await drv.call("storagePoolGetInfo", { pool });
      assertEquals([info.allocation, info.available], [5096n, 107374177304n]);
    } finally {
      await drv.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("node file problems give libvirt's errors", async () => {
  const dir = await nodeDir();
  try {
    await Deno.writeTextFile(`${dir}/bad.xml`, "<nod/>");
    await Deno.writeTextFile(`${dir}/bad2.xml`, '<node><domain file="nope.xml"/></node>');
    for (const f of ["bad.xml", "missing.xml", "bad2.xml"]) {
      const uri = `test://${dir}/${f}`;
      const expected = lastError((await virsh(uri, "uri")).stderr);
      let got = "";
      try {
        await openTestDriver(uri, { readonly: false });
      } catch (e) {
        got = (e as Error).message;
      }
      assertEquals(got, expected);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
