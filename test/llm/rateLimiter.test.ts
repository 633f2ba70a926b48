import { describe, expect, it } from 'vitest';
import { LlmAbortedError } from '../../src/llm/errors.ts';
import { RpmLimiter, Semaphore } from '../../src/llm/rateLimiter.ts';

/** A clock that only moves when the limiter sleeps, so waits are exact and instant. */
function fakeClock(start = 1_000_000) {
  const clock = {
    time: start,
    sleeps: [] as number[],
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.time += ms;
    },
  };
  return clock;
}

describe('RpmLimiter', () => {
  it('lets max_rpm calls through at once, then waits for the oldest to leave the 60 s window', async () => {
    const clock = fakeClock();
    const limiter = new RpmLimiter(2, clock);

    await limiter.acquire();
    clock.time += 10_000;
    await limiter.acquire();
    expect(clock.sleeps).toEqual([]);

    await limiter.acquire();
    expect(clock.sleeps).toEqual([50_000]);
    expect(clock.time).toBe(1_060_000);

    await limiter.acquire();
    expect(clock.sleeps).toEqual([50_000, 10_000]);
  });

  it('serves concurrent callers in order and never grants more than max_rpm in a window', async () => {
    const clock = fakeClock(0);
    const limiter = new RpmLimiter(3, clock);
    const grantedAt: number[] = [];

    await Promise.all(
      Array.from({ length: 7 }, () => limiter.acquire().then(() => grantedAt.push(clock.time))),
    );

    expect(grantedAt).toEqual([0, 0, 0, 60_000, 60_000, 60_000, 120_000]);
  });

  it('frees slots once a minute has passed without any wait', async () => {
    const clock = fakeClock();
    const limiter = new RpmLimiter(1, clock);

    await limiter.acquire();
    clock.time += 60_000;
    await limiter.acquire();

    expect(clock.sleeps).toEqual([]);
  });

  it('rejects a waiter whose signal aborts, without spending a slot', async () => {
    let time = 0;
    const sleeps: number[] = [];
    let wake: () => void = () => undefined;
    // The first wait is held open until the test wakes it; later waits pass at once.
    const limiter = new RpmLimiter(1, {
      now: () => time,
      sleep: (ms) => {
        sleeps.push(ms);
        if (sleeps.length > 1) {
          time += ms;
          return Promise.resolve();
        }
        return new Promise<void>((resolve) => {
          wake = () => {
            time += ms;
            resolve();
          };
        });
      },
    });
    await limiter.acquire();
    const controller = new AbortController();

    const waiting = limiter.acquire(controller.signal).catch((e: unknown) => e);
    const next = limiter.acquire();
    await expect.poll(() => sleeps.length).toBe(1);
    controller.abort();

    expect(await waiting).toBeInstanceOf(LlmAbortedError);
    wake();
    await next;
    expect(time).toBe(60_000);
    expect(sleeps).toEqual([60_000]);
  });

  it('refuses a limit that is not positive', () => {
    expect(() => new RpmLimiter(0)).toThrow(RangeError);
  });
});

describe('Semaphore', () => {
  it('bounds how many jobs run at once and runs the rest in order', async () => {
    const semaphore = new Semaphore(2);
    let running = 0;
    let mostRunning = 0;
    const started: number[] = [];
    const releases: Array<() => void> = [];

    const jobs = [0, 1, 2, 3, 4].map((n) =>
      semaphore.run(async () => {
        started.push(n);
        running += 1;
        mostRunning = Math.max(mostRunning, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
        return n * 10;
      }),
    );
    await Promise.resolve();

    expect(semaphore.active).toBe(2);
    expect(semaphore.waiting).toBe(3);
    expect(started).toEqual([0, 1]);

    while (releases.length > 0 || semaphore.active > 0) {
      releases.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }

    expect(await Promise.all(jobs)).toEqual([0, 10, 20, 30, 40]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(mostRunning).toBe(2);
    expect(semaphore.active).toBe(0);
    expect(semaphore.waiting).toBe(0);
  });

  it('releases the slot when a job fails', async () => {
    const semaphore = new Semaphore(1);

    await expect(semaphore.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await semaphore.run(async () => 'next')).toBe('next');
    expect(semaphore.active).toBe(0);
  });

  it('allows Infinity', async () => {
    const semaphore = new Semaphore(Infinity);
    const releases: Array<() => void> = [];
    const jobs = Array.from({ length: 50 }, () =>
      semaphore.run(() => new Promise<void>((resolve) => releases.push(resolve))),
    );
    await Promise.resolve();

    expect(semaphore.active).toBe(50);
    expect(semaphore.waiting).toBe(0);
    releases.forEach((release) => release());
    await Promise.all(jobs);
  });
});
