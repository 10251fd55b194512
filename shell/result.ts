// What a command handler returns: text chunks in virsh's order (stdout, quiet-suppressible
// extras, error lines) and the data that --json prints.

/** One piece of a command's text output. */
export type Chunk =
  | { kind: "print"; text: string }
  | { kind: "extra"; text: string }
  | { kind: "error"; text: string }
  | { kind: "stderr"; text: string }
  | { kind: "table"; header: string[]; rows: string[][] };

/**
 * A command's output. Handlers build one and return it; the shell renders it as virsh's bytes,
 * or as JSON (`data`) with `--json`.
 *
 * @example
 * ```ts
 * import { Result } from "./result.ts";
 * const r = new Result();
 * r.print("running\n");
 * r.data = { state: "running" };
 * ```
 */
export class Result {
  readonly chunks: Chunk[] = [];
  /** What `--json` prints for this command. */
  data: unknown = undefined;
  /** False when the command failed after producing output (virsh's `return false`). */
  ok = true;

  /** Text printed on stdout (virsh's vshPrint). */
  print(text: string): this {
    this.chunks.push({ kind: "print", text });
    return this;
  }

  /** Text printed on stdout unless `-q` (virsh's vshPrintExtra). */
  extra(text: string): this {
    this.chunks.push({ kind: "extra", text });
    return this;
  }

  /** An `error: ...` line on stderr that does not end the command (virsh's vshError). */
  error(text: string): this {
    this.chunks.push({ kind: "error", text });
    return this;
  }

  /** Text written to stderr as it is (messages a library prints itself, such as libxml2's). */
  stderr(text: string): this {
    this.chunks.push({ kind: "stderr", text });
    return this;
  }

  /** A table in virsh's format (header and dashes hidden by `-q`). */
  table(header: string[], rows: string[][]): this {
    this.chunks.push({ kind: "table", header, rows });
    return this;
  }

  /** Mark the command failed (status 1) while keeping its output. */
  fail(): this {
    this.ok = false;
    return this;
  }
}

/**
 * virsh's table text: a leading space, cells padded to their column's width except the last,
 * three spaces between cells, and a dashed rule two wider than the header. Columns are sized
 * over the lines that are printed, so with `quiet` (no header) the header does not count.
 */
export function formatTable(header: string[], rows: string[][], quiet: boolean): string {
  if (!utf8Locale()) {
    header = header.map(escapeForC);
    rows = rows.map((r) => r.map(escapeForC));
  }
  const shown = quiet ? rows : [header, ...rows];
  const widths = header.map((_, i) =>
    shown.reduce((m, r) => Math.max(m, displayWidth(r[i] ?? "")), 0)
  );
  const line = (cells: string[]) =>
    " " + cells.map((c, i) => (i === cells.length - 1 ? c : padEnd(c, widths[i]))).join("   ") +
    "\n";
  let out = "";
  if (!quiet) {
    const total = 1 + widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1) + 2;
    out += line(header) + "-".repeat(total) + "\n";
  }
  for (const row of rows) out += line(row);
  return out;
}

let localeIsUtf8: boolean | undefined;

/** Whether the C library's locale (LC_ALL, LC_CTYPE, LANG) uses UTF-8. */
export function utf8Locale(): boolean {
  if (localeIsUtf8 === undefined) {
    const env = (n: string) => {
      try {
        return Deno.env.get(n);
      } catch {
        return undefined;
      }
    };
    const locale = env("LC_ALL") || env("LC_CTYPE") || env("LANG") || "C";
    localeIsUtf8 = /utf-?8/i.test(locale);
  }
  return localeIsUtf8;
}

/**
 * A cell as virsh shows it in the C locale: bytes it cannot print as \\xHH. virsh formats a
 * signed char there, so every byte of a multibyte character comes out as \\xff.
 */
export function escapeForC(s: string): string {
  if (/^[\x20-\x7e]*$/.test(s)) return s;
  let out = "";
  for (const b of new TextEncoder().encode(s)) {
    if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += b >= 0x80 ? "\\xff" : `\\x${b.toString(16).padStart(2, "0")}`;
  }
  return out;
}

/** Column width of a string on a terminal (wide East Asian characters count twice). */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x300) w += 1;
    else if (
      (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) ||
      (cp >= 0x20000 && cp <= 0x3fffd)
    ) w += 2;
    else if (cp >= 0x300 && cp <= 0x36f) w += 0;
    else w += 1;
  }
  return w;
}

function padEnd(s: string, width: number): string {
  return s + " ".repeat(Math.max(0, width - displayWidth(s)));
}
