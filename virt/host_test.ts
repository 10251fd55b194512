import { assert, assertEquals } from "../test/assert.ts";
import { Connection } from "./connection.ts";
import { VirtError } from "./errors.ts";
import { cellsFreeMemory, cpuStats, memoryStats, nodeInfo } from "./host.ts";

async function rejection(p: Promise<unknown>): Promise<VirtError> {
  try {
    await p;
  } catch (e) {
    assert(e instanceof VirtError, `expected a VirtError, got ${e}`);
    return e;
  }
  throw new Error("expected a rejection");
}

Deno.test("node information and free memory of the embedded test driver", async () => {
  const conn = await Connection.open("test:///default");
  try {
    const info = await nodeInfo(conn);
    assertEquals([info.model, info.cpus, info.nodes, info.memory], ["i686", 16, 2, 3145728n]);
    assertEquals(await cellsFreeMemory(conn, 1, 1), [4194304n]);
  } finally {
    await conn.close();
  }
});

Deno.test("arguments libvirt's client library refuses never reach the driver", async () => {
  const conn = await Connection.open("test:///default");
  try {
    assertEquals(
      (await rejection(cellsFreeMemory(conn, -1, 1))).message,
      "startCell in virNodeGetCellsFreeMemory must be zero or greater",
    );
    assertEquals(
      (await rejection(cpuStats(conn, -5, 0))).message,
      "cpuNum in virNodeGetCPUStats only accepts -1 as a negative value",
    );
    assertEquals(
      (await rejection(memoryStats(conn, -2, 0))).message,
      "cellNum in virNodeGetMemoryStats only accepts -1 as a negative value",
    );
  } finally {
    await conn.close();
  }
});
