import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkLimit } from '../../../src/chat/slack/workLimit.ts';

/** Work that records when it started (on the faked clock) and finishes when told. */
function recorder() {
  const started: Array<{ name: string; at: number }> = [];
  const finish = new Map<string, () => void>();
  const work = (name: string) => () =>
    new Promise<void>((resolve) => {
      started.push({ name, at: performance.now() });
      finish.set(name, resolve);
    });
  return { started, finish, work };
}

describe('kickoff work after the acknowledgement', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits while a burst is still arriving, then starts in arrival order, a few at a time', async () => {
    const limit = new WorkLimit(2);
    const { started, finish, work } = recorder();
    const begun = performance.now();
    // Ten deliveries, one every 5 ms: each is acknowledged at once, its work waits.
    const done: Array<Promise<void>> = [];
    for (let i = 0; i < 10; i += 1) {
      done.push(limit.run(work(`command ${i}`), { whenQuiet: true }));
      await vi.advanceTimersByTimeAsync(5);
    }
    expect(started).toEqual([]);

    // A quiet moment after the last one: the first two start, in the order they came.
    await vi.advanceTimersByTimeAsync(60);
    expect(started.map((s) => s.name)).toEqual(['command 0', 'command 1']);
    expect(started[0]!.at - begun).toBeGreaterThanOrEqual(45 + 50);

    // A slot freed goes to the next in line.
    finish.get('command 0')!();
    await vi.advanceTimersByTimeAsync(0);
    expect(started.map((s) => s.name)).toEqual(['command 0', 'command 1', 'command 2']);
    for (let i = 1; i < 10; i += 1) {
      finish.get(`command ${i}`)?.();
      await vi.advanceTimersByTimeAsync(0);
    }
    for (let i = 3; i < 10; i += 1) finish.get(`command ${i}`)?.();
    await Promise.all(done);
    expect(started.map((s) => s.name)).toEqual(Array.from({ length: 10 }, (_, i) => `command ${i}`));
  });

  it('does not let a steady stream of deliveries starve the work: it starts within 2 seconds', async () => {
    const limit = new WorkLimit(2);
    const { started, finish, work } = recorder();
    const begun = performance.now();
    const first = limit.run(work('first'), { whenQuiet: true });
    // A delivery every 10 ms for 3 seconds: never a quiet moment.
    const others: Array<Promise<void>> = [];
    for (let i = 0; i < 300 && started.length === 0; i += 1) {
      others.push(limit.run(async () => undefined, { whenQuiet: true }));
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(started.map((s) => s.name)).toEqual(['first']);
    expect(started[0]!.at - begun).toBeGreaterThanOrEqual(2_000);
    expect(started[0]!.at - begun).toBeLessThan(2_100);
    finish.get('first')!();
    await vi.advanceTimersByTimeAsync(3_000);
    await Promise.all([first, ...others]);
  });

  it('starts a lone delivery after a short pause', async () => {
    const limit = new WorkLimit(8);
    const { started, finish, work } = recorder();
    const done = limit.run(work('alone'), { whenQuiet: true });
    await vi.advanceTimersByTimeAsync(49);
    expect(started).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(started.map((s) => s.name)).toEqual(['alone']);
    finish.get('alone')!();
    await done;
  });

  it('does not hold answers and presses for a quiet moment: they start at once, in the order they came', async () => {
    const limit = new WorkLimit(8);
    const { started, finish, work } = recorder();
    const kickoff = limit.run(work('kickoff'), { whenQuiet: true });
    const answers = [limit.run(work('answer 3k')), limit.run(work('answer 9k'))];
    await vi.advanceTimersByTimeAsync(0);
    expect(started.map((s) => s.name)).toEqual(['answer 3k', 'answer 9k']);
    await vi.advanceTimersByTimeAsync(50);
    expect(started.map((s) => s.name)).toEqual(['answer 3k', 'answer 9k', 'kickoff']);
    for (const name of ['answer 3k', 'answer 9k', 'kickoff']) finish.get(name)!();
    await Promise.all([kickoff, ...answers]);
  });
});
