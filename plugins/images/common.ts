// What every image command shares: qemu-img's size syntax, finding the file behind a path or a
// storage volume, qemu-img's error framing, the overwrite guard and the progress display.

import type { Preallocation } from "../../disk/mod.ts";
import { opt, VshError } from "../../shell/mod.ts";
import type { ShellContext } from "../../shell/mod.ts";
import { ErrorCode, VirtError } from "../../virt/errors.ts";
import { exists, parseUri } from "../../virt/uri.ts";
import { parseUuid } from "../../virt/xml/uuid.ts";
import { readVolumes, remoteReadProblem, type RemoteVolume } from "./remote.ts";

export { readVolumes };

/**
 * The disk library, loaded when an image command first runs: starting vsh for other commands
 * does not pay for parsing it.
 */
export function diskLib(): Promise<typeof import("../../disk/mod.ts")> {
  return import("../../disk/mod.ts");
}

/** The image formats qemu-img knows; vsh reads and writes only raw and qcow2. */
const QEMU_FORMATS = new Set([
  "blkdebug",
  "blklogwrites",
  "blkverify",
  "bochs",
  "cloop",
  "compress",
  "copy-before-write",
  "copy-on-read",
  "dmg",
  "file",
  "ftp",
  "ftps",
  "host_cdrom",
  "host_device",
  "http",
  "https",
  "luks",
  "nbd",
  "null-aio",
  "null-co",
  "nvme",
  "parallels",
  "preallocate",
  "qcow",
  "qcow2",
  "qed",
  "quorum",
  "raw",
  "replication",
  "snapshot-access",
  "ssh",
  "throttle",
  "vdi",
  "vhdx",
  "vmdk",
  "vpc",
  "vvfat",
]);

/** Formats vsh reads, and those it also writes. */
const READABLE = new Set(["raw", "qcow2", "vdi", "vpc", "vmdk"]);
const WRITABLE = new Set(["raw", "qcow2"]);

/** What is wrong with a format name, or undefined when vsh handles it. */
function formatProblem(fmt: string, supported = READABLE): string | undefined {
  if (supported.has(fmt)) return undefined;
  if (QEMU_FORMATS.has(fmt)) return `Image format '${fmt}' is not supported by vsh`;
  return `Unknown driver '${fmt}'`;
}

/** Checks the format given for an image to open (qemu-img: "Could not open 'F': …"). */
export function inputFormat(fmt: string | undefined, f: ImageFile): string | undefined {
  const why = fmt === undefined ? undefined : formatProblem(fmt);
  if (why) throw new VshError(`Could not open '${f.shown}': ${why}`);
  return fmt;
}

/** Checks the format given for a new image; `prefix` is "NAME: " where qemu-img puts one. */
export function outputFormat(fmt: string | undefined, prefix = ""): string {
  if (fmt === undefined) return "raw";
  const why = formatProblem(fmt, WRITABLE);
  if (why?.startsWith("Unknown")) throw new VshError(`${prefix}Unknown file format '${fmt}'`);
  if (why) throw new VshError(`${prefix}Creating '${fmt}' images is not supported by vsh`);
  return fmt;
}

/** Checks a backing file's format (qemu-img create: "NAME: Unknown driver 'F'"). */
export function backingFormatProblem(fmt: string | undefined): string | undefined {
  return fmt === undefined ? undefined : formatProblem(fmt);
}

/** Why {@link parseQemuSize} refused a value. */
export type SizeError = "invalid" | "range";

const SUFFIXES = "bkmgtpe";

/**
 * qemu's qemu_strtosz: decimal with an optional fraction, or `0x` hex, then an optional unit
 * (B, K, M, G, T, P, E; powers of 1024; case-insensitive). A fraction needs a unit; exponents
 * and trailing text are refused. Values above 2^64 - 1 are out of range.
 */
export function parseQemuSize(text: string): bigint | SizeError {
  let s = text.replace(/^[ \t\n\v\f\r]+/, "");
  if (s.startsWith("+")) s = s.slice(1);
  const dec = /^\d+/.exec(s);
  if (!dec) return "invalid";
  let val = BigInt(dec[0]);
  let rest = s.slice(dec[0].length);
  let fraction = "";
  if (val === 0n && /^[xX]/.test(rest)) {
    const hex = /^0[xX]([0-9a-fA-F]+)/.exec(s);
    if (!hex) return "invalid";
    val = BigInt("0x" + hex[1]);
    rest = s.slice(hex[0].length);
    if (rest.startsWith(".")) return "invalid";
  } else if (rest.startsWith(".")) {
    const f = /^\.(\d*)/.exec(rest)!;
    rest = rest.slice(f[0].length);
    // strtod would read an exponent here; qemu refuses the whole value then.
    if (f[1] !== "" && /^[eE][+-]?\d/.test(rest)) return "invalid";
    fraction = f[1];
  }
  let mul = 1n;
  const unit = SUFFIXES.indexOf(rest.charAt(0).toLowerCase());
  if (rest !== "" && unit >= 0) {
    mul = 1024n ** BigInt(unit);
    rest = rest.slice(1);
  }
  if (rest !== "") return "invalid";
  const frac = fraction === "" ? 0 : Number("0." + fraction);
  if (mul === 1n && frac !== 0) return "invalid";
  const total = val * mul + BigInt(Math.round(frac * Number(mul)));
  return total > 2n ** 64n - 1n ? "range" : total;
}

const INT64_MAX = 2n ** 63n - 1n;

/** qemu-img's cvtnum: a size for `name` ("image size") as a number of bytes, or its errors. */
export function cvtnum(name: string, text: string): number {
  const v = parseQemuSize(text);
  if (v === "invalid") {
    throw new VshError(`Invalid ${name} specified. You may use k, M, G, T, P or E suffixes for`, {
      more: ["kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes."],
    });
  }
  if (v === "range" || v > INT64_MAX) {
    throw new VshError(`Invalid ${name} specified. Must be between 0 and ${INT64_MAX}.`);
  }
  return bigToNumber(v);
}

/** A size given as a `-o name=value` creation option (QemuOpts' wording). */
export function optionSize(param: string, text: string): number {
  const v = parseQemuSize(text);
  if (v === "invalid") {
    throw new VshError(`Parameter '${param}' expects a non-negative number below 2^64`, {
      more: [
        "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-",
        "and exabytes, respectively.",
      ],
    });
  }
  if (v === "range") throw new VshError(`Value '${text}' is out of range for parameter '${param}'`);
  return bigToNumber(v);
}

function bigToNumber(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new VshError(`Size ${v} is too large for vsh (the largest is 2^53 - 1 bytes)`);
  }
  return Number(v);
}

/** A whole number option (refcount bits and the like), qemu's "expects a number" wording. */
export function optionNumber(param: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new VshError(`Parameter '${param}' expects a number`);
  return Number(text);
}

/** qemu's preallocation modes. */
export const PREALLOCATION = ["off", "metadata", "falloc", "full"];

/** Checks a --preallocation value. */
export function preallocation(v: string | undefined): Preallocation | undefined {
  if (v === undefined) return undefined;
  if (!PREALLOCATION.includes(v)) {
    throw new VshError(`Parameter 'preallocation' does not accept value '${v}'`);
  }
  return v as Preallocation;
}

/** An image file as the user named it and as the library opens it. */
export interface ImageFile {
  /** The path the library opens (absolute, or relative to the process). */
  path: string;
  /** The name qemu-img would print: what the user typed, or the volume's path. */
  shown: string;
  /**
   * Set when the file is a storage volume that is not a file on this machine: library calls
   * on it must run inside {@link readVolumes}, which reads it by volume download.
   */
  remote?: RemoteVolume;
}

/** Rewrites library paths (built from `path`) into the user's terms (built from `shown`). */
export function showPath(f: ImageFile, p: string): string {
  if (f.path === f.shown || !f.path.endsWith(f.shown)) return p;
  const prefix = f.path.slice(0, f.path.length - f.shown.length);
  return p.startsWith(prefix) ? p.slice(prefix.length) : p;
}

// A remote libvirtd's paths name files on another machine, even when the same path exists here.
function connectionIsLocal(ctx: ShellContext): boolean {
  try {
    const host = parseUri(ctx.conn.uri).host;
    return host === "" || host === "localhost" || host === Deno.hostname();
  } catch {
    return false;
  }
}

type PoolRef = { name: string; uuid: Uint8Array };
type VolRef = { pool: string; name: string; key: string };

async function lookupPool(ctx: ShellContext, name: string): Promise<PoolRef> {
  const conn = ctx.conn;
  const uuid = parseUuid(name);
  try {
    if (uuid) {
      try {
        return (await conn.call("storagePoolLookupByUuid", { uuid })).pool;
      } catch (e) {
        if (!(e instanceof VirtError)) throw e;
      }
    }
    return (await conn.call("storagePoolLookupByName", { name })).pool;
  } catch (e) {
    if (e instanceof VirtError) throw new VshError(`failed to get pool '${name}'`, { cause: e });
    throw e;
  }
}

/**
 * The image file of a volume. A volume that is not a file on this machine (the connection's
 * host is another, or the path is not here) is read by volume download; a command that would
 * write it (`writer`) is refused.
 */
async function volumeFile(
  ctx: ShellContext,
  vol: VolRef,
  what: string,
  writer: string | undefined,
): Promise<ImageFile> {
  const { name } = await ctx.conn.call("storageVolGetPath", { vol });
  if (connectionIsLocal(ctx) && exists(name)) return { path: name, shown: name };
  const why = writer ? `${writer} cannot write remote volumes` : remoteReadProblem(ctx);
  if (why) throw new VshError(`volume '${what}' (${name}) is not a file on this machine: ${why}`);
  return { path: name, shown: name, remote: { vol } };
}

/** Options naming the pool of a file argument. */
export const poolOpt = (help = "pool name or uuid of the volume") =>
  opt.string(help, { namedOnly: true, complete: "pool" });

/**
 * Finds the file behind an image argument. With `pool`, `name` is a volume of that pool.
 * Otherwise a local file wins; failing that, a volume key or path of the current connection;
 * failing that, the path is returned as given (the library reports the missing file as
 * qemu-img does). A volume on another machine comes back with `remote` set, to be read inside
 * {@link readVolumes}; a command that writes the image names itself as `writer` and is
 * refused one.
 */
export async function resolveImage(
  ctx: ShellContext,
  name: string,
  pool: string | undefined,
  writer?: string,
): Promise<ImageFile> {
  if (pool !== undefined) {
    const p = await lookupPool(ctx, pool);
    let vol: VolRef;
    try {
      vol = (await ctx.conn.call("storageVolLookupByName", { pool: p, name })).vol;
    } catch (e) {
      if (e instanceof VirtError) throw new VshError(`failed to get vol '${name}'`, { cause: e });
      throw e;
    }
    return await volumeFile(ctx, vol, name, writer);
  }
  const path = ctx.resolvePath(name);
  if (exists(path) || !ctx.connected) return { path, shown: name };
  for (const proc of ["storageVolLookupByKey", "storageVolLookupByPath"] as const) {
    let vol: VolRef;
    try {
      vol = proc === "storageVolLookupByKey"
        ? (await ctx.conn.call(proc, { key: name })).vol
        : (await ctx.conn.call(proc, { path: name })).vol;
    } catch (e) {
      if (e instanceof VirtError) continue;
      throw e;
    }
    return await volumeFile(ctx, vol, name, writer);
  }
  return { path, shown: name };
}

/**
 * Finds where a new image goes. With `pool`, an existing volume's file, or a new file named
 * `name` in the pool's target directory (the pool is refreshed afterwards by
 * {@link refreshPool}). Otherwise the path relative to the shell's directory. Volumes and
 * pools on another machine are refused (`writer` is the command, for the message).
 */
export async function resolveTarget(
  ctx: ShellContext,
  name: string,
  pool: string | undefined,
  writer: string,
): Promise<ImageFile & { newInPool?: PoolRef }> {
  if (pool === undefined) return { path: ctx.resolvePath(name), shown: name };
  const p = await lookupPool(ctx, pool);
  let vol: VolRef | undefined;
  try {
    vol = (await ctx.conn.call("storageVolLookupByName", { pool: p, name })).vol;
  } catch (e) {
    if (!(e instanceof VirtError)) throw e;
  }
  if (vol) return await volumeFile(ctx, vol, name, writer);
  if (name.includes("/")) throw new VshError(`volume name '${name}' must not contain '/'`);
  const { xml } = await ctx.conn.call("storagePoolGetXmlDesc", { pool: p, flags: 0 });
  const dir = /<target>\s*<path>([^<]*)<\/path>/.exec(xml)?.[1];
  if (!dir || !connectionIsLocal(ctx) || !exists(dir)) {
    throw new VshError(
      `pool '${p.name}' has no target directory on this machine: ` +
        `${writer} cannot write remote volumes`,
    );
  }
  const path = `${dir.replace(/\/+$/, "")}/${name}`;
  return { path, shown: path, newInPool: p };
}

/**
 * Lets libvirt see a file just written into a pool's directory. A driver that cannot refresh
 * (the test driver) leaves the file where it is, unlisted until the pool is refreshed.
 */
export async function refreshPool(ctx: ShellContext, pool: PoolRef | undefined): Promise<void> {
  if (!pool) return;
  try {
    await ctx.conn.call("storagePoolRefresh", { pool, flags: 0 });
  } catch (e) {
    if (!(e instanceof VirtError && e.code === ErrorCode.NO_SUPPORT)) throw e;
  }
}

/** Refuses to replace an existing file unless `force`. */
export function guardOverwrite(f: ImageFile, force: boolean): void {
  if (!force && exists(f.path)) {
    throw new VshError(`'${f.shown}' already exists: use --force to overwrite it`);
  }
}

/** A library error in the user's terms (paths as they were typed). */
export function diskFailure(e: unknown, files: ImageFile[]): unknown {
  if (e instanceof VshError || e instanceof VirtError || !(e instanceof Error)) return e;
  let msg = e.message;
  for (const f of files) {
    if (f.path !== f.shown) msg = msg.replaceAll(f.path, f.shown);
  }
  for (const f of files) msg = rewriteDerived(f, msg);
  return new VshError(msg);
}

// Backing paths the library derived from the absolute path, shown relative again.
function rewriteDerived(f: ImageFile, msg: string): string {
  if (f.path === f.shown || !f.path.endsWith(f.shown)) return msg;
  const prefix = f.path.slice(0, f.path.length - f.shown.length);
  return msg.replaceAll(`'${prefix}`, "'");
}

/**
 * Opens and closes the image once, so that a failure to open it reads as qemu-img's
 * "Could not open 'NAME': why". (A remote file: inside {@link readVolumes}.)
 */
export async function checkOpens(
  f: ImageFile,
  format: string | undefined,
  backing = true,
): Promise<void> {
  const { openImage } = await import("../../disk/open.ts");
  let dev;
  try {
    dev = await openImage(f.path, { format, readOnly: true, backing });
  } catch (e) {
    throw openFailure(e, f);
  }
  await dev.close();
}

/** A failure to open `f` worded as qemu-img's "Could not open 'NAME': why". */
export function openFailure(e: unknown, f: ImageFile): unknown {
  const inner = diskFailure(e, [f]);
  if (!(inner instanceof Error) || inner instanceof VirtError) return inner;
  const prefix = `Could not open '${f.shown}': `;
  return new VshError(inner.message.startsWith(prefix) ? inner.message : prefix + inner.message);
}

/** Runs a library call, turning its errors into `error:` lines in the user's terms. */
export async function disk<T>(files: ImageFile[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw diskFailure(e, files);
  }
}

/**
 * qemu-img's `-p` display on standard error, only when it is a terminal: a callback for the
 * library and a function that ends the line.
 */
export function progressBar(
  enabled: boolean,
): { update?: (done: number, total: number) => void; end(): void } {
  if (!enabled || !Deno.stderr.isTerminal()) return { end() {} };
  const enc = new TextEncoder();
  let last = -1;
  const show = (pct: number) => {
    Deno.stderr.writeSync(enc.encode(`    (${pct.toFixed(2)}/100%)\r`));
  };
  show(0);
  return {
    update(done, total) {
      const pct = total ? Math.floor(10000 * done / total) / 100 : 100;
      if (pct - last >= 1 || (pct === 100 && last !== 100)) {
        last = pct;
        show(pct);
      }
    },
    end() {
      if (last !== 100) show(100);
      Deno.stderr.writeSync(enc.encode("\n"));
    },
  };
}
