// The client against fake daemons written here: each test scripts what the "daemon" does on
// a real UNIX socket, to reach the cases a healthy libvirtd never produces.

import { VirtError } from "../errors.ts";
import { RemoteClient } from "./client.ts";
import {
  decodeMessage,
  encodeMessage,
  encodeRaw,
  FrameReader,
  type Message,
  type MessageHeader,
  MessageStatus,
  MessageType,
} from "./framing.ts";
import {
  KEEPALIVE_PROGRAM,
  KeepaliveProc,
  procedures,
  REMOTE_PROGRAM,
  remoteError,
} from "./protocol.ts";
import { connectUnix } from "./transport.ts";
import { type Codec, decode, hyper, struct, uint, void_ } from "./xdr.ts";

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

/** The daemon side of one connection. */
class Peer {
  #frames = new FrameReader();
  #buf = new Uint8Array(65536);
  constructor(readonly conn: Deno.Conn) {}

  async recv(): Promise<Message | null> {
    for (;;) {
      const p = this.#frames.next();
      if (p) return decodeMessage(p.slice());
      let n: number | null;
      try {
        n = await this.conn.read(this.#buf);
      } catch {
        return null;
      }
      if (n === null) return null;
      this.#frames.push(this.#buf.slice(0, n));
    }
  }

  async send(bytes: Uint8Array): Promise<void> {
    let off = 0;
    while (off < bytes.length) off += await this.conn.write(bytes.subarray(off));
  }

  reply<T>(call: MessageHeader, codec: Codec<T>, value: T): Promise<void> {
    return this.send(encodeMessage(
      { ...call, type: MessageType.REPLY, status: MessageStatus.OK },
      codec,
      value,
    ));
  }

  replyError(call: MessageHeader, code: number, domain: number, message: string): Promise<void> {
    return this.send(encodeMessage(
      { ...call, type: MessageType.REPLY, status: MessageStatus.ERROR },
      remoteError,
      {
        code,
        domain,
        message,
        level: 2,
        dom: null,
        str1: message,
        str2: null,
        str3: null,
        int1: -1,
        int2: -1,
        net: null,
      },
    ));
  }

  /** Answer the handshake of RemoteClient.open: AUTH_LIST, CONNECT_OPEN, keepalive feature. */
  async handshake(): Promise<Message[]> {
    const seen: Message[] = [];
    for (;;) {
      const m = await this.recv();
      if (!m) throw new Error("client left during handshake");
      seen.push(m);
      const p = m.header.procedure;
      if (p === procedures.authList.number) {
        await this.reply(m.header, procedures.authList.ret, { types: [0] });
      } else if (p === procedures.connectOpen.number) {
        await this.reply(m.header, void_, undefined);
      } else if (p === procedures.connectSupportsFeature.number) {
        await this.reply(m.header, procedures.connectSupportsFeature.ret, { supported: 1 });
        return seen;
      }
    }
  }
}

/** A fake daemon on a UNIX socket; `script` runs once per accepted connection. */
async function fakeDaemon(script: (peer: Peer) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "vsh-fake-" });
  const path = `${dir}/sock`;
  const listener = Deno.listen({ transport: "unix", path });
  const tasks: Promise<void>[] = [];
  const conns: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      tasks.push(
        script(new Peer(conn)).catch(() => {}).finally(() => {
          try {
            conn.close();
          } catch {
            // closed by the script
          }
        }),
      );
    }
  })();
  return {
    path,
    async stop() {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch {
          // already closed
        }
      }
      await accepting.catch(() => {});
      await Promise.all(tasks);
      await Deno.remove(dir, { recursive: true });
    },
  };
}

const hostnameRet = procedures.connectGetHostname.ret;

Deno.test("handshake sends AUTH_LIST, CONNECT_OPEN with the name, then the keepalive query", async () => {
  let seen: Message[] = [];
  const daemon = await fakeDaemon(async (peer) => {
    seen = await peer.handshake();
    const close = await peer.recv();
    if (close) await peer.reply(close.header, void_, undefined);
  });
  const client = await RemoteClient.open(await connectUnix(daemon.path), {
    name: "test:///default",
    readonly: true,
  });
  await client.close();
  await daemon.stop();
  assert(seen.map((m) => m.header.procedure).join() === "66,1,60", "handshake order");
  const open = decode(procedures.connectOpen.args, seen[1].payload);
  assert(open.name === "test:///default" && open.flags === 1, "CONNECT_OPEN args");
  const feature = decode(procedures.connectSupportsFeature.args, seen[2].payload);
  assert(feature.feature === 10);
});

Deno.test("replies arriving in any order are matched to their calls by serial", async () => {
  const daemon = await fakeDaemon(async (peer) => {
    const calls: Message[] = [];
    for (let i = 0; i < 50; i++) calls.push((await peer.recv())!);
    for (const m of calls.reverse()) {
      await peer.reply(m.header, hostnameRet, { hostname: `host-${m.header.serial}` });
    }
  });
  const client = new RemoteClient(await connectUnix(daemon.path));
  const results = await Promise.all(
    Array.from({ length: 50 }, () => client.call("connectGetHostname", undefined)),
  );
  results.forEach((r, i) => assert(r.hostname === `host-${i + 1}`, r.hostname));
  await client.close();
  await daemon.stop();
});

Deno.test("daemon errors become VirtErrors with the daemon's exact fields", async () => {
  const daemon = await fakeDaemon(async (peer) => {
    const a = (await peer.recv())!;
    await peer.replyError(a.header, 42, 12, "Domain not found: no domain with matching name 'x'");
    const b = (await peer.recv())!;
    await peer.replyError(b.header, 39, 13, "unknown procedure: 999");
  });
  const client = new RemoteClient(await connectUnix(daemon.path));
  const e = await rejection(client.call("domainLookupByName", { name: "x" }));
  assert(e.code === 42 && e.domain === 12 && e.level === 2);
  assert(e.message === "Domain not found: no domain with matching name 'x'");
  assert(e.str1 === e.message && e.int1 === -1);
  const unsupported = await rejection(client.call("connectGetHostname", undefined));
  assert(unsupported.code === 3 && unsupported.message === "unknown procedure: 999");
  await client.close();
  await daemon.stop();
});

Deno.test("connection loss mid-call rejects every pending call, later calls fail at once", async () => {
  const daemon = await fakeDaemon(async (peer) => {
    await peer.recv();
    await peer.recv();
    peer.conn.close();
  });
  const client = new RemoteClient(await connectUnix(daemon.path));
  let closedWith: VirtError | null | undefined;
  client.onClose((e) => closedWith = e);
  const started = Date.now();
  const [a, b] = await Promise.all([
    rejection(client.call("connectGetHostname", undefined)),
    rejection(client.call("connectGetUri", undefined)),
  ]);
  assert(Date.now() - started < 2000, "no hang");
  for (const e of [a, b]) {
    assert(e.code === 38 && e.domain === 7, `${e.code}/${e.domain}`);
    assert(e.message === "End of file while reading data: Input/output error", e.message);
  }
  assert(closedWith === a);
  const later = await rejection(client.call("connectGetHostname", undefined));
  assert(later.message === "internal error: client socket is closed", later.message);
  await client.close();
  await daemon.stop();
});

Deno.test("close() does not hang on a daemon that never answers", async () => {
  const daemon = await fakeDaemon(async (peer) => {
    while (await peer.recv());
  });
  const client = new RemoteClient(await connectUnix(daemon.path));
  const started = Date.now();
  await client.close(100);
  assert(Date.now() - started < 1000 && client.closed);
  await daemon.stop();
});

Deno.test("garbage from the daemon ends the connection with an RPC error", async () => {
  const daemon = await fakeDaemon(async (peer) => {
    await peer.recv();
    await peer.send(new Uint8Array([0, 0, 0, 8, 1, 2, 3, 4]));
    await peer.recv();
  });
  const client = new RemoteClient(await connectUnix(daemon.path));
  const e = await rejection(client.call("connectGetHostname", undefined));
  assert(e.code === 39 && e.domain === 7);
  assert(e.message === "packet 8 bytes received from server too small, want 28", e.message);
  await client.close();
  await daemon.stop();
});

Deno.test("an undecodable reply fails that call only", async () => {
  const daemon = await fakeDaemon(async (peer) => {
    const a = (await peer.recv())!;
    await peer.send(encodeRaw({ ...a.header, type: MessageType.REPLY }, new Uint8Array([0, 0])));
    const b = (await peer.recv())!;
    await peer.reply(b.header, hostnameRet, { hostname: "ok" });
    const c = await peer.recv();
    if (c) await peer.reply(c.header, void_, undefined);
  });
  const client = new RemoteClient(await connectUnix(daemon.path));
  const e = await rejection(client.call("connectGetHostname", undefined));
  assert(e.message === "Unable to decode message payload" && e.code === 39);
  assert((await client.call("connectGetHostname", undefined)).hostname === "ok");
  await client.close();
  await daemon.stop();
});

Deno.test("keepalive: a silent daemon is declared dead and pending calls fail", async () => {
  let pings = 0;
  const daemon = await fakeDaemon(async (peer) => {
    await peer.handshake();
    for (let m = await peer.recv(); m; m = await peer.recv()) {
      if (m.header.program === KEEPALIVE_PROGRAM && m.header.procedure === KeepaliveProc.PING) {
        pings++;
      }
    }
  });
  const client = await RemoteClient.open(await connectUnix(daemon.path), {
    name: "test:///default",
    readonly: false,
    keepalive: { interval: 0.05, count: 3 },
  });
  const started = Date.now();
  const e = await rejection(client.call("connectGetHostname", undefined));
  const took = Date.now() - started;
  assert(e.message === "internal error: connection closed due to keepalive timeout", e.message);
  assert(e.code === 1);
  assert(took >= 150 && took < 2000, `declared dead after ${took} ms`);
  await client.close();
  await daemon.stop();
  assert(pings === 3, `${pings} pings`);
});

Deno.test("keepalive: daemon PINGs get PONGs, and answered PINGs keep the connection", async () => {
  let pong = false;
  const daemon = await fakeDaemon(async (peer) => {
    await peer.handshake();
    await peer.send(encodeRaw({
      program: KEEPALIVE_PROGRAM,
      version: 1,
      procedure: KeepaliveProc.PING,
      type: MessageType.MESSAGE,
      serial: 0,
      status: MessageStatus.OK,
    }, new Uint8Array()));
    for (let m = await peer.recv(); m; m = await peer.recv()) {
      if (m.header.program === KEEPALIVE_PROGRAM) {
        if (m.header.procedure === KeepaliveProc.PONG) pong = true;
        else await peer.send(encodeRaw({ ...m.header, procedure: KeepaliveProc.PONG }, m.payload));
      } else if (m.header.procedure === procedures.connectGetHostname.number) {
        // answer late, after several keepalive intervals, while PINGs keep being answered
        const header = m.header;
        setTimeout(() => peer.reply(header, hostnameRet, { hostname: "slow" }), 400);
      } else {
        await peer.reply(m.header, void_, undefined);
      }
    }
  });
  const client = await RemoteClient.open(await connectUnix(daemon.path), {
    name: "test:///default",
    readonly: false,
    keepalive: { interval: 0.05, count: 2 },
  });
  assert((await client.call("connectGetHostname", undefined)).hostname === "slow");
  assert(pong, "PONG sent");
  await client.close();
  await daemon.stop();
});

Deno.test("events: callback messages reach the registered listener", async () => {
  const daemon = await fakeDaemon(async (peer) => {
    const reg = (await peer.recv())!;
    const args = decode(procedures.connectDomainEventCallbackRegisterAny.args, reg.payload);
    assert(args.eventID === 0 && args.dom === null);
    await peer.reply(reg.header, procedures.connectDomainEventCallbackRegisterAny.ret, {
      callbackID: 7,
    });
    const dom = { name: "test", uuid: new Uint8Array(16), id: 1 };
    for (const callbackID of [8, 7]) {
      await peer.send(encodeMessage(
        {
          program: REMOTE_PROGRAM,
          version: 1,
          procedure: procedures.domainEventCallbackLifecycle.number,
          type: MessageType.MESSAGE,
          serial: 0,
          status: MessageStatus.OK,
        },
        procedures.domainEventCallbackLifecycle.args,
        {
          callbackID,
          msg: { dom, event: 3, detail: callbackID },
        },
      ));
    }
    const dereg = (await peer.recv())!;
    assert(
      decode(procedures.connectDomainEventCallbackDeregisterAny.args, dereg.payload)
        .callbackID === 7,
    );
    await peer.reply(dereg.header, void_, undefined);
    const close = await peer.recv();
    if (close) await peer.reply(close.header, void_, undefined);
  });
  const client = new RemoteClient(await connectUnix(daemon.path));
  const got: number[] = [];
  let raw = 0;
  client.onEvent("domainEventCallbackLifecycle", () => raw++);
  const { promise, resolve } = Promise.withResolvers<void>();
  const stop = await client.onDomainLifecycle((e) => {
    assert(e.dom.name === "test" && e.event === 3);
    got.push(e.detail);
    resolve();
  });
  await promise;
  await stop();
  await client.close();
  await daemon.stop();
  assert(got.join() === "7", `callback 8 is not ours: ${got}`);
  assert(raw === 2);
});

Deno.test("events: an event sent before the registration reply is not lost", async () => {
  const daemon = await fakeDaemon(async (peer) => {
    const reg = (await peer.recv())!;
    const event = encodeMessage(
      {
        program: REMOTE_PROGRAM,
        version: 1,
        procedure: procedures.domainEventCallbackLifecycle.number,
        type: MessageType.MESSAGE,
        serial: 0,
        status: MessageStatus.OK,
      },
      procedures.domainEventCallbackLifecycle.args,
      {
        callbackID: 1,
        msg: { dom: { name: "early", uuid: new Uint8Array(16), id: 1 }, event: 2, detail: 0 },
      },
    );
    const reply = encodeMessage(
      { ...reg.header, type: MessageType.REPLY, status: MessageStatus.OK },
      procedures.connectDomainEventCallbackRegisterAny.ret,
      { callbackID: 1 },
    );
    await peer.send(new Uint8Array([...event, ...reply]));
    for (let m = await peer.recv(); m; m = await peer.recv()) {
      await peer.reply(m.header, void_, undefined);
    }
  });
  const client = new RemoteClient(await connectUnix(daemon.path));
  const { promise, resolve } = Promise.withResolvers<string>();
  const stop = await client.onDomainLifecycle((e) => resolve(e.dom.name));
  assert(await promise === "early");
  await stop();
  await client.close();
  await daemon.stop();
});

Deno.test("streams: data, holes, end of data, finish confirmed", async () => {
  const holeCodec = struct({ length: hyper, flags: uint });
  const daemon = await fakeDaemon(async (peer) => {
    const call = (await peer.recv())!;
    await peer.reply(call.header, void_, undefined);
    const s = { ...call.header, type: MessageType.STREAM, status: MessageStatus.CONTINUE };
    await peer.send(encodeRaw(s, new TextEncoder().encode("hello ")));
    await peer.send(encodeMessage({ ...s, type: MessageType.STREAM_HOLE }, holeCodec, {
      length: 4096n,
      flags: 0,
    }));
    await peer.send(encodeRaw(s, new TextEncoder().encode("world")));
    // libvirtd ends the data with an empty CONTINUE packet
    await peer.send(encodeRaw(s, new Uint8Array()));
    const fin = (await peer.recv())!;
    assert(fin.header.type === MessageType.STREAM && fin.header.status === MessageStatus.OK);
    await peer.send(encodeRaw({ ...s, status: MessageStatus.OK }, new Uint8Array()));
    const close = await peer.recv();
    if (close) await peer.reply(close.header, void_, undefined);
  });
  const client = new RemoteClient(await connectUnix(daemon.path));
  const vol = { pool: "p", name: "v", key: "k" };
  const { stream } = await client.openStream("storageVolDownload", {
    vol,
    offset: 0n,
    length: 0n,
    flags: 0,
  });
  const parts: string[] = [];
  for await (const chunk of stream) {
    parts.push(chunk instanceof Uint8Array ? new TextDecoder().decode(chunk) : `<${chunk.hole}>`);
  }
  await stream.finish();
  await client.close();
  await daemon.stop();
  assert(parts.join("") === "hello <4096>world", parts.join(""));
});

Deno.test("streams: upload chunks data and surfaces the daemon's error at finish", async () => {
  const received: number[] = [];
  const daemon = await fakeDaemon(async (peer) => {
    const call = (await peer.recv())!;
    await peer.reply(call.header, void_, undefined);
    for (let m = await peer.recv(); m; m = await peer.recv()) {
      if (m.header.status === MessageStatus.CONTINUE) {
        received.push(m.payload.length);
      } else {
        await peer.replyError(
          { ...m.header, type: MessageType.STREAM },
          38,
          18,
          "cannot write: No space left on device",
        );
        break;
      }
    }
    const close = await peer.recv();
    if (close) await peer.reply(close.header, void_, undefined);
  });
  const client = new RemoteClient(await connectUnix(daemon.path));
  const { stream } = await client.openStream("storageVolUpload", {
    vol: { pool: "p", name: "v", key: "k" },
    offset: 0n,
    length: 0n,
    flags: 0,
  });
  await stream.write(new Uint8Array(600000));
  const e = await rejection(stream.finish());
  assert(e.message === "cannot write: No space left on device" && e.domain === 18);
  await client.close();
  await daemon.stop();
  assert(received.join() === "262120,262120,75760", received.join());
});

Deno.test("streams: a slow reader holds the daemon back instead of buffering everything", async () => {
  const chunk = 262120;
  const count = 80; // about 20 MiB, more than twice the high-water mark
  const daemon = await fakeDaemon(async (peer) => {
    const call = (await peer.recv())!;
    await peer.reply(call.header, void_, undefined);
    const s = { ...call.header, type: MessageType.STREAM, status: MessageStatus.CONTINUE };
    for (let i = 0; i < count; i++) {
      await peer.send(encodeRaw(s, new Uint8Array(chunk).fill(i & 0xff)));
    }
    await peer.send(encodeRaw(s, new Uint8Array()));
    for (let m = await peer.recv(); m; m = await peer.recv()) {
      if (m.header.type === MessageType.STREAM) {
        await peer.send(encodeRaw({ ...s, status: MessageStatus.OK }, new Uint8Array()));
      } else {
        await peer.reply(m.header, void_, undefined);
      }
    }
  });
  const client = new RemoteClient(await connectUnix(daemon.path));
  client.startKeepalive({ interval: 0.02, count: 1 });
  const { stream } = await client.openStream("storageVolDownload", {
    vol: { pool: "p", name: "v", key: "k" },
    offset: 0n,
    length: 0n,
    flags: 0,
  });
  let maxBuffered = 0;
  let total = 0;
  let index = 0;
  for await (const c of stream) {
    assert(c instanceof Uint8Array);
    maxBuffered = Math.max(maxBuffered, stream.buffered);
    for (let off = 0; off < c.length; off += 65536) {
      assert(c[off] === (Math.floor((total + off) / chunk) & 0xff), `order at ${total + off}`);
    }
    total += c.length;
    // pauses longer than keepalive allows a silent daemon
    if (index++ % 8 === 0) await new Promise((r) => setTimeout(r, 60));
  }
  await stream.finish();
  assert(!client.closed, "a paused reader is not a dead daemon");
  await client.close();
  await daemon.stop();
  assert(total === chunk * count, `${total}`);
  assert(maxBuffered <= 8 * 1024 * 1024 + 2 * chunk, `buffered ${maxBuffered}`);
});

Deno.test("streams: finish() with data still unread does not wait behind it", async () => {
  const chunk = 262120;
  const daemon = await fakeDaemon(async (peer) => {
    const call = (await peer.recv())!;
    await peer.reply(call.header, void_, undefined);
    const s = { ...call.header, type: MessageType.STREAM, status: MessageStatus.CONTINUE };
    // More than the client's read buffer, so that reading stops on the unread data.
    const sending = (async () => {
      for (let i = 0; i < 16; i++) await peer.send(encodeRaw(s, new Uint8Array(chunk).fill(i)));
    })();
    for (let m = await peer.recv(); m; m = await peer.recv()) {
      if (m.header.type === MessageType.STREAM) {
        await sending;
        await peer.send(encodeRaw({ ...s, status: MessageStatus.OK }, new Uint8Array()));
      } else {
        await peer.reply(m.header, void_, undefined);
      }
    }
  });
  const client = new RemoteClient(await connectUnix(daemon.path));
  const { stream } = await client.openStream("storageVolDownload", {
    vol: { pool: "p", name: "v", key: "k" },
    offset: 0n,
    length: 0n,
    flags: 0,
  });
  const first = await stream.read();
  assert(first instanceof Uint8Array && first.length === chunk && first[0] === 0);
  await stream.finish();
  await client.close();
  await daemon.stop();
});

Deno.test("streams: readView lends each packet until the next call, in order, reading held back", async () => {
  const chunk = 262120;
  const count = 24; // several times the client's read buffer
  const daemon = await fakeDaemon(async (peer) => {
    const call = (await peer.recv())!;
    await peer.reply(call.header, void_, undefined);
    const s = { ...call.header, type: MessageType.STREAM, status: MessageStatus.CONTINUE };
    for (let i = 0; i < count; i++) {
      await peer.send(encodeRaw(s, new Uint8Array(chunk).fill(i + 1)));
    }
    await peer.send(encodeRaw(s, new Uint8Array()));
    for (let m = await peer.recv(); m; m = await peer.recv()) {
      if (m.header.type === MessageType.STREAM) {
        await peer.send(encodeRaw({ ...s, status: MessageStatus.OK }, new Uint8Array()));
      } else {
        await peer.reply(m.header, void_, undefined);
      }
    }
  });
  const client = new RemoteClient(await connectUnix(daemon.path));
  const { stream } = await client.openStream("storageVolDownload", {
    vol: { pool: "p", name: "v", key: "k" },
    offset: 0n,
    length: 0n,
    flags: 0,
  });
  let index = 0;
  let maxBuffered = 0;
  for (let c = await stream.readView(); c !== null; c = await stream.readView()) {
    assert(c instanceof Uint8Array && c.length === chunk, "whole packets");
    maxBuffered = Math.max(maxBuffered, stream.buffered);
    // held across a wait in which the client could read on: still intact after it
    await new Promise((r) => setTimeout(r, 5));
    assert(c.every((b) => b === index + 1), `packet ${index} intact`);
    index++;
  }
  await stream.finish();
  await client.close();
  await daemon.stop();
  assert(index === count, `${index} packets`);
  assert(maxBuffered <= 2 * 1024 * 1024, `buffered ${maxBuffered}`);
});
