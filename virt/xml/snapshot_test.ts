// Snapshot XML: libvirt's parse checks and its output format.

import { assertEquals, assertThrows } from "../../test/assert.ts";
import { formatSnapshotXml, isExternalSnapshot, parseSnapshotXml } from "./snapshot.ts";

Deno.test("a new snapshot's XML keeps name, description, memory and disks", () => {
  const def = parseSnapshotXml(
    "<domainsnapshot><name>s</name><description>d &amp; e</description>" +
      "<state>ignored</state><memory file='/m'/>" +
      "<disks><disk name='vda'><driver type='qcow2'/><source file='/x'/></disk></disks>" +
      "</domainsnapshot>",
  );
  assertEquals(def.state, undefined);
  assertEquals(def.memory, "external");
  assertEquals(def.disks, [
    { name: "vda", type: "file", snapshot: "external", source: "/x", format: "qcow2" },
  ]);
  assertEquals(isExternalSnapshot(def), true);
  assertEquals(
    formatSnapshotXml(def),
    "<domainsnapshot>\n  <name>s</name>\n  <description>d &amp; e</description>\n" +
      "  <memory snapshot='external' file='/m'/>\n  <disks>\n" +
      "    <disk name='vda' snapshot='external' type='file'>\n      <driver type='qcow2'/>\n" +
      "      <source file='/x'/>\n    </disk>\n  </disks>\n</domainsnapshot>\n",
  );
});

Deno.test("an empty name is no name", () => {
  assertEquals(parseSnapshotXml("<domainsnapshot><name></name></domainsnapshot>").name, undefined);
});

Deno.test("redefinition needs a name, a creation time and a valid state", () => {
  const bad: [string, string][] = [
    ["<domainsnapshot/>", "XML error: a redefined snapshot must have a name"],
    [
      "<domainsnapshot><name>a</name></domainsnapshot>",
      "internal error: missing creationTime from existing snapshot",
    ],
    [
      "<domainsnapshot><name>a</name><creationTime>1</creationTime></domainsnapshot>",
      "XML error: missing state from existing snapshot",
    ],
    [
      "<domainsnapshot><name>a</name><creationTime>1</creationTime><state>nostate</state>" +
      "</domainsnapshot>",
      "unsupported configuration: Invalid state 'nostate' in domain snapshot XML",
    ],
    [
      "<domainsnapshot><name>a</name><creationTime>1</creationTime><state>shutoff</state>" +
      "<memory snapshot='internal'/></domainsnapshot>",
      "XML error: memory state cannot be saved with offline or disk-only snapshot",
    ],
  ];
  for (const [xml, message] of bad) {
    assertThrows(() => parseSnapshotXml(xml, { redefine: true }), Error, message);
  }
  const ok = parseSnapshotXml(
    "<domainsnapshot><name>a</name><creationTime>7</creationTime><state>shutoff</state>" +
      "</domainsnapshot>",
    { redefine: true },
  );
  assertEquals([ok.creationTime, ok.state, ok.memory], [7n, "shutoff", "no"]);
});

Deno.test("memory and disk attributes are checked as libvirt checks them", () => {
  const bad: [string, string][] = [
    ["<foo/>", "expecting root element of 'domainsnapshot', not 'foo'"],
    [
      "<domainsnapshot><memory snapshot='x'/></domainsnapshot>",
      "Invalid value for attribute 'snapshot' in element 'memory': 'x'.",
    ],
    [
      "<domainsnapshot><memory snapshot='external'/></domainsnapshot>",
      "external memory snapshots require a filename",
    ],
    ["<domainsnapshot><memory file='m'/></domainsnapshot>", "(m) must be absolute"],
    [
      "<domainsnapshot><disks><disk/></disks></domainsnapshot>",
      "missing name from disk snapshot element",
    ],
    [
      "<domainsnapshot><disks><disk name='a' type='volume'/></disks></domainsnapshot>",
      "unsupported disk snapshot type 'volume'",
    ],
  ];
  for (const [xml, message] of bad) assertThrows(() => parseSnapshotXml(xml), Error, message);
});
