/** A burst is over once no delivery has arrived for this long. */
const QUIET_MS = 50;
/** Work waits for a quiet moment no longer than this, so a steady stream of deliveries cannot starve it. */
const MAX_DEFER_MS = 2_000;

/**
 * Listener work that runs after the acknowledgement: at most `size` pieces at once, the rest in
 * arrival order, and acknowledgements first. Slack gives an app 3 seconds to acknowledge and
 * retries what it does not; a run takes minutes. So while deliveries keep arriving, a kickoff's
 * work (loading the crew, opening the thread, starting the run: the heavy part) waits until the
 * burst has been acknowledged, at most MAX_DEFER_MS. Answers, presses and replies are light and
 * go in the order they came (the first of two answers to a request is the one that counts), so
 * they do not wait for quiet.
 */
export class WorkLimit {
  #running = 0;
  readonly #waiting: Array<() => void> = [];
  #lastArrival = 0;

  constructor(private readonly size: number) {}

  async run(work: () => Promise<void>, options: { whenQuiet?: boolean } = {}): Promise<void> {
    const arrived = performance.now();
    this.#lastArrival = arrived;
    if (this.#running >= this.size) {
      // The slot of the work that finishes is handed straight to this one.
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running += 1;
      // Let the requests that arrived with this one be read (and acknowledged) first.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    try {
      if (options.whenQuiet) await this.#quietMoment(arrived);
      await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running -= 1;
    }
  }

  async #quietMoment(arrived: number): Promise<void> {
    for (;;) {
      const now = performance.now();
      const quietFor = now - this.#lastArrival;
      if (quietFor >= QUIET_MS || now - arrived >= MAX_DEFER_MS) return;
      await new Promise<void>((resolve) => setTimeout(resolve, Math.min(QUIET_MS - quietFor, MAX_DEFER_MS - (now - arrived))));
    }
  }
}
