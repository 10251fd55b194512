// What the pool and volume commands share: finding the pool or volume an option names (virsh's
// virshCommandOptPoolBy and virshCommandOptVolBy), size parsing and number formatting.

import { opt, VshError } from "../../shell/mod.ts";
import type { ShellContext } from "../../shell/mod.ts";
import { ErrorCode, VirtError } from "../../virt/errors.ts";
import {
  attempt,
  type LookupBy,
  lookupByUuidOrName,
  lookupFailed,
  orUndefined,
} from "../common.ts";
import {
  poolByName,
  poolByUuidString,
  poolIsActive,
  type RemoteStoragePool,
  type RemoteStorageVol,
  volByKey,
  volByName,
  volByPath,
  volPool,
} from "../../virt/storage.ts";
import { cFixed, prettyCapacity } from "../../shell/format.ts";

/** The positional pool option. */
export const poolOpt = (help = "pool name or uuid") => opt.pool(help);

/** The `--pool` option of volume commands (a named string, not positional). */
export const volPoolOpt = () => opt.string("pool name or uuid", { complete: "pool" });

/** The positional volume option. */
export const volOpt = (help = "vol name, key or path") =>
  opt.data(help, { required: true, complete: "volume" });

/** The pool `text` names: by UUID when it has a UUID's length, else by name. */
export async function lookupPool(
  ctx: ShellContext,
  text: string,
  by: LookupBy = { uuid: true, name: true },
): Promise<RemoteStoragePool> {
  return await lookupByUuidOrName(ctx, "pool", text, by, poolByUuidString, poolByName);
}

/**
 * The volume `text` names, as virshCommandOptVolBy finds it: by name in the pool option's pool
 * (which must be running), else by key, else by path; a volume found elsewhere than in the
 * given pool is refused.
 */
export async function lookupVol(
  ctx: ShellContext,
  text: string,
  poolText: string | undefined,
  poolOption: string | null = "pool",
  by: LookupBy = { uuid: true, name: true },
): Promise<RemoteStorageVol> {
  const conn = ctx.conn;
  let pool: RemoteStoragePool | undefined;
  if (poolText !== undefined) {
    pool = await lookupPool(ctx, poolText, by);
    const active = await orUndefined(poolIsActive(conn, pool));
    if (!active) throw new VshError(`pool '${poolText}' is not active`);
  }
  const errors: VirtError[] = [];
  let vol: RemoteStorageVol | undefined;
  if (pool && by.name) vol = await attempt(() => volByName(conn, pool, text), errors);
  if (!vol && by.uuid) vol = await attempt(() => volByKey(conn, text), errors);
  if (!vol && by.uuid) vol = await attempt(() => volByPath(conn, text), errors);
  if (!vol) {
    const hint = pool || poolOption === null ? "" : `, specifying --${poolOption} might help`;
    throw lookupFailed(`failed to get vol '${text}'${hint}`, errors);
  }
  if (pool) {
    const home = await attempt(() => volPool(conn, vol), []);
    if (home && home.name !== pool.name) {
      throw new VshError(`Requested volume '${text}' is not in pool '${pool.name}'`);
    }
  }
  return vol;
}

/** vshPrettyCapacity printed as virsh's "%.2lf %s". */
export function pretty(bytes: bigint): string {
  const [value, unit] = prettyCapacity(bytes);
  return `${cFixed(value, 2)} ${unit}`;
}

/** A libvirt error raised on the client side, as virsh prints it after its own line. */
function clientError(code: number, message: string): VirtError {
  return new VirtError({ code, domain: 0, message });
}

const ULLONG_MAX = 18446744073709551615n;

/**
 * virsh's virshVolSize: a non-negative integer (strtoull, whole prefix) scaled by a unit
 * suffix as virScaleInteger does; failures carry virsh's "Malformed size" line and, where
 * libvirt reports one, its error.
 */
export function parseVolSize(text: string): bigint {
  const malformed = (cause?: VirtError) =>
    new VshError(`Malformed size ${text}`, cause ? { cause } : undefined);
  const m = /^[ \t\n\v\f\r]*(\+?)(\d+)(.*)$/s.exec(text);
  if (!m) throw malformed();
  const value = BigInt(m[2]);
  if (value > ULLONG_MAX) throw malformed();
  const suffix = m[3];
  let scale = 1n;
  if (suffix !== "" && !/^(b|byte|bytes)$/i.test(suffix)) {
    let base: bigint;
    if (suffix.length === 1 || suffix.slice(1).toLowerCase() === "ib") base = 1024n;
    else if (suffix.length === 2 && suffix[1].toLowerCase() === "b") base = 1000n;
    else {throw malformed(
        clientError(ErrorCode.INVALID_ARG, `invalid argument: unknown suffix '${suffix}'`),
      );}
    const power = "kmgtpe".indexOf(suffix[0].toLowerCase());
    if (power < 0) {
      throw malformed(
        clientError(ErrorCode.INVALID_ARG, `invalid argument: unknown suffix '${suffix}'`),
      );
    }
    scale = base ** BigInt(power + 1);
  }
  if (value && value > ULLONG_MAX / scale) {
    throw malformed(
      clientError(ErrorCode.OVERFLOW, `numerical overflow: value too large: ${value}${suffix}`),
    );
  }
  return value * scale;
}

/** virsh's ways with libvirt failures, and its order of names. */
export { compareNames, orFail, orUndefined } from "../common.ts";
/** The --xpath/--wrap options and the dump of *-dumpxml commands. */
export { dumpNode, dumpXml, xpathOptions } from "../../shell/xml_output.ts";
