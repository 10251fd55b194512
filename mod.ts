// vsh's public API for scripts and plugin authors (re-exports only).

export {
  defineCommand,
  definePlugin,
  exclusive,
  formatTable,
  opt,
  parseIntOpt,
  parseLLOpt,
  parseScaledOpt,
  parseUIntOpt,
  parseULLOpt,
  Result,
  VshError,
} from "./shell/mod.ts";
export type {
  CommandDef,
  CompleterKind,
  OptionDef,
  OptionDefs,
  OptionFlags,
  OptionValues,
  Plugin,
  ShellContext,
} from "./shell/mod.ts";
export { openShell, quoteWord } from "./shell/script_api.ts";
export type { CommandOutcome, ScriptShell } from "./shell/script_api.ts";
export { Connection } from "./virt/connection.ts";
export type { OpenOptions } from "./virt/connection.ts";
export { ErrorCode, VirtError } from "./virt/errors.ts";
export { parseUri } from "./virt/uri.ts";
export type { VirtUri } from "./virt/uri.ts";
export type { Driver } from "./virt/driver.ts";
