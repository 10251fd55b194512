// Differential scenarios: the same script through virsh and vsh must give the same stdout,
// stderr and exit status. Scenario files are plain virsh scripts with `#@` directives.

/** A parsed scenario file. */
export interface Scenario {
  path: string;
  name: string;
  script: string;
  uri: string;
  /** Global options given to both programs (default `-q`). */
  args: string[];
  /** When set, the command is given on the command line instead of standard input. */
  argv?: string[];
  masks: RegExp[];
  files: string[];
  /** Environment variables for both programs. */
  env: Record<string, string>;
  /** Needs a private libvirtd (`#@ daemon`): the URI's `{socket}` is filled in. */
  daemon: boolean;
}

/** Split a `#@ argv` / `#@ args` value into words (single and double quotes group). */
export function splitWords(s: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  for (const m of s.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** Read a scenario's directives. */
export function parseScenario(path: string, name: string, text: string): Scenario {
  const s: Scenario = {
    path,
    name,
    script: text,
    uri: "test:///default",
    args: ["-q"],
    masks: [],
    files: [],
    env: {},
    daemon: false,
  };
  for (const line of text.split("\n")) {
    const m = /^#@ (\w+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, key, value] = m;
    switch (key) {
      case "uri":
        s.uri = value.trim();
        break;
      case "args":
        s.args = splitWords(value);
        break;
      case "argv":
        s.argv = splitWords(value);
        break;
      case "mask":
        s.masks.push(new RegExp(value.trim(), "g"));
        break;
      case "files":
        s.files.push(...splitWords(value));
        break;
      case "env": {
        const eq = value.indexOf("=");
        s.env[value.slice(0, eq).trim()] = value.slice(eq + 1).trim();
        break;
      }
      case "daemon":
        s.daemon = true;
        break;
      default:
        throw new Error(`${path}: unknown directive #@ ${key}`);
    }
  }
  return s;
}

/** All scenario files under `dir`, sorted. */
export function findScenarios(dir: string): Scenario[] {
  const out: Scenario[] = [];
  const walk = (d: string, prefix: string) => {
    const entries = [...Deno.readDirSync(d)].sort((a, b) => a.name < b.name ? -1 : 1);
    for (const e of entries) {
      if (e.isDirectory && e.name !== "files") walk(`${d}/${e.name}`, `${prefix}${e.name}/`);
      else if (e.isFile && e.name.endsWith(".vsh")) {
        const path = `${d}/${e.name}`;
        out.push(parseScenario(path, prefix + e.name.slice(0, -4), Deno.readTextFileSync(path)));
      }
    }
  };
  walk(dir, "");
  return out;
}

/** What one program did. */
export interface RunOutput {
  stdout: string;
  stderr: string;
  code: number;
}

/** Run `cmd` with the scenario's stdin, args and environment in `cwd`. */
export async function runProgram(
  cmd: string[],
  scenario: Scenario,
  uri: string,
  cwd: string,
  timeoutMs = 60_000,
): Promise<RunOutput> {
  const args = [...cmd.slice(1), ...scenario.args, "-c", uri, ...(scenario.argv ?? [])];
  const child = new Deno.Command(cmd[0], {
    args,
    cwd,
    stdin: scenario.argv ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    env: {
      HOME: cwd,
      LC_ALL: "C",
      LANG: "C",
      VISUAL: "",
      EDITOR: "",
      VSH_PLUGIN_PATH: "",
      XDG_CONFIG_HOME: `${cwd}/.config`,
      XDG_CACHE_HOME: `${cwd}/.cache`,
      ...scenario.env,
    },
    clearEnv: false,
  }).spawn();
  if (!scenario.argv) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(scenario.script));
    await w.close();
  }
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const out = await child.output();
  clearTimeout(timer);
  const dec = new TextDecoder();
  return { stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr), code: out.code };
}

/** Make the two outputs comparable: the program's name in prompts, and masked values. */
export function normalize(o: RunOutput, masks: RegExp[], program: "virsh" | "vsh"): RunOutput {
  let stdout = o.stdout;
  let stderr = o.stderr;
  if (program === "virsh") {
    stdout = stdout.replaceAll("virsh # ", "vsh # ").replaceAll("virsh > ", "vsh > ")
      .replace(
        "Welcome to virsh, the virtualization interactive terminal.",
        "Welcome to vsh, the virtualization interactive terminal.",
      );
  }
  for (const re of masks) {
    stdout = stdout.replace(re, "<masked>");
    stderr = stderr.replace(re, "<masked>");
  }
  return { stdout, stderr, code: o.code };
}
