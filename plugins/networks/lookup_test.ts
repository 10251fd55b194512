import { assert, assertEquals } from "../../test/assert.ts";
import type { ShellContext } from "../../shell/mod.ts";
import { VshError } from "../../shell/mod.ts";
import { Connection } from "../../virt/connection.ts";
import { VirtError } from "../../virt/errors.ts";
import { lookupInterface, lookupNetwork } from "./lookup.ts";

async function withContext(fn: (ctx: ShellContext) => Promise<void>): Promise<void> {
  const conn = await Connection.open("test:///default");
  try {
    await fn({ conn } as unknown as ShellContext);
  } finally {
    await conn.close();
  }
}

// The two lines virsh prints for a failed lookup: ours, then libvirt's pending error.
async function failure(p: Promise<unknown>): Promise<string[]> {
  try {
    await p;
  } catch (e) {
    assert(e instanceof VshError, `expected a VshError, got ${e}`);
    return e.cause instanceof VirtError ? [e.message, e.cause.message] : [e.message];
  }
  throw new Error("expected the lookup to fail");
}

const UUID = "dd8fe884-6c02-601e-7551-cca97df1c5df";

Deno.test("networks are found by name, or by UUID when the text is UUID-long", async () => {
  await withContext(async (ctx) => {
    assertEquals((await lookupNetwork(ctx, "default")).name, "default");
    assertEquals((await lookupNetwork(ctx, UUID)).name, "default");
    assertEquals((await lookupNetwork(ctx, UUID.toUpperCase(), { uuid: true })).name, "default");
  });
});

Deno.test("a failed network lookup names the text, then the last libvirt error", async () => {
  await withContext(async (ctx) => {
    assertEquals(await failure(lookupNetwork(ctx, "nope")), [
      "failed to get network 'nope'",
      "Network not found: no network with matching name 'nope'",
    ]);
    // UUID-long but no UUID: the name lookup's error is the one left pending.
    const bad = "zzzzzzzz-6c02-601e-7551-cca97df1c5df";
    assertEquals(await failure(lookupNetwork(ctx, bad)), [
      `failed to get network '${bad}'`,
      `Network not found: no network with matching name '${bad}'`,
    ]);
    assertEquals(await failure(lookupNetwork(ctx, bad, { uuid: true })), [
      `failed to get network '${bad}'`,
      "uuidstr in virNetworkLookupByUUIDString must be a valid UUID",
    ]);
    // Only names allowed and none given: nothing is looked up, nothing else to report.
    assertEquals(await failure(lookupNetwork(ctx, "default", { uuid: true })), [
      "failed to get network 'default'",
    ]);
  });
});

Deno.test("interfaces are found by MAC address or by name, as the text looks", async () => {
  await withContext(async (ctx) => {
    assertEquals((await lookupInterface(ctx, "eth1")).mac, "aa:bb:cc:dd:ee:ff");
    assertEquals((await lookupInterface(ctx, "aa:bb:cc:dd:ee:ff")).name, "eth1");
    assertEquals(await failure(lookupInterface(ctx, "eth1", { mac: true })), [
      "failed to get interface 'eth1'",
    ]);
    assertEquals(await failure(lookupInterface(ctx, "00:11:22:33:44:55")), [
      "failed to get interface '00:11:22:33:44:55'",
      "Interface not found: no interface with matching mac '00:11:22:33:44:55'",
    ]);
  });
});
