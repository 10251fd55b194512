// What plugins import to declare commands: the declaration API, results, errors and helpers.

export { defineCommand, definePlugin, opt } from "./command.ts";
export type {
  CommandDef,
  CompleterKind,
  OptionDef,
  OptionDefs,
  OptionFlags,
  OptionValues,
  Plugin,
} from "./command.ts";
export type { ShellContext } from "./context.ts";
export { VshError } from "./errors.ts";
export { formatTable, Result } from "./result.ts";
export {
  parseIntOpt,
  parseLLOpt,
  parseScaledOpt,
  parseUIntOpt,
  parseULLOpt,
  scaleInteger,
} from "./numbers.ts";
export { exclusive, requires, splitCommaList } from "./option_checks.ts";
export { cFixed, prettyCapacity } from "./format.ts";
