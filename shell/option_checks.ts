// Checks and splits that many commands apply to their options, with virsh's messages.

import { VshError } from "./errors.ts";

/** virsh's VSH_EXCLUSIVE_OPTIONS: fail when both options were given. */
export function exclusive(a: string, hasA: unknown, b: string, hasB: unknown): void {
  if (hasA && hasB) throw new VshError(`Options --${a} and --${b} are mutually exclusive`);
}

/** virsh's VSH_REQUIRE_OPTION: fail when `a` was given without `b`. */
export function requires(a: string, hasA: unknown, b: string, hasB: unknown): void {
  if (hasA && !hasB) throw new VshError(`Option --${b} is required by option --${a}`);
}

/** Split on ',' with ',,' standing for a literal comma (virsh's vshStringToArray). */
export function splitCommaList(s: string): string[] {
  const parts: string[] = [];
  let cur = "";
  for (let i = 0; i < s.length; i++) {
    if (s[i] === ",") {
      if (s[i + 1] === ",") {
        cur += ",";
        i++;
      } else {
        parts.push(cur);
        cur = "";
      }
    } else {
      cur += s[i];
    }
  }
  parts.push(cur);
  return parts;
}
