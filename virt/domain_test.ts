import { assertEquals, assertRejects } from "../test/assert.ts";
import { Connection } from "./connection.ts";
import {
  formatUuid,
  listDomains,
  ListFlags,
  lookupDomain,
  parseDomainId,
  parseUuid,
  restoreDomain,
  SaveFlags,
} from "./domain.ts";
import { VirtError } from "./errors.ts";

const TEST_UUID = "6695eb01-f6a4-8304-79aa-97f2502e193f";

function domainXml(name: string, uuid: string): string {
  return `<domain type='test'><name>${name}</name><uuid>${uuid}</uuid>` +
    "<memory>1024</memory><os><type>hvm</type></os></domain>";
}

Deno.test("parseUuid reads libvirt's forms and refuses the rest", () => {
  assertEquals(formatUuid(parseUuid(TEST_UUID)!), TEST_UUID);
  assertEquals(formatUuid(parseUuid("6695eb01f6a4830479aa97f2502e193f")!), TEST_UUID);
  assertEquals(formatUuid(parseUuid(`  ${TEST_UUID.toUpperCase()}  `)!), TEST_UUID);
  assertEquals(parseUuid("6695eb01-f6a4-8304-79aa-97f2502e193"), null);
  assertEquals(parseUuid("6695eb01-f6a4-8304-79aa-97f2502e193g"), null);
  assertEquals(parseUuid(`${TEST_UUID}x`), null);
  assertEquals(parseUuid(""), null);
});

Deno.test("parseDomainId accepts what virStrToLong_i accepts, non-negative", () => {
  assertEquals(parseDomainId("1"), 1);
  assertEquals(parseDomainId("+7"), 7);
  assertEquals(parseDomainId(" 3"), 3);
  assertEquals(parseDomainId("007"), 7);
  assertEquals(parseDomainId("-0"), 0);
  assertEquals(parseDomainId("-1"), null);
  assertEquals(parseDomainId("2147483647"), 2147483647);
  assertEquals(parseDomainId("2147483648"), null);
  assertEquals(parseDomainId("1x"), null);
  assertEquals(parseDomainId("3 "), null);
  assertEquals(parseDomainId(""), null);
});

Deno.test("lookupDomain tries ID, then UUID, then name, within the allowed ways", async () => {
  const conn = await Connection.open("test:///default");
  try {
    assertEquals((await lookupDomain(conn, "1"))?.name, "test");
    assertEquals((await lookupDomain(conn, "test"))?.id, 1);
    assertEquals((await lookupDomain(conn, TEST_UUID))?.name, "test");
    assertEquals(await lookupDomain(conn, "1", { name: true, uuid: true }), null);
    assertEquals(await lookupDomain(conn, "test", { id: true, uuid: true }), null);
    assertEquals(await lookupDomain(conn, TEST_UUID, { id: true, name: true }), null);
    assertEquals(await lookupDomain(conn, "nosuch"), null);

    // A name that reads as an ID or a UUID is still found by name when nothing else matches.
    const uuidName = "11111111-2222-3333-4444-555555555555";
    await conn.call("domainDefineXml", {
      xml: domainXml("42", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"),
    });
    await conn.call("domainDefineXml", {
      xml: domainXml(uuidName, "bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee"),
    });
    assertEquals((await lookupDomain(conn, "42"))?.uuid, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
    assertEquals(await lookupDomain(conn, "42", { id: true }), null);
    assertEquals((await lookupDomain(conn, uuidName))?.name, uuidName);
  } finally {
    await conn.close();
  }
});

Deno.test("listDomains puts running domains by ID first, then the others by name", async () => {
  const conn = await Connection.open("test:///default");
  try {
    const names = ["beta", "Alpha", "gamma"];
    for (const [i, name] of names.entries()) {
      await conn.call("domainDefineXml", {
        xml: domainXml(name, `0000000${i}-0000-0000-0000-000000000000`),
      });
    }
    const all = await listDomains(conn, ListFlags.ACTIVE | ListFlags.INACTIVE);
    assertEquals(all.map((d) => d.name), ["test", "Alpha", "beta", "gamma"]);
    assertEquals(all.map((d) => d.id), [1, -1, -1, -1]);
    const inactive = await listDomains(conn, ListFlags.INACTIVE);
    assertEquals(inactive.map((d) => d.name), ["Alpha", "beta", "gamma"]);
  } finally {
    await conn.close();
  }
});

Deno.test("the client library's argument checks fail before any call", async () => {
  const conn = await Connection.open("test:///default");
  try {
    const dom = (await lookupDomain(conn, "test"))!;
    const zero = await assertRejects(() => dom.setMemory(0n, 0), VirtError);
    assertEquals(zero.message, "memory in virDomainSetMemoryFlags must not be zero");
    const both = SaveFlags.RUNNING | SaveFlags.PAUSED;
    const msg =
      "Flags 'VIR_DOMAIN_SAVE_RUNNING' and 'VIR_DOMAIN_SAVE_PAUSED' are mutually exclusive";
    assertEquals((await assertRejects(() => dom.save("/nonexistent", null, both))).message, msg);
    assertEquals((await assertRejects(() => dom.managedSave(both))).message, msg);
    assertEquals((await assertRejects(() => restoreDomain(conn, "/x", null, both))).message, msg);
    const title = await assertRejects(() => dom.setMetadata(1, "a\nb", null, null, 0));
    assertEquals(title.message, "metadata title can't contain newlines");
    // Nothing of the above reached the domain.
    assertEquals((await dom.state()).state, 1);
    assertEquals((await dom.info()).memory, 2097152n);
  } finally {
    await conn.close();
  }
});
