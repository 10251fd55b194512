import { assertEquals } from "../../test/assert.ts";
import { openShell } from "../../shell/script_api.ts";
import { cFixed, cFixedExact, prettyCapacity } from "../../shell/format.ts";

Deno.test("cFixed rounds the binary value half to even, as printf does", () => {
  assertEquals(cFixed(12.25, 1), "12.2");
  assertEquals(cFixed(12.35, 1), "12.3"); // 12.3499999... in binary
  assertEquals(cFixed(0.125, 2), "0.12");
  assertEquals(cFixed(2.5, 0), "2");
  assertEquals(cFixed(99.95, 1), "100.0"); // 99.9500000000000028...
  assertEquals(cFixed(1795320323.8123, 1), "1795320323.8");
  assertEquals(cFixed(-0.05, 1), "-0.1");
  assertEquals(cFixed(-0, 1), "-0.0");
  assertEquals(cFixed(-0.01, 1), "-0.0");
});

Deno.test("cFixed's toFixed shortcut agrees with the exact expansion", () => {
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const values = [0.5, 1.5, 2.5, 0.25, 0.75, 1.125, 1e20 + 0.5, 4.35, 1.005];
  for (let i = 0; i < 5000; i++) {
    values.push((rand() - 0.5) * 10 ** Math.floor(rand() * 12));
    values.push(Math.round(rand() * 1e6) / 2 ** Math.floor(rand() * 6)); // dyadic: exact ties
  }
  for (const v of values) {
    for (let d = 0; d <= 3; d++) assertEquals(cFixed(v, d), cFixedExact(v, d), `${v} ${d}`);
  }
});

Deno.test("prettyCapacity picks the largest unit the value reaches", () => {
  assertEquals(prettyCapacity(0n), [0, "B"]);
  assertEquals(prettyCapacity(1023n), [1023, "B"]);
  assertEquals(prettyCapacity(1024n), [1, "KiB"]);
  assertEquals(prettyCapacity(1099506450432n)[1], "GiB");
  assertEquals(prettyCapacity(1099511627776n), [1, "TiB"]);
});

Deno.test("domain commands return data for --json and scripts", async () => {
  const sh = await openShell({ uri: "test:///default" });
  try {
    assertEquals((await sh.run("list --all")).data, [{ id: 1, name: "test", state: "running" }]);
    assertEquals((await sh.run("domstate test --reason")).data, {
      state: "running",
      reason: "unknown",
    });
    const info = (await sh.run("dominfo 1")).data as Record<string, unknown>;
    assertEquals(info.name, "test");
    assertEquals(info.persistent, true);
    assertEquals(info.managedSave, false);
    assertEquals(info.maxMemory, 8388608n);
    assertEquals((await sh.run("vcpucount test")).data, {
      maximum_config: 2,
      maximum_live: 2,
      current_config: 2,
      current_live: 2,
    });
    assertEquals((await sh.run("domblklist test")).data, [
      { type: "file", device: "disk", target: "vda", source: "/guest/diskimage1" },
    ]);
    assertEquals((await sh.run("domiflist test")).data, [
      {
        interface: "testnet0",
        type: "network",
        source: "default",
        model: null,
        mac: "aa:bb:cc:dd:ee:ff",
      },
    ]);
    assertEquals((await sh.run("domuuid test")).data, {
      uuid: "6695eb01-f6a4-8304-79aa-97f2502e193f",
    });
    assertEquals((await sh.run("domid test")).data, { id: 1 });
  } finally {
    await sh.close();
  }
});

Deno.test("a failed command still reports virsh's two error lines to a script", async () => {
  const sh = await openShell({ uri: "test:///default" });
  try {
    await sh.run("destroy test");
    const r = await sh.run("destroy test");
    assertEquals(r.ok, false);
    assertEquals(
      r.stderr,
      "error: Failed to destroy domain 'test'\n" +
        "error: Requested operation is not valid: domain is not running\n",
    );
    const name = "it's";
    const missing = await sh.$`dominfo ${name}`;
    assertEquals(missing.stderr, "error: failed to get domain 'it's'\n");
  } finally {
    await sh.close();
  }
});
