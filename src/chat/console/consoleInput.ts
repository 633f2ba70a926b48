import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/** Why the session stops reading: the input ended (Ctrl-D, a closed pipe) or Ctrl-C. */
export class ConsoleClosed extends Error {
  override name = 'ConsoleClosed';
  constructor(readonly reason: 'end' | 'interrupt') {
    super(reason === 'end' ? 'The input ended.' : 'Interrupted.');
  }
}

/**
 * Lines typed at the terminal, read one prompt at a time. Lines typed ahead (or piped in) wait
 * in order for the next prompt, so a script of answers works the same as a person typing them.
 */
export class ConsoleInput {
  readonly #rl: readline.Interface;
  readonly #output: Writable;
  readonly #echo: boolean;
  readonly #lines: string[] = [];
  readonly #interrupt = new AbortController();
  readonly #tty: boolean;
  /** Enter pressed with no prompt open: each moved the cursor a line down under the live progress. */
  #linesMoved = 0;
  #ended = false;
  #waiter: { resolve: (line: string) => void; reject: (error: ConsoleClosed) => void } | undefined;

  constructor(options: { input: Readable; output: Writable; isTTY: boolean; interrupt?: AbortSignal | undefined }) {
    this.#output = options.output;
    this.#tty = options.isTTY;
    // A piped input is not echoed by any terminal; echoing it keeps the transcript readable.
    this.#echo = !options.isTTY;
    // From a pipe readline only splits lines; prompts and echoes are written here, even after the pipe closed.
    this.#rl = options.isTTY
      ? readline.createInterface({ input: options.input, output: options.output, terminal: true })
      : readline.createInterface({ input: options.input, terminal: false });
    this.#rl.on('line', (line) => {
      if (this.#waiter) {
        // Between prompts readline redraws what is typed on its own line, with no prompt before it.
        if (this.#tty) this.#rl.setPrompt('');
        this.#settle().resolve(this.#echoed(line));
      } else {
        this.#lines.push(line);
        if (this.#tty) this.#linesMoved += 1;
      }
    });
    this.#rl.on('close', () => {
      this.#ended = true;
      if (this.#waiter) this.#settle().reject(new ConsoleClosed('end'));
    });
    // In a terminal readline reads Ctrl-C as a key; from a pipe it reaches the process as SIGINT.
    this.#rl.on('SIGINT', () => this.#interrupt.abort());
    options.interrupt?.addEventListener('abort', () => this.#interrupt.abort(), { once: true });
    if (options.interrupt?.aborted) this.#interrupt.abort();
    this.#interrupt.signal.addEventListener(
      'abort',
      () => {
        if (this.#waiter) this.#settle().reject(new ConsoleClosed('interrupt'));
      },
      { once: true },
    );
  }

  /** Aborted on Ctrl-C; long work races it. */
  get interrupted(): AbortSignal {
    return this.#interrupt.signal;
  }

  /** Shows the prompt and resolves with the next line; rejects with ConsoleClosed on Ctrl-D or Ctrl-C. */
  ask(prompt: string): Promise<string> {
    if (this.#interrupt.signal.aborted) return Promise.reject(new ConsoleClosed('interrupt'));
    if (this.#waiter) return Promise.reject(new Error('ConsoleInput.ask called while another prompt is open'));
    const queued = this.#lines.shift();
    if (queued === undefined && this.#ended) return Promise.reject(new ConsoleClosed('end'));
    if (this.#echo || this.#ended) {
      this.#output.write(prompt);
    } else if (queued !== undefined) {
      // Typed ahead while a run was drawing: shown with its prompt, as if typed there.
      this.#output.write(`${prompt}${queued}\n`);
    } else {
      this.#rl.setPrompt(prompt);
      this.#rl.prompt();
    }
    if (queued !== undefined) return Promise.resolve(this.#echoed(queued));
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  /** Resolves with the work's result, or rejects with ConsoleClosed('interrupt') as soon as Ctrl-C comes. */
  async whileWorking<T>(work: Promise<T>): Promise<T> {
    const signal = this.#interrupt.signal;
    // Work left behind by Ctrl-C may still fail (the runner is shutting down); that is not news.
    work.catch(() => undefined);
    if (signal.aborted) throw new ConsoleClosed('interrupt');
    let stop: (() => void) | undefined;
    const interrupted = new Promise<never>((_resolve, reject) => {
      stop = () => reject(new ConsoleClosed('interrupt'));
      signal.addEventListener('abort', stop, { once: true });
    });
    try {
      return await Promise.race([work, interrupted]);
    } finally {
      if (stop) signal.removeEventListener('abort', stop);
    }
  }

  /**
   * In a terminal, what was typed while no prompt was open: lines entered (waiting for the next
   * prompt) and the line being typed. The live progress draws them under itself, so a redraw
   * does not wipe them.
   */
  typedAhead(): { entered: readonly string[]; typing: string } {
    if (!this.#tty || this.#waiter || this.#ended) return { entered: [], typing: '' };
    return { entered: this.#lines, typing: this.#rl.line };
  }

  /** How many lines Enter moved the cursor down since the last call (the live progress backs up that much more). */
  takeLinesMoved(): number {
    const moved = this.#linesMoved;
    this.#linesMoved = 0;
    return moved;
  }

  close(): void {
    this.#rl.close();
  }

  #echoed(line: string): string {
    if (this.#echo) this.#output.write(`${line}\n`);
    return line;
  }

  #settle() {
    const waiter = this.#waiter!;
    this.#waiter = undefined;
    return waiter;
  }
}
