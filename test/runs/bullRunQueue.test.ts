import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BullRunQueue, MIN_JOB_LOCK_MS } from '../../src/runs/bullRunQueue.ts';

const REDIS = 'redis://127.0.0.1:6379';

describe('run work on BullMQ (real Redis)', () => {
  let queue: BullRunQueue;
  beforeEach(() => {
    queue = new BullRunQueue(`${REDIS}?prefix=crewbot-queue-${randomBytes(5).toString('hex')}`);
  });
  afterEach(async () => {
    await queue.obliterate();
    await queue.close();
  });

  it('puts the takeover of a run already under way ahead of new kickoffs waiting in line', async () => {
    for (const runId of ['new-1', 'new-2', 'new-3']) await queue.enqueue({ runId }, 'kickoff');
    await queue.enqueue({ runId: 'orphan' }, 'takeover-7');
    const order: string[] = [];
    const worker = queue.work(async ({ runId }) => void order.push(runId), 1);
    try {
      await vi.waitFor(() => expect(order).toHaveLength(4), { timeout: 30_000, interval: 50 });
      expect(order[0]).toBe('orphan');
      expect(order.slice(1)).toEqual(['new-1', 'new-2', 'new-3']);
    } finally {
      await worker.close();
    }
  });

  it('gives a job taken by a worker that died to another worker once its lock lapses (the run lease), not after BullMQ’s 30 s', async () => {
    const lockMs = MIN_JOB_LOCK_MS;
    // The first worker takes the job and then stops renewing its lock, as a process killed with -9 does.
    let taken!: () => void;
    const takenByFirst = new Promise<void>((resolve) => (taken = resolve));
    const first = queue.work(() => {
      taken();
      return new Promise<void>(() => undefined);
    }, 1, lockMs);
    await queue.enqueue({ runId: 'orphan' }, 'kickoff');
    await takenByFirst;
    await first.close(true);
    const diedAt = Date.now();

    const received: string[] = [];
    const second = queue.work(async ({ runId }) => void received.push(runId), 1, lockMs);
    try {
      // One lock period for the lock to lapse, one for the check that finds it: about 10 s. With
      // BullMQ's own lock and check (30 s each) the job would wait 30–60 s. The bound leaves room
      // for a loaded machine, which delays BullMQ's timers, without timing the lock itself.
      await vi.waitFor(() => expect(received).toEqual(['orphan']), { timeout: 28_000, interval: 100 });
      expect(Date.now() - diedAt).toBeLessThan(30_000);
    } finally {
      await second.close();
    }
  });
});
