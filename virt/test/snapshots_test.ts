// The embedded driver's snapshot tree: libvirt's child order, listing filters, deletion with
// re-parenting, and the procedures end to end on test:///default.

import { assertEquals, assertRejects } from "../../test/assert.ts";
import { Connection } from "../connection.ts";
import { lookupDomain } from "../domain.ts";
import { DomainSnapshot, SnapshotListFlags as L } from "../snapshot.ts";
import { type SnapshotObj, SnapshotTree } from "./snapshots.ts";

function build(edges: [string, string | undefined][]): SnapshotTree {
  const t = new SnapshotTree();
  for (const [name, parent] of edges) {
    const s = t.add({ name, parent, state: "running", disks: [] });
    t.link(s);
    t.current = s;
  }
  return t;
}

const names = (xs: SnapshotObj[]) => xs.map((s) => s.def.name);

Deno.test("children are kept most recent first, and topological order is preorder", () => {
  const t = build([["a", undefined], ["b", "a"], ["c", "b"], ["d", "a"], ["e", "d"], ["B", "a"]]);
  assertEquals(names(t.find("a")!.children), ["B", "d", "b"]);
  assertEquals(names(t.select(undefined, L.TOPOLOGICAL)), ["a", "B", "d", "e", "b", "c"]);
  assertEquals(names(t.select(undefined, 0)), ["a", "b", "c", "d", "e", "B"]);
  assertEquals(names(t.select(undefined, L.ROOTS)), ["a"]);
  assertEquals(names(t.select(t.find("a"), 0)), ["B", "d", "b"]);
  assertEquals(names(t.select(t.find("a"), L.DESCENDANTS | L.TOPOLOGICAL)), [
    "B",
    "d",
    "e",
    "b",
    "c",
  ]);
});

Deno.test("leaf, metadata, state and location filters", () => {
  const t = build([["a", undefined], ["b", "a"], ["c", "a"]]);
  t.find("c")!.def.state = "shutoff";
  assertEquals(names(t.select(undefined, L.LEAVES)), ["b", "c"]);
  assertEquals(names(t.select(undefined, L.NO_LEAVES)), ["a"]);
  assertEquals(names(t.select(undefined, L.LEAVES | L.NO_LEAVES)), []);
  assertEquals(names(t.select(undefined, L.NO_METADATA)), []);
  assertEquals(names(t.select(undefined, L.METADATA | L.NO_METADATA)), ["a", "b", "c"]);
  assertEquals(names(t.select(undefined, L.INACTIVE)), ["c"]);
  assertEquals(names(t.select(undefined, L.ACTIVE)), ["a", "b"]);
  assertEquals(names(t.select(undefined, L.EXTERNAL)), []);
  assertEquals(names(t.select(undefined, L.INTERNAL | L.EXTERNAL)), ["a", "b", "c"]);
});

Deno.test("deleting a snapshot moves its children to its parent and the current one up", () => {
  const t = build([["a", undefined], ["b", "a"], ["c", "b"], ["d", "b"]]);
  t.current = t.find("b");
  t.delete(t.find("b")!, false, false);
  assertEquals(names(t.find("a")!.children), ["d", "c"]);
  assertEquals(t.find("c")!.def.parent, "a");
  assertEquals(t.current?.def.name, "a");
  t.delete(t.find("a")!, false, false);
  assertEquals(names(t.root.children), ["d", "c"]);
  assertEquals(t.find("d")!.def.parent, undefined);
  assertEquals(t.current, undefined);
});

Deno.test("deleting children makes the snapshot current when the current one went", () => {
  const t = build([["a", undefined], ["b", "a"], ["c", "b"]]);
  t.delete(t.find("a")!, false, true);
  assertEquals(names(t.all), ["a"]);
  assertEquals(t.current?.def.name, "a");
  const u = build([["a", undefined], ["b", "a"], ["c", "b"]]);
  u.delete(u.find("b")!, true, false);
  assertEquals(names(u.all), ["a"]);
  assertEquals(u.current?.def.name, "a");
});

Deno.test("create, redefine, revert and delete through the embedded driver", async () => {
  const conn = await Connection.open("test:///default");
  try {
    const dom = (await lookupDomain(conn, "test"))!;
    const xml = (name: string) => `<domainsnapshot><name>${name}</name></domainsnapshot>`;
    await DomainSnapshot.create(conn, dom.ref, xml("s1"));
    await conn.call("domainSuspend", { dom: dom.ref });
    const s2 = await DomainSnapshot.create(conn, dom.ref, xml("s2"));
    assertEquals((await s2.parent()).name, "s1");
    await assertRejects(
      () => DomainSnapshot.create(conn, dom.ref, xml("s2")),
      Error,
      "operation failed: domain moment s2 already exists",
    );
    const s1 = await DomainSnapshot.lookup(conn, dom.ref, "s1");
    await s1.revert();
    assertEquals((await dom.state()).state, 1);
    assertEquals((await DomainSnapshot.current(conn, dom.ref)).name, "s1");
    await s2.revert();
    assertEquals(await dom.state(), { state: 3, reason: 7 });
    const redefined = (await s1.xmlDesc()).replace("<name>s1<", "<name>s0<");
    await assertRejects(
      () => DomainSnapshot.create(conn, dom.ref, redefined, 2),
      Error,
      "Flag 'VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE' is required by flag",
    );
    await DomainSnapshot.create(conn, dom.ref, redefined, 1);
    assertEquals(await DomainSnapshot.count(conn, dom.ref, L.ROOTS), 2);
    await s1.delete(1);
    assertEquals((await DomainSnapshot.list(conn, dom.ref)).map((s) => s.name), ["s0"]);
    assertEquals(await DomainSnapshot.hasCurrent(conn, dom.ref), false);
  } finally {
    await conn.close();
  }
});

Deno.test("a node file's <test:domainsnapshot> elements are the domain's snapshots", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/node.xml`,
      `<node><domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
  <name>n</name><uuid>22222222-2222-3333-4444-555555555555</uuid>
  <memory>1048576</memory><os><type>hvm</type></os>
  <test:domainsnapshot><name>s1</name><state>running</state>
    <creationTime>1700000000</creationTime><active>0</active></test:domainsnapshot>
  <test:domainsnapshot><name>s2</name><state>shutoff</state><parent><name>s1</name></parent>
    <creationTime>1700000100</creationTime><active>1</active></test:domainsnapshot>
</domain></node>`,
    );
    const conn = await Connection.open(`test://${dir}/node.xml`);
    try {
      const dom = (await lookupDomain(conn, "n"))!;
      const current = await DomainSnapshot.current(conn, dom.ref);
      assertEquals(current.name, "s2");
      assertEquals((await current.parent()).name, "s1");
      assertEquals(
        await current.xmlDesc(),
        "<domainsnapshot>\n  <name>s2</name>\n  <state>shutoff</state>\n" +
          "  <parent>\n    <name>s1</name>\n  </parent>\n" +
          "  <creationTime>1700000100</creationTime>\n  <memory snapshot='no'/>\n" +
          "  <domain>\n    <uuid>22222222-2222-3333-4444-555555555555</uuid>\n  </domain>\n" +
          "</domainsnapshot>\n",
      );
      await assertRejects(
        () => current.revert(),
        Error,
        "revert requires force: snapshot 's2' lacks domain 'n' rollback info",
      );
    } finally {
      await conn.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
