// vsh's command line: virsh's options (getopt-style, stopping at the first command word) plus
// --json and --plugin.

/** What the command line asked for. */
export interface CliOptions {
  connect?: string;
  debug?: number;
  escape?: string;
  help: boolean;
  keepaliveInterval?: number;
  keepaliveCount?: number;
  log?: string;
  quiet: boolean;
  readonly: boolean;
  timing: boolean;
  version?: "short" | "long";
  json: boolean;
  plugins: string[];
  /** Words after the options: the command. */
  rest: string[];
  /** Messages for options that are reported but do not stop the program (virsh's -d range). */
  warnings: string[];
}

/** A command-line error: printed as `error: ...`, exit status 1. */
export class CliError extends Error {}

const LONG: Record<string, { short: string; arg: "none" | "required" | "optional" }> = {
  connect: { short: "c", arg: "required" },
  debug: { short: "d", arg: "required" },
  escape: { short: "e", arg: "required" },
  help: { short: "h", arg: "none" },
  "keepalive-interval": { short: "k", arg: "required" },
  "keepalive-count": { short: "K", arg: "required" },
  log: { short: "l", arg: "required" },
  quiet: { short: "q", arg: "none" },
  readonly: { short: "r", arg: "none" },
  timing: { short: "t", arg: "none" },
  version: { short: "version", arg: "optional" },
  json: { short: "json", arg: "none" },
  plugin: { short: "plugin", arg: "required" },
};
const SHORT_WITH_ARG = new Set(["c", "d", "e", "k", "K", "l"]);
const SHORT_FLAGS = new Set(["h", "q", "r", "t", "v", "V"]);

function longNameOf(short: string): string {
  return Object.entries(LONG).find(([, v]) => v.short === short)?.[0] ?? short;
}

/** Parse argv as virsh's getopt_long("+:c:d:e:hk:K:l:qrtvV") does. */
export function parseCli(argv: string[]): CliOptions {
  const o: CliOptions = {
    help: false,
    quiet: false,
    readonly: false,
    timing: false,
    json: false,
    plugins: [],
    rest: [],
    warnings: [],
  };
  const apply = (key: string, value: string | undefined, shown: string) => {
    switch (key) {
      case "c":
        o.connect = value;
        break;
      case "d": {
        const n = strtolBase0(value!, 10);
        if (n === undefined) throw new CliError(`option ${shown} takes a numeric argument`);
        if (n < 0 || n > 4) o.warnings.push(`ignoring debug level ${n} out of range [0-4]`);
        else o.debug = n;
        break;
      }
      case "e":
        o.escape = value;
        break;
      case "h":
        o.help = true;
        break;
      case "k":
      case "K": {
        const n = strtolBase0(value!);
        if (n === undefined) throw new CliError(`Invalid value for option ${shown}`);
        if (n < 0) throw new CliError(`option ${shown} requires a positive integer argument`);
        if (key === "k") o.keepaliveInterval = n;
        else o.keepaliveCount = n;
        break;
      }
      case "l":
        o.log = value;
        break;
      case "q":
        o.quiet = true;
        break;
      case "r":
        o.readonly = true;
        break;
      case "t":
        o.timing = true;
        break;
      case "v":
        o.version = "short";
        break;
      case "V":
        o.version = "long";
        break;
      case "version":
        if (value === undefined || value === "short") o.version = "short";
        else if (value === "long") o.version = "long";
        else throw new CliError(`unsupported option '--version=${value}'. See --help.`);
        break;
      case "json":
        o.json = true;
        break;
      case "plugin":
        o.plugins.push(value!);
        break;
    }
  };
  let i = 0;
  while (i < argv.length) {
    const a = argv[i];
    if (a === "--") {
      i++;
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const def = LONG[name];
      if (!def) throw new CliError(`unsupported option '${a}'. See --help.`);
      let value: string | undefined = eq >= 0 ? a.slice(eq + 1) : undefined;
      if (def.arg === "none" && value !== undefined) {
        throw new CliError(`unsupported option '${a}'. See --help.`);
      }
      if (def.arg === "required" && value === undefined) {
        if (i + 1 >= argv.length) {
          throw new CliError(
            def.short.length === 1
              ? `option '-${def.short}'/'--${name}' requires an argument`
              : `option '--${name}' requires an argument`,
          );
        }
        value = argv[++i];
      }
      apply(def.short, value, `--${name}`);
      i++;
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        if (SHORT_WITH_ARG.has(c)) {
          let value = a.slice(j + 1);
          if (value === "") {
            if (i + 1 >= argv.length) {
              throw new CliError(`option '-${c}'/'--${longNameOf(c)}' requires an argument`);
            }
            value = argv[++i];
          }
          apply(c, value, `-${c}`);
          break;
        }
        if (!SHORT_FLAGS.has(c)) throw new CliError(`unsupported option '-${c}'. See --help.`);
        apply(c, undefined, `-${c}`);
      }
      i++;
      continue;
    }
    break;
  }
  o.rest = argv.slice(i);
  return o;
}

/**
 * C's strtol over the whole string (leading blanks, a sign, and with base 0 a 0x or 0 prefix),
 * within a 32-bit int; undefined when the text is not such a number.
 */
function strtolBase0(text: string, base: 0 | 10 = 0): number | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  let digits = m[2];
  let v: number;
  if (base === 10) {
    if (!/^[0-9]+$/.test(digits)) return undefined;
    v = Number(digits);
  } else if (/^0[xX]/.test(digits)) v = parseInt(digits.slice(2), 16);
  else if (digits.length > 1 && digits[0] === "0") {
    digits = digits.slice(1);
    v = parseInt(digits, 8);
  } else v = Number(digits);
  if (m[1] === "-") v = -v;
  if (v > 2147483647 || v < -2147483648) return undefined;
  return v;
}

/** `vsh -h`. */
export function usage(commandsHelp: string): string {
  return `
vsh [options]... [<command_string>]
vsh [options]... <command> [args...]

  options:
    -c | --connect=URI      hypervisor connection URI
    -d | --debug=NUM        debug level [0-4]
    -e | --escape <char>    set escape sequence for console
    -h | --help             this help
    -k | --keepalive-interval=NUM
                            keepalive interval in seconds, 0 for disable
    -K | --keepalive-count=NUM
                            number of possible missed keepalive messages
    -l | --log=FILE         output logging to file
    -q | --quiet            quiet mode
    -r | --readonly         connect readonly
    -t | --timing           print timing information
    -v                      short version
    -V                      long version
         --version[=TYPE]   version, TYPE is short or long (default short)
         --json             print every command's result as JSON
         --plugin=PATH      load a command plugin (file or folder; repeatable)
  commands (non interactive mode):

${commandsHelp}
  (specify help <group> for details about the commands in the group)

  (specify help <command> for details about the command)

`;
}
