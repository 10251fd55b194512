import { assert, assertEquals } from "../test/assert.ts";
import { Connection } from "./connection.ts";
import { VirtError } from "./errors.ts";
import {
  formatUuid,
  isMacAddress,
  ListNetworks,
  listNetworks,
  networkByName,
  networkByUuidString,
  parseUuid,
} from "./network.ts";

Deno.test("parseUuid accepts what virUUIDParse accepts", () => {
  const canonical = "dd8fe884-6c02-601e-7551-cca97df1c5df";
  const bytes = parseUuid(canonical)!;
  assertEquals(formatUuid(bytes), canonical);
  assertEquals(formatUuid(parseUuid("DD8FE8846C02601E7551CCA97DF1C5DF")!), canonical);
  assertEquals(formatUuid(parseUuid("  dd-8f-e8-84 6c02601e7551cca97df1c5df  ")!), canonical);
  assertEquals(parseUuid("dd8fe8846c02601e7551cca97df1c5df--"), undefined);
  assertEquals(parseUuid("zzzzzzzz-6c02-601e-7551-cca97df1c5df"), undefined);
  assertEquals(parseUuid("dd8fe8846c02601e7551cca97df1c5d"), undefined);
  assertEquals(parseUuid("d-d8fe8846c02601e7551cca97df1c5df"), undefined);
});

Deno.test("isMacAddress follows virMacAddrParse", () => {
  assert(isMacAddress("aa:bb:cc:dd:ee:ff"));
  assert(isMacAddress("0:1E:FC:E:3a:CB"));
  assert(!isMacAddress("aa:bb:cc:dd:ee"));
  assert(!isMacAddress("aa-bb-cc-dd-ee-ff"));
  assert(!isMacAddress("aaa:bb:cc:dd:ee:ff"));
  assert(!isMacAddress("eth1"));
});

Deno.test("network lookups and lists on the embedded test driver", async () => {
  const conn = await Connection.open("test:///default");
  try {
    const all = await listNetworks(conn, ListNetworks.ACTIVE | ListNetworks.INACTIVE);
    assertEquals(all.map((n) => n.name), ["default"]);
    assertEquals(await listNetworks(conn, ListNetworks.INACTIVE), []);
    const byUuid = await networkByUuidString(conn, "dd8fe884-6c02-601e-7551-cca97df1c5df");
    assertEquals(byUuid.name, "default");
    assertEquals(formatUuid((await networkByName(conn, "default")).uuid), formatUuid(byUuid.uuid));
    let err: unknown;
    try {
      await networkByUuidString(conn, "zzzzzzzz-6c02-601e-7551-cca97df1c5df");
    } catch (e) {
      err = e;
    }
    assert(err instanceof VirtError);
    assertEquals(err.message, "uuidstr in virNetworkLookupByUUIDString must be a valid UUID");
  } finally {
    await conn.close();
  }
});
