// Editing text in the user's editor, as virsh's `edit` commands do: a temporary file, then
// $VISUAL, $EDITOR or vi run on it through the shell, then the file read back.

import { VshError } from "./errors.ts";

/** Let the user edit `text`; returns the edited text. The temporary file is always removed. */
export async function editText(text: string, suffix = ".xml"): Promise<string> {
  const editor = Deno.env.get("VISUAL") || Deno.env.get("EDITOR") || "vi";
  const tmpdir = Deno.env.get("TMPDIR") || "/tmp";
  const path = await Deno.makeTempFile({ dir: tmpdir, prefix: "vsh", suffix });
  try {
    await Deno.writeTextFile(path, text);
    // Through sh so that an editor setting with arguments ("emacs -nw") works as in virsh.
    const status = await new Deno.Command("/bin/sh", {
      args: ["-c", `${editor} "$1"`, "sh", path],
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn().status;
    if (!status.success) {
      throw new VshError(`${editor} ${path}: command failed with status ${status.code}`);
    }
    return await Deno.readTextFile(path);
  } finally {
    await Deno.remove(path).catch(() => {});
  }
}
