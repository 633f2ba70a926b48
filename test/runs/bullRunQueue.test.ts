import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BullRunQueue } from '../../src/runs/bullRunQueue.ts';

const REDIS = 'redis://127.0.0.1:6379';

describe('run work on BullMQ (real Redis)', () => {
  let queue: BullRunQueue;
  afterEach(async () => {
    await queue.obliterate();
    await queue.close();
  });

  it('puts the takeover of a run already under way ahead of new kickoffs waiting in line', async () => {
    queue = new BullRunQueue(`${REDIS}?prefix=crewbot-queue-${randomBytes(5).toString('hex')}`);
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
});
