// XDR (RFC 4506) combinators: each value is a Codec that both encodes and decodes, and its
// TypeScript type is inferred from it, so a procedure's schema is written once.

/** Raised when bytes cannot be decoded (truncated, over a declared limit, bad discriminant). */
export class XdrError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "XdrError";
  }
}

/** Growable big-endian output buffer. */
export class XdrWriter {
  #buf: Uint8Array;
  #view: DataView;
  #pos = 0;

  constructor(initial = 256) {
    this.#buf = new Uint8Array(initial);
    this.#view = new DataView(this.#buf.buffer);
  }

  get length(): number {
    return this.#pos;
  }

  #reserve(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  int(v: number): void {
    this.#reserve(4);
    this.#view.setInt32(this.#pos, v);
    this.#pos += 4;
  }

  uint(v: number): void {
    this.#reserve(4);
    this.#view.setUint32(this.#pos, v);
    this.#pos += 4;
  }

  hyper(v: bigint): void {
    this.#reserve(8);
    this.#view.setBigInt64(this.#pos, v);
    this.#pos += 8;
  }

  uhyper(v: bigint): void {
    this.#reserve(8);
    this.#view.setBigUint64(this.#pos, v);
    this.#pos += 8;
  }

  double(v: number): void {
    this.#reserve(8);
    this.#view.setFloat64(this.#pos, v);
    this.#pos += 8;
  }

  float(v: number): void {
    this.#reserve(4);
    this.#view.setFloat32(this.#pos, v);
    this.#pos += 4;
  }

  /** Raw bytes followed by zero padding to a multiple of four. */
  bytes(b: Uint8Array): void {
    const padded = (b.length + 3) & ~3;
    this.#reserve(padded);
    this.#buf.set(b, this.#pos);
    this.#buf.fill(0, this.#pos + b.length, this.#pos + padded);
    this.#pos += padded;
  }

  /** Overwrite a 32-bit unsigned value already written at `offset` (used for frame lengths). */
  patchUint(offset: number, v: number): void {
    this.#view.setUint32(offset, v);
  }

  finish(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }
}

/** Big-endian input cursor over a byte array. */
export class XdrReader {
  readonly #buf: Uint8Array;
  readonly #view: DataView;
  #pos: number;

  constructor(buf: Uint8Array, offset = 0) {
    this.#buf = buf;
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.#pos = offset;
  }

  get offset(): number {
    return this.#pos;
  }

  get remaining(): number {
    return this.#buf.length - this.#pos;
  }

  #need(n: number): void {
    if (this.#pos + n > this.#buf.length) {
      throw new XdrError(`truncated XDR data: need ${n} bytes at offset ${this.#pos}`);
    }
  }

  int(): number {
    this.#need(4);
    const v = this.#view.getInt32(this.#pos);
    this.#pos += 4;
    return v;
  }

  uint(): number {
    this.#need(4);
    const v = this.#view.getUint32(this.#pos);
    this.#pos += 4;
    return v;
  }

  hyper(): bigint {
    this.#need(8);
    const v = this.#view.getBigInt64(this.#pos);
    this.#pos += 8;
    return v;
  }

  uhyper(): bigint {
    this.#need(8);
    const v = this.#view.getBigUint64(this.#pos);
    this.#pos += 8;
    return v;
  }

  double(): number {
    this.#need(8);
    const v = this.#view.getFloat64(this.#pos);
    this.#pos += 8;
    return v;
  }

  float(): number {
    this.#need(4);
    const v = this.#view.getFloat32(this.#pos);
    this.#pos += 4;
    return v;
  }

  /** `n` raw bytes (a copy) and skip the padding to a multiple of four. */
  bytes(n: number): Uint8Array {
    const padded = (n + 3) & ~3;
    this.#need(padded);
    const out = this.#buf.slice(this.#pos, this.#pos + n);
    this.#pos += padded;
    return out;
  }
}

/** A two-way XDR codec for values of type T. */
export interface Codec<T> {
  encode(w: XdrWriter, v: T): void;
  decode(r: XdrReader): T;
}

/** The TypeScript type a codec carries. */
export type Infer<C> = C extends Codec<infer T> ? T : never;

/** Signed 32-bit integer. */
export const int: Codec<number> = {
  encode: (w, v) => w.int(v),
  decode: (r) => r.int(),
};

/** Unsigned 32-bit integer. */
export const uint: Codec<number> = {
  encode: (w, v) => w.uint(v),
  decode: (r) => r.uint(),
};

/** Signed 64-bit integer, as bigint. */
export const hyper: Codec<bigint> = {
  encode: (w, v) => w.hyper(v),
  decode: (r) => r.hyper(),
};

/** Unsigned 64-bit integer, as bigint. */
export const uhyper: Codec<bigint> = {
  encode: (w, v) => w.uhyper(v),
  decode: (r) => r.uhyper(),
};

/** IEEE double. */
export const double: Codec<number> = {
  encode: (w, v) => w.double(v),
  decode: (r) => r.double(),
};

/** IEEE single. */
export const float: Codec<number> = {
  encode: (w, v) => w.float(v),
  decode: (r) => r.float(),
};

/** XDR bool (a 4-byte 0 or 1). */
export const bool: Codec<boolean> = {
  encode: (w, v) => w.int(v ? 1 : 0),
  decode: (r) => {
    const v = r.int();
    if (v !== 0 && v !== 1) throw new XdrError(`invalid XDR bool ${v}`);
    return v === 1;
  },
};

/** XDR void: nothing on the wire. */
export const void_: Codec<void> = {
  encode: () => {},
  decode: () => undefined,
};

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Variable-length string with a maximum length in bytes. */
export function string(max = 0xffffffff): Codec<string> {
  return {
    encode(w, v) {
      const b = utf8Encoder.encode(v);
      if (b.length > max) throw new XdrError(`string of ${b.length} bytes exceeds limit ${max}`);
      w.uint(b.length);
      w.bytes(b);
    },
    decode(r) {
      const n = r.uint();
      if (n > max) throw new XdrError(`string of ${n} bytes exceeds limit ${max}`);
      return utf8Decoder.decode(r.bytes(n));
    },
  };
}

/** Variable-length opaque data with a maximum length. */
export function opaque(max = 0xffffffff): Codec<Uint8Array> {
  return {
    encode(w, v) {
      if (v.length > max) throw new XdrError(`opaque of ${v.length} bytes exceeds limit ${max}`);
      w.uint(v.length);
      w.bytes(v);
    },
    decode(r) {
      const n = r.uint();
      if (n > max) throw new XdrError(`opaque of ${n} bytes exceeds limit ${max}`);
      return r.bytes(n);
    },
  };
}

/** Fixed-length opaque data (e.g. a 16-byte UUID). */
export function fixedOpaque(n: number): Codec<Uint8Array> {
  return {
    encode(w, v) {
      if (v.length !== n) throw new XdrError(`fixed opaque needs ${n} bytes, got ${v.length}`);
      w.bytes(v);
    },
    decode: (r) => r.bytes(n),
  };
}

/** XDR optional-data (`T *`): null when absent. */
export function optional<T>(c: Codec<T>): Codec<T | null> {
  return {
    encode(w, v) {
      if (v === null || v === undefined) {
        w.uint(0);
      } else {
        w.uint(1);
        c.encode(w, v);
      }
    },
    decode(r) {
      const present = r.uint();
      if (present === 0) return null;
      if (present !== 1) throw new XdrError(`invalid optional-data flag ${present}`);
      return c.decode(r);
    },
  };
}

/** Variable-length array with a maximum element count. */
export function array<T>(c: Codec<T>, max = 0xffffffff): Codec<T[]> {
  return {
    encode(w, v) {
      if (v.length > max) throw new XdrError(`array of ${v.length} exceeds limit ${max}`);
      w.uint(v.length);
      for (const item of v) c.encode(w, item);
    },
    decode(r) {
      const n = r.uint();
      if (n > max) throw new XdrError(`array of ${n} exceeds limit ${max}`);
      // Each element takes at least four bytes: refuse counts the data cannot hold.
      if (n > r.remaining / 4 && n > 0) {
        throw new XdrError(`array of ${n} elements cannot fit in ${r.remaining} bytes`);
      }
      const out: T[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = c.decode(r);
      return out;
    },
  };
}

/** Fixed-length array. */
export function fixedArray<T>(c: Codec<T>, n: number): Codec<T[]> {
  return {
    encode(w, v) {
      if (v.length !== n) throw new XdrError(`fixed array needs ${n} elements, got ${v.length}`);
      for (const item of v) c.encode(w, item);
    },
    decode(r) {
      const out: T[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = c.decode(r);
      return out;
    },
  };
}

type Fields = Record<string, Codec<unknown>>;
type StructOf<F extends Fields> = { [K in keyof F]: Infer<F[K]> };

/** A struct: fields encoded in declaration order. */
export function struct<F extends Fields>(fields: F): Codec<StructOf<F>> {
  const entries = Object.entries(fields);
  return {
    encode(w, v) {
      for (const [name, c] of entries) c.encode(w, (v as Record<string, unknown>)[name]);
    },
    decode(r) {
      const out: Record<string, unknown> = {};
      for (const [name, c] of entries) out[name] = c.decode(r);
      return out as StructOf<F>;
    },
  };
}

type Arms = Record<number, Codec<unknown>>;
type UnionOf<A extends Arms> = {
  [K in keyof A]: { type: K extends `${infer N extends number}` ? N : K; value: Infer<A[K]> };
}[keyof A];

/**
 * A discriminated union on a signed int discriminant; decodes to `{ type, value }`.
 * A discriminant with no arm is an error.
 */
export function union<A extends Arms>(arms: A): Codec<UnionOf<A>> {
  return {
    encode(w, v) {
      const { type, value } = v as { type: number; value: unknown };
      const c = arms[type];
      if (!c) throw new XdrError(`no union arm for discriminant ${type}`);
      w.int(type);
      c.encode(w, value);
    },
    decode(r) {
      const type = r.int();
      const c = arms[type];
      if (!c) throw new XdrError(`no union arm for discriminant ${type}`);
      return { type, value: c.decode(r) } as UnionOf<A>;
    },
  };
}

/** A codec that is defined later (recursive types such as linked lists). */
export function lazy<T>(get: () => Codec<T>): Codec<T> {
  return {
    encode: (w, v) => get().encode(w, v),
    decode: (r) => get().decode(r),
  };
}

/** Encode one value to bytes. */
export function encode<T>(c: Codec<T>, v: T): Uint8Array {
  const w = new XdrWriter();
  c.encode(w, v);
  return w.finish();
}

/** Decode one value and require that all bytes were used. */
export function decode<T>(c: Codec<T>, bytes: Uint8Array): T {
  const r = new XdrReader(bytes);
  const v = c.decode(r);
  if (r.remaining !== 0) throw new XdrError(`${r.remaining} trailing bytes after XDR value`);
  return v;
}
