import { LlmAbortedError } from './errors.ts';
import { abortableSleep } from './retry.ts';

const WINDOW_MS = 60_000;

export interface RpmLimiterClock {
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** At most `maxPerMinute` calls in any rolling 60 s window (CrewAI's max_rpm). Callers are served in order. */
export class RpmLimiter {
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #granted: number[] = [];
  #queue: Promise<void> = Promise.resolve();

  constructor(
    readonly maxPerMinute: number,
    clock: RpmLimiterClock = {},
  ) {
    if (!(maxPerMinute > 0)) throw new RangeError(`max_rpm must be a positive number, got ${maxPerMinute}`);
    this.#now = clock.now ?? Date.now;
    this.#sleep = clock.sleep ?? abortableSleep;
  }

  /** Resolves when a call may start, and counts it; rejects with LlmAbortedError if the signal fires first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new LlmAbortedError());
    const turn = this.#queue.then(() => this.#take(signal));
    this.#queue = turn.catch(() => undefined);
    if (!signal) return turn;
    // A waiter behind others leaves as soon as it is aborted; its turn then passes without taking a slot.
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(new LlmAbortedError());
      signal.addEventListener('abort', onAbort, { once: true });
      turn.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  async #take(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw new LlmAbortedError();
      const now = this.#now();
      while (this.#granted.length > 0 && (this.#granted[0] ?? 0) <= now - WINDOW_MS) this.#granted.shift();
      if (this.#granted.length < this.maxPerMinute) {
        this.#granted.push(now);
        return;
      }
      const oldest = this.#granted[0] ?? now;
      await this.#sleep(Math.max(1, oldest + WINDOW_MS - now), signal);
    }
  }
}

/** Bounds how many async jobs run at once; the rest wait in order. `max` may be Infinity. */
export class Semaphore {
  #active = 0;
  readonly #waiters: Array<() => void> = [];

  constructor(readonly max: number) {
    if (!(max >= 1)) throw new RangeError(`Semaphore needs max >= 1, got ${max}`);
  }

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#active >= this.max) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    } else {
      this.#active += 1;
    }
    try {
      return await fn();
    } finally {
      this.#release();
    }
  }

  #release(): void {
    const next = this.#waiters.shift();
    // The slot passes straight to the next waiter, so `active` never dips and lets a newcomer jump the queue.
    if (next) next();
    else this.#active -= 1;
  }
}
