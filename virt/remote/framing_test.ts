import {
  checkLength,
  decodeMessage,
  encodeMessage,
  encodeRaw,
  encodeRawInto,
  FrameReader,
  FramingError,
  MAX_PACKET,
  MessageStatus,
  MessageType,
  MIN_PACKET,
} from "./framing.ts";
import { procedures, REMOTE_PROGRAM } from "./protocol.ts";
import { opaque, void_ } from "./xdr.ts";

function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new Error(msg);
}

function assertThrows(fn: () => unknown, cls: new (...a: never[]) => Error, match?: RegExp) {
  try {
    fn();
  } catch (e) {
    assert(e instanceof cls, `expected ${cls.name}, got ${e}`);
    if (match) assert(match.test((e as Error).message), `message ${(e as Error).message}`);
    return;
  }
  throw new Error("expected an exception");
}

const header = {
  program: REMOTE_PROGRAM,
  version: 1,
  procedure: 23,
  type: MessageType.CALL,
  serial: 42,
  status: MessageStatus.OK,
};

Deno.test("a call encodes to libvirt's bytes: length, header, payload", () => {
  const packet = encodeMessage(header, procedures.domainLookupByName.args, { name: "test" });
  const hex = Array.from(packet, (b) => b.toString(16).padStart(2, "0")).join("");
  assert(
    hex === "00000024" + "20008086" + "00000001" + "00000017" + "00000000" + "0000002a" +
        "00000000" + "00000004" + "74657374",
    hex,
  );
  const msg = decodeMessage(packet);
  assert(msg.header.serial === 42 && msg.header.procedure === 23);
  assert(msg.payload.length === 8);
});

Deno.test("encodeRaw and encodeMessage agree", () => {
  const data = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
  const a = encodeRaw({ ...header, type: MessageType.STREAM }, data);
  const b = encodeMessage({ ...header, type: MessageType.STREAM }, {
    encode: (w, v: Uint8Array) => w.bytes(v),
    decode: () => new Uint8Array(),
  }, data);
  assert(a.join() === b.join());
});

Deno.test("length limits are enforced on both sides", () => {
  assertThrows(() => checkLength(MIN_PACKET - 1), FramingError, /too small, want 28/);
  assertThrows(() => checkLength(MAX_PACKET + 1), FramingError, /too large/);
  checkLength(MIN_PACKET);
  checkLength(MAX_PACKET);
  const big = new Uint8Array(MAX_PACKET);
  assertThrows(() => encodeRaw(header, big), FramingError, /exceeds limit 33554432/);
  assertThrows(() => encodeMessage(header, opaque(), big), FramingError, /exceeds limit/);
  // The largest payload that fits is accepted.
  const fits = encodeRaw(header, new Uint8Array(MAX_PACKET - MIN_PACKET));
  assert(fits.length === MAX_PACKET);
});

Deno.test("decodeMessage rejects truncated, overlong and unknown packets", () => {
  const good = encodeMessage(header, void_, undefined);
  assertThrows(() => decodeMessage(good.subarray(0, 3)), FramingError, /truncated/);
  assertThrows(() => decodeMessage(good.subarray(0, 20)), FramingError, /20 arrived/);
  const longer = new Uint8Array(good.length + 4);
  longer.set(good);
  assertThrows(() => decodeMessage(longer), FramingError, /arrived/);
  const badType = good.slice();
  badType[19] = 9;
  assertThrows(() => decodeMessage(badType), FramingError, /unknown message type 9/);
  const badStatus = good.slice();
  badStatus[27] = 7;
  assertThrows(() => decodeMessage(badStatus), FramingError, /unknown message status 7/);
  const huge = good.slice();
  new DataView(huge.buffer).setUint32(0, 0xffffffff);
  assertThrows(() => decodeMessage(huge), FramingError, /too large/);
});

// A small deterministic generator so that a failure can be replayed.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

Deno.test("fuzz: decodeMessage only ever returns or throws FramingError", () => {
  const next = rng(0x5eed);
  const valid = encodeMessage(header, procedures.domainLookupByName.args, { name: "fuzz" });
  let decoded = 0;
  for (let i = 0; i < 20000; i++) {
    let packet: Uint8Array;
    const kind = next() % 4;
    if (kind === 0) {
      packet = new Uint8Array(next() % 64);
      for (let j = 0; j < packet.length; j++) packet[j] = next() & 0xff;
    } else if (kind === 1) {
      packet = valid.subarray(0, next() % (valid.length + 1));
    } else {
      packet = valid.slice();
      const flips = 1 + (next() % 4);
      for (let j = 0; j < flips; j++) packet[next() % packet.length] = next() & 0xff;
    }
    try {
      const msg = decodeMessage(packet);
      assert(msg.payload.length === packet.length - MIN_PACKET);
      decoded++;
    } catch (e) {
      if (!(e instanceof FramingError)) throw new Error(`input ${packet.join(",")}: ${e}`);
    }
  }
  assert(decoded > 0, "some mutated packets stay valid");
});

Deno.test("FrameReader reassembles packets split at every byte boundary", () => {
  const packets = [
    encodeMessage(header, void_, undefined),
    encodeMessage({ ...header, serial: 43 }, procedures.domainLookupByName.args, { name: "a" }),
    encodeRaw({ ...header, serial: 44 }, new Uint8Array(1000).fill(7)),
  ];
  const all = new Uint8Array(packets.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of packets) {
    all.set(p, off);
    off += p.length;
  }
  for (let cut = 1; cut < all.length; cut += 7) {
    const reader = new FrameReader();
    const out: Uint8Array[] = [];
    for (let i = 0; i < all.length; i += cut) {
      reader.push(all.subarray(i, i + cut));
      for (let p = reader.next(); p; p = reader.next()) out.push(p.slice());
    }
    assert(out.length === 3, `cut ${cut}: ${out.length} packets`);
    for (let i = 0; i < 3; i++) assert(out[i].join() === packets[i].join(), `cut ${cut}`);
    assert(reader.buffered === 0);
  }
});

Deno.test("FrameReader refuses a hostile length before buffering it", () => {
  const reader = new FrameReader();
  reader.push(new Uint8Array([0x7f, 0xff, 0xff, 0xff]));
  assertThrows(() => reader.next(), FramingError, /too large/);
  const small = new FrameReader();
  small.push(new Uint8Array([0, 0, 0, 4, 0, 0]));
  assertThrows(() => small.next(), FramingError, /too small/);
});

Deno.test("encodeRawInto: packets side by side in one buffer, as encodeRaw makes them", () => {
  const header = {
    program: REMOTE_PROGRAM,
    version: 1,
    procedure: 209,
    type: MessageType.STREAM,
    serial: 5,
    status: MessageStatus.CONTINUE,
  };
  const a = new Uint8Array([1, 2, 3]);
  const b = new Uint8Array([9, 8]);
  const out = new Uint8Array(2 * MIN_PACKET + 5 + 4).fill(0xee);
  const first = encodeRawInto(out, 2, header, a);
  const second = encodeRawInto(out, 2 + first, header, b);
  assert(first === MIN_PACKET + 3 && second === MIN_PACKET + 2);
  assert(out[0] === 0xee && out[1] === 0xee && out[out.length - 1] === 0xee, "outside untouched");
  assert(out.subarray(2, 2 + first).join() === encodeRaw(header, a).join());
  assert(out.subarray(2 + first, 2 + first + second).join() === encodeRaw(header, b).join());
  assertThrows(() => encodeRawInto(out, out.length - MIN_PACKET, header, a), RangeError);
});
