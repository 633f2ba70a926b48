/**
 * The in-process queue: runs waiting to be advanced here, at most `concurrency` at a time, each
 * run queued once however often it is scheduled. A burst of kickoffs then starts as a stream and
 * leaves the process free to acknowledge the next chat request in time.
 */
export class RunQueue {
  readonly #waiting: string[] = [];
  readonly #queued = new Set<string>();
  #active = 0;
  #drained: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly work: (runId: string) => Promise<unknown>,
  ) {
    if (!(concurrency >= 1)) throw new RangeError(`run concurrency must be at least 1, got ${concurrency}`);
  }

  enqueue(runId: string): void {
    if (this.#queued.has(runId)) return;
    this.#queued.add(runId);
    this.#waiting.push(runId);
    this.#pump();
  }

  get size(): number {
    return this.#waiting.length + this.#active;
  }

  /** Resolves once nothing is waiting or being worked on. */
  drained(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  #pump(): void {
    while (this.#active < this.concurrency && this.#waiting.length > 0) {
      const runId = this.#waiting.shift()!;
      // Leaving the queued set now lets an answer arriving mid-pass queue the run once more.
      this.#queued.delete(runId);
      this.#active += 1;
      void this.work(runId)
        .catch(() => undefined)
        .finally(() => {
          this.#active -= 1;
          this.#pump();
          if (this.size === 0) for (const resolve of this.#drained.splice(0)) resolve();
        });
    }
  }
}
