// The private daemon harness, and the remote client against that real libvirtd: virsh and
// vsh's client must see the same daemon the same way.

import { VirtError } from "../../virt/errors.ts";
import { openRemote } from "../../virt/remote/mod.ts";
import { type PrivateLibvirtd, startPrivateLibvirtd } from "./libvirtd.ts";

function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new Error(msg);
}

async function rejection(p: Promise<unknown>): Promise<VirtError> {
  try {
    await p;
  } catch (e) {
    assert(e instanceof VirtError, `not a VirtError: ${e}`);
    return e;
  }
  throw new Error("expected a rejection");
}

async function virsh(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command("virsh", { args, stdin: "null" }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

function running(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(Deno.readTextFileSync(`/proc/${pid}/status`));
  } catch {
    return false;
  }
}

Deno.test("private libvirtd: virsh and the remote client over unix, tcp and tls", async (t) => {
  const d: PrivateLibvirtd = await startPrivateLibvirtd({ tcp: true, tls: true });
  let ours: number[] = [];
  try {
    await t.step("virsh lists the test domain through the private socket", async () => {
      const r = await virsh("-c", d.uri(), "list", "--all");
      assert(r.code === 0, r.stderr + d.log());
      assert(/^ 1\s+test\s+running$/m.test(r.stdout), r.stdout);
    });

    await t.step("the daemon is private: its socket lives in its own directory", () => {
      assert(d.socketPath.startsWith(d.dir));
      assert(d.uri() === `test+unix:///default?socket=${d.socketPath}`);
      assert(d.uri("qemu:///system") === `qemu+unix:///system?socket=${d.socketPath}`);
    });

    await t.step("RemoteClient lists, reads info and gets libvirt's errors", async () => {
      const c = await openRemote(d.uri(), { readonly: false });
      try {
        const { domains, ret } = await c.call("connectListAllDomains", {
          need_results: 1,
          flags: 0,
        });
        assert(ret === 1 && domains[0].name === "test" && domains[0].id === 1);
        const info = await c.call("domainGetInfo", { dom: domains[0] });
        assert(info.state === 1 && info.nrVirtCpu === 2 && info.maxMem === 8388608n);
        const e = await rejection(c.call("domainLookupByName", { name: "nope" }));
        assert(e.code === 42 && e.domain === 12 && e.message === "Domain not found", e.message);
        // virsh prints the daemon's message after its own line; ours must be the same text.
        const net = await rejection(c.call("networkLookupByName", { name: "nope" }));
        const r = await virsh("-c", d.uri(), "net-info", "nope");
        assert(r.stderr.split("\n")[1] === `error: ${net.message}`, r.stderr);
        assert(net.code === 43);
        const { uri } = await c.call("connectGetUri", undefined);
        assert(uri === "test:///default");
        assert(await c.isSecure() && !c.encrypted && c.local);
      } finally {
        await c.close();
      }
    });

    await t.step("pipelining: 1,000 concurrent lookups on one connection", async () => {
      const c = await openRemote(d.uri(), { readonly: true });
      try {
        const started = performance.now();
        const all = await Promise.all(
          Array.from(
            { length: 1000 },
            (_, i) =>
              i % 10 === 9
                ? c.call("domainLookupByName", { name: `missing-${i}` }).catch((e) => e)
                : c.call("domainLookupByName", { name: "test" }),
          ),
        );
        const ms = performance.now() - started;
        all.forEach((r, i) => {
          if (i % 10 === 9) assert(r instanceof VirtError && r.code === 42);
          else assert(r.dom.name === "test" && r.dom.id === 1);
        });
        console.log(`1000 pipelined lookups: ${ms.toFixed(1)} ms`);
      } finally {
        await c.close();
      }
    });

    await t.step("read-only connections are refused writes by the daemon", async () => {
      const c = await openRemote(d.uri(), { readonly: true });
      try {
        const { dom } = await c.call("domainLookupByName", { name: "test" });
        const e = await rejection(c.call("domainSuspend", { dom }));
        const r = await virsh("-r", "-c", d.uri(), "suspend", "test");
        assert(r.stderr.split("\n")[1] === `error: ${e.message}`, r.stderr);
        assert(e.message === "operation forbidden: read only access prevents virDomainSuspend");
      } finally {
        await c.close();
      }
    });

    await t.step("lifecycle events arrive for suspend and resume", async () => {
      const c = await openRemote(d.uri(), { readonly: false });
      try {
        const events: string[] = [];
        const { promise, resolve } = Promise.withResolvers<void>();
        const stop = await c.onDomainLifecycle((e) => {
          events.push(`${e.dom.name}:${e.event}:${e.detail}`);
          if (events.length === 2) resolve();
        });
        const { dom } = await c.call("domainLookupByName", { name: "test" });
        await c.call("domainSuspend", { dom });
        await c.call("domainResume", { dom });
        await promise;
        await stop();
        assert(events.join() === "test:3:0,test:4:0", events.join());
      } finally {
        await c.close();
      }
    });

    await t.step("tcp: virsh and RemoteClient reach the daemon on 127.0.0.1", async () => {
      const uri = `test+tcp://127.0.0.1:${d.tcpPort}/default`;
      const r = await virsh("-c", uri, "domstate", "test");
      assert(r.stdout.trim() === "running", r.stdout + r.stderr);
      const c = await openRemote(uri, { readonly: false });
      try {
        const { dom } = await c.call("domainLookupByName", { name: "test" });
        const st = await c.call("domainGetState", { dom, flags: 0 });
        assert(st.state === 1);
        assert(!c.encrypted && !(await c.isSecure()));
      } finally {
        await c.close();
      }
    });

    await t.step("tls: certificates checked both ways, as virsh does", async () => {
      const uri = `test+tls://127.0.0.1:${d.tlsPort}/default?pkipath=${d.pkiPath}`;
      const r = await virsh("-c", uri, "domstate", "test");
      assert(r.stdout.trim() === "running", r.stdout + r.stderr);
      const c = await openRemote(uri, { readonly: false });
      try {
        const { dom } = await c.call("domainLookupByName", { name: "test" });
        assert((await c.call("domainGetState", { dom, flags: 0 })).state === 1);
        assert(c.encrypted && await c.isSecure());
      } finally {
        await c.close();
      }
      // Without a client certificate the daemon hangs up; both clients say so alike.
      const onlyCa = `${d.dir}/only-ca`;
      await Deno.mkdir(onlyCa);
      await Deno.copyFile(`${d.pkiPath}/cacert.pem`, `${onlyCa}/cacert.pem`);
      const bare = `test+tls://127.0.0.1:${d.tlsPort}/default?pkipath=${onlyCa}`;
      const refused = await rejection(openRemote(bare, { readonly: false }));
      const rv = await virsh("-c", bare, "list");
      assert(rv.stderr.includes(`error: ${refused.message}\n`), rv.stderr + refused.message);
      const noCa = await rejection(
        openRemote(`test+tls://127.0.0.1:${d.tlsPort}/default?pkipath=${d.dir}/none`, {
          readonly: false,
        }),
      );
      assert(
        noCa.message === `Cannot read CA certificate '${d.dir}/none/cacert.pem': ` +
            "No such file or directory",
        noCa.message,
      );
    });

    await t.step("volume upload and download streams (qemu:///system storage)", async () => {
      const c = await openRemote(d.uri("qemu:///system"), { readonly: false });
      try {
        const target = `${d.dir}/pool`;
        await Deno.mkdir(target);
        const { pool } = await c.call("storagePoolCreateXml", {
          xml: `<pool type='dir'><name>p</name><target><path>${target}</path></target></pool>`,
          flags: 0,
        });
        const { vol } = await c.call("storageVolCreateXml", {
          pool,
          xml: `<volume><name>v.img</name><capacity unit='bytes'>2097152</capacity>` +
            `<allocation>0</allocation>` +
            `<target><format type='raw'/></target></volume>`,
          flags: 0,
        });
        const data = new Uint8Array(700000);
        for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
        const up = await c.openStream("storageVolUpload", {
          vol,
          offset: 4096n,
          length: BigInt(data.length),
          flags: 0,
        });
        await up.stream.write(data);
        await up.stream.finish();
        const onDisk = await Deno.readFile(`${target}/v.img`);
        assert(onDisk.subarray(4096, 4096 + data.length).every((b, i) => b === data[i]));

        const down = await c.openStream("storageVolDownload", {
          vol,
          offset: 4096n,
          length: BigInt(data.length),
          flags: 0,
        });
        const parts: Uint8Array[] = [];
        for await (const chunk of down.stream) {
          assert(chunk instanceof Uint8Array, "no holes without the sparse flag");
          parts.push(chunk);
        }
        await down.stream.finish();
        const got = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let off = 0;
        for (const p of parts) {
          got.set(p, off);
          off += p.length;
        }
        assert(got.length === data.length && got.every((b, i) => b === data[i]));

        // A sparse download reports the untouched tail as a hole.
        const sparse = await c.openStream("storageVolDownload", {
          vol,
          offset: 0n,
          length: 0n,
          flags: 1,
        });
        let holes = 0n;
        let bytes = 0;
        for await (const chunk of sparse.stream) {
          if (chunk instanceof Uint8Array) bytes += chunk.length;
          else holes += chunk.hole;
        }
        await sparse.stream.finish();
        assert(BigInt(bytes) + holes === 2097152n, `${bytes} + ${holes}`);
        assert(holes > 0n && bytes >= data.length, `${bytes} + ${holes}`);

        // Abort leaves the connection usable.
        const aborted = await c.openStream("storageVolUpload", {
          vol,
          offset: 0n,
          length: 0n,
          flags: 0,
        });
        await aborted.stream.write(new Uint8Array(1000));
        await aborted.stream.abort();
        const info = await c.call("storageVolGetInfo", { vol });
        assert(info.capacity === 2097152n);
        await c.call("storageVolDelete", { vol, flags: 0 });
        await c.call("storagePoolDestroy", { pool });
      } finally {
        await c.close();
      }
    });

    await t.step("connection errors carry libvirt's messages", async () => {
      const missing = await rejection(
        openRemote(`test+unix:///default?socket=${d.dir}/nonexistent`, { readonly: false }),
      );
      const r = await virsh("-c", `test+unix:///default?socket=${d.dir}/nonexistent`, "list");
      assert(r.stderr.includes(`error: ${missing.message}`), r.stderr + missing.message);
      assert(missing.code === 38 && missing.domain === 7);
      const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const port = (listener.addr as Deno.NetAddr).port;
      listener.close();
      const refused = await rejection(
        openRemote(`test+tcp://127.0.0.1:${port}/default`, { readonly: false }),
      );
      assert(
        refused.message === `unable to connect to server at '127.0.0.1:${port}': ` +
            "Connection refused",
        refused.message,
      );
    });
  } finally {
    ours = ["libvirtd.pid", "virtlogd.pid"].map((f) =>
      Number(Deno.readTextFileSync(`${d.dir}/${f}`))
    );
    await d.stop();
  }
  // stop() leaves no daemon of ours behind
  for (const pid of ours) assert(!running(pid), `${pid} left running`);
  assert(!(await Deno.stat(d.dir).then(() => true, () => false)), "directory removed");
});

Deno.test("private libvirtd: stop() also ends the QEMU guests it started", async () => {
  const d = await startPrivateLibvirtd();
  let qemuPid = 0;
  try {
    const c = await openRemote(d.uri("qemu:///system"), { readonly: false });
    try {
      const { dom } = await c.call("domainCreateXml", {
        xml_desc: "<domain type='qemu'><name>g1</name><memory unit='MiB'>64</memory>" +
          "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os></domain>",
        flags: 0,
      });
      const info = await c.call("domainGetInfo", { dom });
      assert(info.state === 1 && info.maxMem === 65536n, d.log());
      qemuPid = Number(await Deno.readTextFile(`${d.dir}/m0/qemu/g1.pid`));
      assert(qemuPid > 0);
    } finally {
      await c.close();
    }
  } finally {
    await d.stop();
  }
  assert(!running(qemuPid), "qemu still running");
});
