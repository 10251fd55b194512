// virsh's -l/--log FILE: messages appended to a file as "[YYYY.MM.DD HH:MM:SS vsh PID] LEVEL
// text", errors always, informational lines when the debug level (-d) allows them.

import type { OutputSink } from "./output.ts";

/** virsh's log levels, in its numbering (-d NUM logs NUM and above). */
export const LogLevel = { DEBUG: 0, INFO: 1, NOTICE: 2, WARNING: 3, ERROR: 4 } as const;

const NAMES = ["DEBUG", "INFO", "NOTICE", "WARNING", "ERROR"];

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}.${p(d.getMonth() + 1)}.${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Appends log lines to a file. */
export class LogFile {
  readonly #file: Deno.FsFile;
  readonly #level: number;
  readonly #encoder = new TextEncoder();

  private constructor(file: Deno.FsFile, level: number) {
    this.#file = file;
    this.#level = level;
  }

  /** Open (append, create) `path`; `level` is the -d level, errors only by default. */
  static open(path: string, level: number = LogLevel.ERROR): LogFile {
    const file = Deno.openSync(path, { append: true, create: true, write: true });
    return new LogFile(file, level);
  }

  /** Write one message at `level` if the configured level allows it. */
  write(level: number, message: string): void {
    if (level < this.#level) return;
    const line = `[${stamp(new Date())} vsh ${Deno.pid}] ${NAMES[level]} ${message}\n`;
    this.#file.writeSync(this.#encoder.encode(line));
  }

  close(): void {
    this.#file.close();
  }
}

/** An output sink that also logs every `error:` line it writes to stderr. */
export class LoggingOutput implements OutputSink {
  readonly #inner: OutputSink;
  readonly #log: LogFile;

  constructor(inner: OutputSink, log: LogFile) {
    this.#inner = inner;
    this.#log = log;
  }

  stdout(text: string): void {
    this.#inner.stdout(text);
  }

  stderr(text: string): void {
    for (const line of text.split("\n")) {
      if (line.startsWith("error: ")) this.#log.write(LogLevel.ERROR, line.slice(7));
    }
    this.#inner.stderr(text);
  }

  flush(): void {
    this.#inner.flush();
  }
}
