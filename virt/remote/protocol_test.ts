import {
  charBytes,
  fixedChars,
  nonnullDomain,
  procByNumber,
  procedures,
  type ProcName,
  remoteError,
  typedParam,
  TypedParamType,
  varChars,
} from "./protocol.ts";
import {
  array,
  bool,
  type Codec,
  decode,
  double,
  encode,
  fixedOpaque,
  hyper,
  int,
  opaque,
  optional,
  string,
  struct,
  uhyper,
  uint,
  union,
  XdrError,
} from "./xdr.ts";

function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new Error(msg);
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

function roundTrip<T>(c: Codec<T>, v: T, expectHex?: string): T {
  const bytes = encode(c, v);
  if (expectHex !== undefined) assert(hex(bytes) === expectHex, `${hex(bytes)} != ${expectHex}`);
  const back = decode(c, bytes);
  assert(hex(encode(c, back)) === hex(bytes), "re-encoding differs");
  return back;
}

Deno.test("XDR primitives round-trip with RFC 4506 bytes", () => {
  assert(roundTrip(int, -2, "fffffffe") === -2);
  assert(roundTrip(uint, 0xfffffffe, "fffffffe") === 0xfffffffe);
  assert(roundTrip(hyper, -3n, "fffffffffffffffd") === -3n);
  assert(roundTrip(uhyper, 2n ** 64n - 1n, "ffffffffffffffff") === 2n ** 64n - 1n);
  assert(roundTrip(double, 1.5, "3ff8000000000000") === 1.5);
  assert(roundTrip(bool, true, "00000001") === true);
  assert(roundTrip(string(10), "abcde", "000000056162636465000000") === "abcde");
  assert(roundTrip(string(10), "", "00000000") === "");
  assert(roundTrip(string(10), "é", "00000002c3a90000") === "é");
  assert(roundTrip(opaque(8), new Uint8Array([1, 2, 3]), "0000000301020300").length === 3);
  assert(roundTrip(fixedOpaque(3), new Uint8Array([9, 8, 7]), "09080700")[0] === 9);
  assert(roundTrip(optional(int), null, "00000000") === null);
  assert(roundTrip(optional(int), 5, "0000000100000005") === 5);
  assert(roundTrip(array(int, 4), [1, 2], "000000020000000100000002").length === 2);
});

Deno.test("XDR limits and malformed data raise XdrError", () => {
  const cases: [Codec<unknown>, string][] = [
    [string(3), "00000004" + "61626364"],
    [array(int, 1), "00000002" + "0000000100000002"],
    [opaque(2), "00000003" + "01020300"],
    [bool, "00000002"],
    [optional(int), "00000002"],
    [int, "000000"],
    [array(int, 100), "00000050"],
    [union({ 1: int }), "00000002" + "00000000"],
  ];
  for (const [c, h] of cases) {
    const bytes = new Uint8Array(h.match(/../g)!.map((x) => parseInt(x, 16)));
    let threw = false;
    try {
      decode(c, bytes);
    } catch (e) {
      threw = e instanceof XdrError;
    }
    assert(threw, `no XdrError for ${h}`);
  }
  let threw = false;
  try {
    encode(string(2), "abc");
  } catch (e) {
    threw = e instanceof XdrError;
  }
  assert(threw);
});

Deno.test("C char arrays travel as one 4-byte int per char", () => {
  assert(
    roundTrip(fixedChars(4), "ab", "00000061" + "00000062" + "00000000" + "00000000") === "ab",
  );
  assert(roundTrip(varChars(8), "hi", "00000003" + "00000068" + "00000069" + "00000000") === "hi");
  const sasl = roundTrip(charBytes(8), new Uint8Array([0, 255]), "00000002" + "00000000ffffffff");
  assert(sasl[1] === 255);
});

Deno.test("domain, typed parameter and error structs round-trip", () => {
  const dom = { name: "test", uuid: new Uint8Array(16).fill(0xab), id: 1 };
  const back = roundTrip(nonnullDomain, dom);
  assert(back.name === "test" && back.id === 1 && back.uuid[15] === 0xab);
  const params = [
    { field: "a", value: { type: TypedParamType.INT, value: -1 } },
    { field: "b", value: { type: TypedParamType.ULLONG, value: 1n << 63n } },
    { field: "c", value: { type: TypedParamType.STRING, value: "s" } },
    { field: "d", value: { type: TypedParamType.DOUBLE, value: 0.25 } },
  ] as const;
  const decoded = roundTrip(array(typedParam, 16), [...params]);
  assert(decoded[1].value.value === 1n << 63n && decoded[2].value.type === 7);
  const err = roundTrip(remoteError, {
    code: 42,
    domain: 12,
    message: "Domain not found",
    level: 2,
    dom: null,
    str1: "Domain not found",
    str2: null,
    str3: null,
    int1: -1,
    int2: -1,
    net: null,
  });
  assert(err.message === "Domain not found" && err.code === 42);
});

Deno.test("procedure table: unique numbers, names match REMOTE_PROC_ names", () => {
  const known: [ProcName, number][] = [
    ["connectOpen", 1],
    ["connectClose", 2],
    ["domainGetXmlDesc", 14],
    ["domainGetInfo", 16],
    ["domainLookupByName", 23],
    ["authList", 66],
    ["authPolkit", 70],
    ["domainEventLifecycle", 107],
    ["connectIsSecure", 149],
    ["domainGetState", 212],
    ["connectListAllDomains", 273],
    ["storageVolGetInfoFlags", 378],
    ["connectDomainEventCallbackRegisterAny", 316],
    ["domainEventCallbackLifecycle", 318],
    ["storageVolUpload", 208],
    ["storageVolDownload", 209],
    ["domainGetMessages", 426],
  ];
  for (const [name, n] of known) {
    assert(procedures[name].number === n, `${name} is ${procedures[name].number}, want ${n}`);
    assert(procByNumber.get(n) === name);
  }
  assert(procByNumber.size === Object.keys(procedures).length, "duplicate procedure numbers");
  for (const name of Object.keys(procedures)) assert(/^[a-z][A-Za-z0-9]*$/.test(name), name);
  assert(procedures.storageVolUpload.stream === "write");
  assert(procedures.storageVolDownload.stream === "read");
});

Deno.test("fuzz: every procedure's codecs reject bad bytes with XdrError only", () => {
  let s = 12345;
  const next = () => (s = (s * 1103515245 + 12345) >>> 0);
  for (const [name, def] of Object.entries(procedures)) {
    for (const codec of [def.args, def.ret] as Codec<unknown>[]) {
      for (let i = 0; i < 40; i++) {
        const bytes = new Uint8Array((next() % 24) * 4);
        // Mostly small numbers, so that counts and flags are often plausible.
        const view = new DataView(bytes.buffer);
        for (let j = 0; j < bytes.length; j += 4) {
          view.setUint32(j, next() % 3 === 0 ? next() : next() % 5);
        }
        try {
          const v = decode(codec, bytes);
          // Whatever decodes must encode again.
          encode(codec, v);
        } catch (e) {
          if (!(e instanceof XdrError)) throw new Error(`${name}: ${e}`);
        }
      }
    }
  }
});

Deno.test("args of a few procedures encode as libvirt expects", () => {
  const open = encode(procedures.connectOpen.args, { name: "test:///default", flags: 0 });
  assert(
    hex(open) === "00000001" + "0000000f" + hex(new TextEncoder().encode("test:///default")) +
        "00" + "00000000",
  );
  const list = encode(procedures.connectListAllDomains.args, { need_results: 1, flags: 3 });
  assert(hex(list) === "0000000100000003");
  assert(encode(struct({}), {}).length === 0);
});
