// Reading standard input a line at a time without loading it whole.

/**
 * Lines of a byte stream (without their newline; a last line without one counts) that can also
 * tell whether the next line has already arrived, so that a script reader can batch its output.
 */
export class LineQueue implements AsyncIterator<string> {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #decoder = new TextDecoder();
  #queue: string[] = [];
  #head = 0;
  #pending = "";
  #ended = false;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  /** True when the next line can be had without waiting for input. */
  get ready(): boolean {
    return this.#head < this.#queue.length;
  }

  async next(): Promise<IteratorResult<string>> {
    while (this.#head >= this.#queue.length) {
      if (this.#ended) return { done: true, value: undefined };
      const { done, value } = await this.#reader.read();
      if (done) {
        this.#ended = true;
        this.#pending += this.#decoder.decode();
        this.#queue = this.#pending === "" ? [] : [this.#pending];
      } else {
        this.#pending += this.#decoder.decode(value, { stream: true });
        this.#queue = this.#pending.split("\n");
        this.#pending = this.#queue.pop()!;
      }
      this.#head = 0;
    }
    return { done: false, value: this.#queue[this.#head++] };
  }
}
