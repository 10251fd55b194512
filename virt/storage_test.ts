import { assert, assertEquals } from "../test/assert.ts";
import { Connection } from "./connection.ts";
import { VirtError } from "./errors.ts";
import {
  ListPools,
  listPools,
  listVolumes,
  poolByName,
  poolByUuidString,
  poolInfo,
  poolTypeFlag,
  volByPath,
  volInfo,
  volPath,
} from "./storage.ts";

Deno.test("pool type flags follow libvirt's listing bits", () => {
  assertEquals(poolTypeFlag("dir"), 1 << 6);
  assertEquals(poolTypeFlag("vstorage"), 1 << 18);
  assertEquals(poolTypeFlag("iscsi-direct"), 1 << 19);
  assertEquals(poolTypeFlag("foo"), undefined);
});

Deno.test("pools and volumes of test:///default through the typed calls", async () => {
  const conn = await Connection.open("test:///default");
  try {
    const [pool] = await listPools(conn, ListPools.ACTIVE | (poolTypeFlag("dir") ?? 0));
    assertEquals(pool.name, "default-pool");
    assertEquals(
      (await poolByUuidString(conn, "dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566")).name,
      pool.name,
    );
    assertEquals((await poolInfo(conn, pool)).capacity, 107374182400n);
    assertEquals(await listPools(conn, poolTypeFlag("logical")!), []);
    await conn.call("storageVolCreateXml", {
      pool: await poolByName(conn, "default-pool"),
      xml: "<volume><name>v</name><capacity>4096</capacity></volume>",
      flags: 0,
    });
    const [vol] = await listVolumes(conn, pool);
    assertEquals(await volPath(conn, vol), "/default-pool/v");
    assertEquals((await volByPath(conn, "/default-pool/v")).name, "v");
    assertEquals((await volInfo(conn, vol)).capacity, 4096n);
    let err: unknown;
    await poolByUuidString(conn, "not-a-uuid").catch((e) => err = e);
    assert(err instanceof VirtError && err.message.includes("must be a valid UUID"));
  } finally {
    await conn.close();
  }
});
