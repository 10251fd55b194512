// Editing text in the user's editor, as virsh's `edit` commands do: a temporary file, the
// editor from $VISUAL, $EDITOR or vi run on it, then the file read back; errors in virsh's words.

import { VshError } from "./errors.ts";

const NAME_CHARS = /^[A-Za-z0-9_./-]+$/;
const RANDOM_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function findInPath(name: string): string | undefined {
  if (name.includes("/")) return name;
  for (const dir of (Deno.env.get("PATH") ?? "/usr/bin:/bin").split(":")) {
    if (!dir || !name) continue;
    try {
      const info = Deno.statSync(`${dir}/${name}`);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return `${dir}/${name}`;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

async function tempFile(suffix: string): Promise<string> {
  const dir = Deno.env.get("TMPDIR") || "/tmp";
  for (let attempt = 0; attempt < 100; attempt++) {
    const bytes = crypto.getRandomValues(new Uint8Array(6));
    const tag = [...bytes].map((b) => RANDOM_CHARS[b % RANDOM_CHARS.length]).join("");
    const path = `${dir}/vsh${tag}${suffix}`;
    try {
      (await Deno.open(path, { write: true, createNew: true, mode: 0o600 })).close();
      return path;
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    }
  }
  throw new VshError(`cannot create temporary file in ${dir}`);
}

/** Let the user edit `text`; returns the edited text. The temporary file is always removed. */
export async function editText(text: string, suffix = ".xml"): Promise<string> {
  // An empty $VISUAL counts as set, as getenv() sees it in virsh.
  const editor = Deno.env.get("VISUAL") ?? Deno.env.get("EDITOR") ?? "vi";
  const path = await tempFile(suffix);
  try {
    await Deno.writeTextFile(path, text);
    let argv: string[];
    let shown: string;
    if (NAME_CHARS.test(editor)) {
      const found = findInPath(editor);
      if (!found) throw new VshError(`Cannot find '${editor}' in path: No such file or directory`);
      argv = [found, path];
      shown = `${editor} ${path}`;
    } else if (editor === "") {
      throw new VshError(`Cannot find '' in path: No such file or directory`);
    } else {
      // An editor setting with arguments or shell syntax runs through sh, as in virsh.
      argv = ["sh", "-c", `${editor} ${path}`];
      shown = `sh -c '${editor} ${path}'`;
    }
    const status = await new Deno.Command(argv[0], {
      args: argv.slice(1),
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn().status;
    if (!status.success) {
      throw new VshError(
        `internal error: Child process (${shown}) unexpected exit status ${status.code}`,
      );
    }
    return await Deno.readTextFile(path);
  } finally {
    await Deno.remove(path).catch(() => {});
  }
}
