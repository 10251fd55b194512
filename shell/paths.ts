// File-system path helpers shared by the shell.

/** A file: URL for an absolute or relative path (relative to the process's directory). */
export function toFileUrl(path: string): string {
  if (/^(file|https?|npm|jsr|data):/.test(path)) return path;
  const abs = path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
  return "file://" + abs.split("/").map(encodeURIComponent).join("/");
}
