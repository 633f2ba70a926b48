import { FencedOutError, type Fence, type RunStore } from './runStore.ts';

export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
  constructor(
    readonly runId: string,
    readonly owner: string,
    cause?: unknown,
  ) {
    super(
      `The lease on run "${runId}" held by "${owner}" was lost (it expired or another process took the run over); ` +
        'this process stops working on the run and leaves it to the new holder.',
      { cause },
    );
  }
}

export type LeaseKeeperOptions = {
  store: Pick<RunStore, 'acquireLease' | 'renewLease' | 'releaseLease'>;
  runId: string;
  owner: string;
  ttlMs: number;
  /** Called once when the lease is lost, right after `signal` aborts. */
  onLost?: (error: LeaseLostError) => void;
};

/**
 * Holds a run's lease while the run works: renews it every ttl/3 and, if a renewal fails,
 * aborts `signal` so the work stops instead of running on under a lease someone else now holds.
 */
export class LeaseKeeper {
  readonly #opts: LeaseKeeperOptions;
  readonly #controller = new AbortController();
  readonly #intervalMs: number;
  #expiresAt: number;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> = Promise.resolve();
  #stopped = false;
  /** The grant's fencing token: every write of the run's owner carries it. */
  readonly fence: Fence;

  /** Takes the lease and starts renewing it; undefined when another owner holds it. */
  static async acquire(opts: LeaseKeeperOptions): Promise<LeaseKeeper | undefined> {
    const startedAt = Date.now();
    const fence = await opts.store.acquireLease(opts.runId, opts.owner, opts.ttlMs);
    if (!fence) return undefined;
    return new LeaseKeeper(opts, fence, startedAt + opts.ttlMs);
  }

  private constructor(opts: LeaseKeeperOptions, fence: Fence, expiresAt: number) {
    this.#opts = opts;
    this.fence = fence;
    this.#intervalMs = Math.max(1, Math.floor(opts.ttlMs / 3));
    this.#expiresAt = expiresAt;
    this.#schedule();
  }

  /** Aborts when the lease is lost; pass it to the work the lease protects. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get lost(): boolean {
    return this.#controller.signal.aborted;
  }

  /**
   * Passes a fenced write through. Refused (FencedOutError) means the lease is gone even if no
   * renewal has noticed yet: the work stops at once, as on any other loss.
   */
  async fenced<T>(write: Promise<T>): Promise<T> {
    try {
      return await write;
    } catch (error) {
      if (error instanceof FencedOutError && !this.lost) {
        clearTimeout(this.#timer);
        this.#lose(error);
      }
      throw error;
    }
  }

  /** Stops renewing and releases the lease (unless it was already lost). */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#inFlight;
    if (this.lost) return;
    const { store, runId, owner } = this.#opts;
    // A failed release is harmless: the lease runs out by itself within one TTL.
    await store.releaseLease(runId, owner).catch(() => undefined);
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      this.#inFlight = this.#renew();
    }, this.#intervalMs);
    // A lease alone must not keep the process alive.
    this.#timer.unref();
  }

  async #renew(): Promise<void> {
    const { store, runId, owner, ttlMs } = this.#opts;
    const startedAt = Date.now();
    let renewed = false;
    let failure: unknown;
    try {
      renewed = await store.renewLease(runId, owner, ttlMs);
    } catch (error) {
      failure = error;
    }
    if (this.#stopped) return;
    if (renewed) {
      this.#expiresAt = startedAt + ttlMs;
      this.#schedule();
    } else if (failure !== undefined && Date.now() + this.#intervalMs < this.#expiresAt) {
      // The store could not be reached, but the lease still has time left: try again next tick.
      this.#schedule();
    } else {
      this.#lose(failure);
    }
  }

  #lose(cause: unknown): void {
    const error = new LeaseLostError(this.#opts.runId, this.#opts.owner, cause);
    this.#controller.abort(error);
    this.#opts.onLost?.(error);
  }
}
