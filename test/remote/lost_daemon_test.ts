// A daemon that dies or freezes under the remote client: every waiting call ends with libvirt's
// error, close listeners learn why, and nothing hangs.

import { VirtError } from "../../virt/errors.ts";
import { CloseReason, openRemote } from "../../virt/remote/mod.ts";
import { startPrivateLibvirtd } from "../harness/libvirtd.ts";

// Without root or libvirtd these tests cannot run: a failure in CI, a skip elsewhere.
async function daemonAvailable(): Promise<boolean> {
  try {
    await (await startPrivateLibvirtd()).stop();
    return true;
  } catch (e) {
    if (Deno.env.get("CI") === "true") throw e;
    console.warn(
      `skipping: private libvirtd: ${e instanceof Error ? e.message.split("\n")[0] : e}`,
    );
    return false;
  }
}
const ignore = !(await daemonAvailable());

function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new Error(msg);
}

async function settled<T>(calls: Promise<T>[]): Promise<VirtError[]> {
  const results = await Promise.allSettled(calls);
  return results.flatMap((r) => r.status === "rejected" ? [r.reason as VirtError] : []);
}

Deno.test(
  { name: "a killed daemon fails every call in flight with end of file", ignore },
  async () => {
    const d = await startPrivateLibvirtd();
    try {
      const c = await openRemote(d.uri(), { readonly: false });
      const reasons: number[] = [];
      c.onClose((_e, reason) => reasons.push(reason));
      const calls = Array.from(
        { length: 2000 },
        () => c.call("domainLookupByName", { name: "test" }),
      );
      const outcome = settled(calls);
      await d.kill();
      const started = performance.now();
      const errors = await outcome;
      assert(performance.now() - started < 2000, "calls waited too long for a dead daemon");
      // Some calls may have been answered before the kill; the rest fail with libvirt's words.
      for (const e of errors) {
        assert(e instanceof VirtError, `not a VirtError: ${e}`);
        assert(
          e.message === "End of file while reading data: Input/output error" ||
            e.message === "internal error: client socket is closed" ||
            e.message.startsWith("Cannot write data") ||
            e.message === "Cannot recv data: Connection reset by peer",
          e.message,
        );
      }
      assert(c.closed && reasons.length === 1, `close reasons ${reasons}`);
      assert(reasons[0] === CloseReason.EOF || reasons[0] === CloseReason.ERROR);
      const after = await settled([c.call("connectGetUri", undefined)]);
      assert(after[0]?.message === "internal error: client socket is closed");
      await c.close();
      assert(reasons.length === 1, "close() after a loss must not report again");
    } finally {
      await d.stop();
    }
  },
);

Deno.test(
  { name: "a frozen daemon is dropped after the keepalive count, as libvirt does", ignore },
  async () => {
    const d = await startPrivateLibvirtd();
    try {
      const c = await openRemote(d.uri(), {
        readonly: false,
        keepaliveInterval: 1,
        keepaliveCount: 1,
      });
      const reasons: number[] = [];
      c.onClose((_e, reason) => reasons.push(reason));
      d.signal("SIGSTOP");
      const started = performance.now();
      const [e] = await settled([c.call("connectGetHostname", undefined)]);
      const waited = performance.now() - started;
      d.signal("SIGCONT");
      assert(
        e?.message === "internal error: connection closed due to keepalive timeout",
        e?.message,
      );
      // interval × (count + 1) seconds of silence.
      assert(waited > 1500 && waited < 4000, `keepalive fired after ${waited} ms`);
      assert(reasons.length === 1 && reasons[0] === CloseReason.KEEPALIVE, `${reasons}`);
      await c.close();
    } finally {
      await d.stop();
    }
  },
);

Deno.test(
  { name: "the daemon restarted: a new connection works on the same socket", ignore },
  async () => {
    const d = await startPrivateLibvirtd();
    try {
      const c = await openRemote(d.uri(), { readonly: false });
      const closedBy = new Promise<number>((resolve) => c.onClose((_e, r) => resolve(r)));
      await d.restart();
      assert(await closedBy === CloseReason.EOF);
      const again = await openRemote(d.uri(), { readonly: true });
      const { hostname } = await again.call("connectGetHostname", undefined);
      assert(hostname.length > 0);
      await again.close();
      await c.close();
    } finally {
      await d.stop();
    }
  },
);
