// Differential scenarios: the same script through virsh and vsh must give the same stdout,
// stderr and exit status. Scenario files are plain virsh scripts with `#@` directives:
//   #@ uri URI | #@ args OPTIONS | #@ argv CMD ARGS | #@ mask REGEX | #@ files NAME... | #@ env K=V
//   #@ daemon            a private libvirtd per side; `{socket}`, `{dir}` in the URI, script, files
//   #@ tcp               the same, also listening on 127.0.0.1:`{tcpport}`
//   #@ tls               the same, with TLS on 127.0.0.1:`{tlsport}`, certificates in `{pki}`
//   #@ image FMT NAME SZ `qemu-img create -f FMT {dir}/NAME SZ` before the run
// and, between commands, `#@@ ACTION` lines done to the daemon once the commands before them
// have run: kill, restart, sigstop, sigcont, sleep MS, later MS ACTION (during the next part).

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
  /**
   * Needs a private libvirtd (`#@ daemon`, or `#@ tcp` for one also listening on TCP): `{socket}`,
   * `{tcpport}` and `{dir}` in the URI, the arguments and the script are filled in.
   */
  daemon: boolean;
  /** The daemon also listens on TCP 127.0.0.1 (`#@ tcp`). */
  tcp: boolean;
  /** The daemon also listens with TLS on 127.0.0.1 (`#@ tls`): `{tlsport}`, `{pki}`. */
  tls: boolean;
  /** Disk images made in the daemon's directory first (`#@ image FORMAT NAME SIZE`). */
  images: { format: string; name: string; size: string }[];
  /**
   * The script cut at `#@@ ACTION` lines: each part is fed to the program, and once the program
   * has run it, the runner does the action to the daemon before feeding the next part.
   */
  steps: ScriptStep[];
}

/** Something the runner does to the daemon between two parts of a script. */
export type DaemonAction =
  | { kind: "kill" }
  | { kind: "restart" }
  | { kind: "sigstop" }
  | { kind: "sigcont" }
  | { kind: "sleep"; ms: number }
  | { kind: "later"; ms: number; action: DaemonAction };

/** One part of a script, and the action that follows it (none after the last). */
export interface ScriptStep {
  text: string;
  action?: DaemonAction;
}

function parseAction(path: string, text: string): DaemonAction {
  const [kind, arg] = text.trim().split(/\s+/);
  switch (kind) {
    case "kill":
    case "restart":
    case "sigstop":
    case "sigcont":
      return { kind };
    case "sleep":
    case "later": {
      const ms = Number(arg);
      if (!Number.isInteger(ms) || ms < 0) throw new Error(`${path}: bad #@@ ${kind} ${arg}`);
      if (kind === "sleep") return { kind, ms };
      // `later MS ACTION`: the action happens MS ms on, while the next part runs.
      const rest = text.trim().split(/\s+/).slice(2).join(" ");
      return { kind, ms, action: parseAction(path, rest) };
    }
    default:
      throw new Error(`${path}: unknown action #@@ ${text.trim()}`);
  }
}

/** Cut a script at its `#@@ ACTION` lines. */
export function splitSteps(path: string, text: string): ScriptStep[] {
  const steps: ScriptStep[] = [];
  let part: string[] = [];
  const lines = text.split("\n");
  for (const line of lines) {
    const m = /^#@@ (.*)$/.exec(line);
    if (m) {
      steps.push({ text: part.join("\n") + "\n", action: parseAction(path, m[1]) });
      part = [];
    } else {
      part.push(line);
    }
  }
  steps.push({ text: part.join("\n") });
  return steps;
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
    tcp: false,
    tls: false,
    images: [],
    steps: splitSteps(path, text),
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
      case "tcp":
        s.daemon = true;
        s.tcp = true;
        break;
      case "tls":
        s.daemon = true;
        s.tls = true;
        break;
      case "image": {
        const [format, name, size] = splitWords(value);
        if (!size || name.includes("/")) throw new Error(`${path}: bad #@ image ${value}`);
        s.images.push({ format, name, size });
        break;
      }
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
  /** The program was killed for running past its time. */
  timedOut?: boolean;
}

/**
 * Replace `{name}` placeholders by their values, except in comment lines: the directives are the
 * runner's, and virsh echoes comments too (wrapping long ones in the C locale).
 */
export function fillPlaceholders(text: string, values: Record<string, string>): string {
  return text.split("\n").map((line) =>
    line.trimStart().startsWith("#")
      ? line
      : line.replace(/\{(\w+)\}/g, (all, name) => values[name] ?? all)
  ).join("\n");
}

/** How a run reaches its daemon: placeholder values and the actions between script parts. */
export interface DaemonHooks {
  values: Record<string, string>;
  act(action: DaemonAction): Promise<void>;
}

// Marks the end of a script part: the program has run everything before it once this is printed.
const SYNC = "@@vsh-sync-";

/**
 * Run `cmd` with the scenario's stdin, args and environment in `cwd`. With `hooks`, the script
 * is fed part by part, and each action runs once the program has finished the part before it.
 */
export async function runProgram(
  cmd: string[],
  scenario: Scenario,
  uri: string,
  cwd: string,
  timeoutMs = 60_000,
  hooks?: DaemonHooks,
): Promise<RunOutput> {
  const fill = (t: string) => hooks ? fillPlaceholders(t, hooks.values) : t;
  const args = [
    ...cmd.slice(1),
    ...scenario.args.map(fill),
    "-c",
    fill(uri),
    ...(scenario.argv ?? []).map(fill),
  ];
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
      // virsh's readline echoes each script line after the prompt and, in the C locale, breaks
      // one that reaches the terminal's width with a carriage return; a wide terminal keeps
      // lines whole whatever paths the placeholders expand to.
      COLUMNS: "1000",
      VISUAL: "",
      EDITOR: "",
      VSH_PLUGIN_PATH: "",
      XDG_CONFIG_HOME: `${cwd}/.config`,
      XDG_CACHE_HOME: `${cwd}/.cache`,
      ...scenario.env,
    },
    clearEnv: false,
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  const dec = new TextDecoder();
  let stdout = "";
  let stderr = "";
  let waiter = null as (() => void) | null;
  const readOut = (async () => {
    for await (const chunk of child.stdout) {
      stdout += dec.decode(chunk, { stream: true });
      waiter?.();
    }
    stdout += dec.decode();
    waiter?.();
  })();
  const readErr = (async () => {
    const d = new TextDecoder();
    for await (const chunk of child.stderr) stderr += d.decode(chunk, { stream: true });
    stderr += d.decode();
  })();
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    waiter?.();
    return s;
  });
  if (!scenario.argv) {
    const w = child.stdin.getWriter();
    const enc = new TextEncoder();
    try {
      for (const [i, step] of scenario.steps.entries()) {
        if (!step.action) {
          await w.write(enc.encode(fill(step.text)));
          continue;
        }
        const mark = `${SYNC}${i}@@`;
        await w.write(enc.encode(`${fill(step.text)}echo ${mark}\n`));
        // virsh's interactive `echo` ends without a newline; the echoed command line has "echo ".
        const printed = new RegExp(`(?:^|\n)${mark}`);
        while (!printed.test(stdout) && !exited) {
          await new Promise<void>((resolve) => waiter = resolve);
        }
        waiter = null;
        if (exited) break;
        await hooks!.act(step.action);
      }
      await w.close();
    } catch {
      // the program exited before reading all of its input, as virsh may after `quit`
    }
  }
  const code = (await status).code;
  await readOut;
  await readErr;
  clearTimeout(timer);
  // The sync commands and their output are the runner's, not the scenario's.
  const syncCommand = new RegExp(`^(?:(?:virsh|vsh) [#>] )?echo ${SYNC}\\d+@@\n`, "gm");
  const syncOutput = new RegExp(`^${SYNC}\\d+@@\n?`, "gm");
  return {
    stdout: stdout.replace(syncCommand, "").replace(syncOutput, ""),
    stderr,
    code,
    timedOut,
  };
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
  return { stdout, stderr, code: o.code, timedOut: o.timedOut };
}
