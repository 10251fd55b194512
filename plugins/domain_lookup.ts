// The domain a --domain option names, for every plugin whose commands take one (domains,
// snapshots), failing as virsh's virshCommandOptDomainBy does.

import { VshError } from "../shell/mod.ts";
import type { ShellContext } from "../shell/mod.ts";
import { type Domain, type LookupBy, lookupDomain } from "../virt/domain.ts";

/** Look up the domain named by a `--domain` value, failing as virsh does. */
export async function commandDomain(
  ctx: ShellContext,
  text: string | undefined,
  by: LookupBy = { id: true, uuid: true, name: true },
): Promise<Domain> {
  const name = text ?? "";
  const dom = await lookupDomain(ctx.conn, name, by);
  if (!dom) throw new VshError(`failed to get domain '${name}'`);
  return dom;
}
