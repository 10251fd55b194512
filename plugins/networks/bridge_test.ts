// iface-bridge and iface-unbridge rewrite the interface XML themselves; no driver on this
// machine accepts their inactive-XML request, so a stand-in driver records what they send.

import { assertEquals } from "../../test/assert.ts";
import type { ShellContext } from "../../shell/mod.ts";
import { VirtError } from "../../virt/errors.ts";
import { ifaceBridge, ifaceUnbridge } from "./interfaces.ts";

const ETH0 = `<interface type='ethernet' name='eth0'>
  <start mode='onboot'/>
  <mac address='52:54:00:aa:bb:cc'/>
  <protocol family='ipv4'>
    <dhcp/>
  </protocol>
</interface>
`;

const BR0 = `<interface type='bridge' name='br0'>
  <start mode='onboot'/>
  <protocol family='ipv4'>
    <dhcp/>
  </protocol>
  <bridge stp='on' delay='0'>
    <interface type='ethernet' name='eth0'>
      <mac address='52:54:00:aa:bb:cc'/>
    </interface>
  </bridge>
</interface>
`;

function fakeContext(xml: Record<string, string>) {
  const calls: string[] = [];
  const defined: string[] = [];
  const conn = {
    call(proc: string, args: Record<string, unknown>) {
      calls.push(proc);
      const iface = (name: string) => ({ iface: { name, mac: "" } });
      switch (proc) {
        case "interfaceLookupByName": {
          const name = args.name as string;
          if (xml[name] === undefined) {
            return Promise.reject(
              new VirtError({
                code: 49,
                domain: 0,
                message: `Interface not found: no interface with matching name '${name}'`,
              }),
            );
          }
          return Promise.resolve(iface(name));
        }
        case "interfaceGetXmlDesc":
          return Promise.resolve({ xml: xml[(args.iface as { name: string }).name] });
        case "interfaceDefineXml": {
          defined.push(args.xml as string);
          const name = /name='([^']*)'/.exec(args.xml as string)![1];
          return Promise.resolve(iface(name));
        }
        default:
          return Promise.resolve(undefined);
      }
    },
  };
  return { ctx: { conn } as unknown as ShellContext, calls, defined };
}

const texts = (r: { chunks: { kind: string; text?: string }[] }) =>
  r.chunks.map((c) => `${c.kind}: ${c.text}`);

Deno.test("iface-bridge puts the device under a new bridge and starts it", async () => {
  const { ctx, calls, defined } = fakeContext({ eth0: ETH0 });
  const r = await ifaceBridge.handler(ctx, {
    interface: "eth0",
    bridge: "br0",
    "no-stp": false,
    delay: "5",
    "no-start": false,
  });
  assertEquals(defined, [
    `<interface type='bridge' name='br0'>
  <start mode='onboot'/>
  <protocol family='ipv4'>
    <dhcp/>
  </protocol>
  <bridge stp='on' delay='5'>
    <interface type='ethernet' name='eth0'>
      <mac address='52:54:00:aa:bb:cc'/>
    </interface>
  </bridge>
</interface>
`,
  ]);
  assertEquals(calls.at(-1), "interfaceCreate");
  assertEquals(texts(r), [
    "extra: Created bridge br0 with attached device eth0\n",
    "extra: Bridge interface br0 started\n",
  ]);
});

Deno.test("iface-bridge --no-stp has no delay, --no-start does not start", async () => {
  const { ctx, calls, defined } = fakeContext({ eth0: ETH0 });
  await ifaceBridge.handler(ctx, {
    interface: "eth0",
    bridge: "br1",
    "no-stp": true,
    delay: undefined,
    "no-start": true,
  });
  assertEquals(/<bridge[^>]*>/.exec(defined[0])![0], "<bridge stp='off'>");
  assertEquals(calls.includes("interfaceCreate"), false);
});

Deno.test("iface-unbridge gives the device its own definition back", async () => {
  const { ctx, calls, defined } = fakeContext({ br0: BR0 });
  const r = await ifaceUnbridge.handler(ctx, { bridge: "br0", "no-start": false });
  assertEquals(calls.filter((c) => c !== "interfaceLookupByName"), [
    "interfaceGetXmlDesc",
    "interfaceDestroy",
    "interfaceUndefine",
    "interfaceDefineXml",
    "interfaceCreate",
  ]);
  assertEquals(/^<interface type='ethernet' name='eth0'>/.test(defined[0]), true);
  assertEquals(/<mac address='52:54:00:aa:bb:cc'\/>\n<\/interface>\n$/.test(defined[0]), true);
  assertEquals(texts(r), [
    "extra: Device eth0 un-attached from bridge br0\n",
    "extra: Interface eth0 started\n",
  ]);
});
