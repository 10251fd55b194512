// The embedded test hypervisor: `test:///default` and `test:///PATH.xml` without libvirt.

import { TestDriver } from "./driver.ts";
import { TestState } from "./state.ts";
import { invalidArg } from "./errors.ts";

export { apiName, TestDriver } from "./driver.ts";
export { TestState } from "./state.ts";

/** The shared state of test:///default while any connection to it is open. */
let defaultState: TestState | undefined;

/** Options for opening a test connection. */
export interface OpenTestOptions {
  /** Refuse state-changing procedures, as a read-only libvirt connection does. */
  readonly: boolean;
}

/** The path part of a test:/// URI ("/default", "/tmp/node.xml"). */
function uriPath(uri: string): string {
  const m = /^test(?:\+[a-z]+)?:\/\/[^/]*(\/[^?#]*)?/.exec(uri);
  return m?.[1] ?? "";
}

/**
 * Open an embedded test:/// connection. test:///default connections share one state while any
 * of them is open, as in libvirt; each test:///PATH.xml connection loads its own.
 *
 * @example
 * ```ts
 * import { openTestDriver } from "./mod.ts";
 * const drv = await openTestDriver("test:///default", { readonly: false });
 * const { dom } = await drv.call("domainLookupByName", { name: "test" });
 * const info = await drv.call("domainGetInfo", { dom });
 * console.assert(info.nrVirtCpu === 2);
 * await drv.close();
 * ```
 */
export async function openTestDriver(uri: string, opts: OpenTestOptions): Promise<TestDriver> {
  const path = decodeURIComponent(uriPath(uri));
  if (path === "" || path === "/") {
    throw invalidArg("testOpen: supply a path or use test:///default");
  }
  if (path === "/default") {
    const state = defaultState ??= TestState.createDefault();
    state.refs++;
    return new TestDriver(state, uri, opts.readonly, () => {
      if (--state.refs === 0 && defaultState === state) defaultState = undefined;
    });
  }
  const state = await TestState.fromFile(path);
  return new TestDriver(state, uri, opts.readonly, () => {});
}
