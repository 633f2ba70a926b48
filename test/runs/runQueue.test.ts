import { describe, expect, it } from 'vitest';
import { RunQueue } from '../../src/runs/runQueue.ts';

describe('the in-process run queue', () => {
  it('advances at most `concurrency` runs at once, each queued run once, and says when it is drained', async () => {
    let active = 0;
    let most = 0;
    const worked: string[] = [];
    const gates = new Map<string, () => void>();
    const queue = new RunQueue(2, async (runId) => {
      active += 1;
      most = Math.max(most, active);
      await new Promise<void>((resolve) => gates.set(runId, resolve));
      worked.push(runId);
      active -= 1;
    });
    for (const id of ['a', 'b', 'c', 'd', 'c']) queue.enqueue(id);
    expect(queue.size).toBe(4);
    const drained = queue.drained();
    for (const id of ['a', 'b', 'c', 'd']) {
      while (!gates.has(id)) await new Promise((resolve) => setTimeout(resolve, 1));
      gates.get(id)!();
    }
    await drained;
    expect(worked).toEqual(['a', 'b', 'c', 'd']);
    expect(most).toBe(2);
    expect(queue.size).toBe(0);
  });

  it('queues a run again when it is scheduled while being worked on (an answer mid-pass)', async () => {
    const worked: string[] = [];
    let release!: () => void;
    const queue = new RunQueue(1, async (runId) => {
      worked.push(runId);
      if (worked.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    queue.enqueue('a');
    await new Promise((resolve) => setTimeout(resolve, 5));
    queue.enqueue('a');
    release();
    await queue.drained();
    expect(worked).toEqual(['a', 'a']);
  });
});
