// Buffered stdout/stderr that keeps the two streams in order, as virsh flushes stdout before
// each error so that `2>&1` interleaves correctly.

const encoder = new TextEncoder();

/** Where the shell writes. Tests and the scripting API capture into strings instead. */
export interface OutputSink {
  stdout(text: string): void;
  stderr(text: string): void;
  flush(): void;
}

function writeAll(fd: { writeSync(p: Uint8Array): number }, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += fd.writeSync(bytes.subarray(off));
}

/** The process's own stdout and stderr, with stdout buffered up to a flush. */
export class ProcessOutput implements OutputSink {
  #pending: string[] = [];
  #size = 0;

  stdout(text: string): void {
    this.#pending.push(text);
    this.#size += text.length;
    if (this.#size > 1 << 16) this.flush();
  }

  stderr(text: string): void {
    this.flush();
    writeAll(Deno.stderr, encoder.encode(text));
  }

  flush(): void {
    if (this.#pending.length === 0) return;
    const text = this.#pending.join("");
    this.#pending = [];
    this.#size = 0;
    try {
      writeAll(Deno.stdout, encoder.encode(text));
    } catch (e) {
      // A closed pipe (`vsh ... | head`) ends output quietly, as it does for virsh.
      if (!(e instanceof Deno.errors.BrokenPipe)) throw e;
    }
  }
}

/** Output collected in memory (for the scripting API and tests). */
export class CapturedOutput implements OutputSink {
  out = "";
  err = "";
  stdout(text: string): void {
    this.out += text;
  }
  stderr(text: string): void {
    this.err += text;
  }
  flush(): void {}
}
