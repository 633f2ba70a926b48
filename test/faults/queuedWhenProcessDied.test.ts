import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRunnerHarness, type RunnerHarness } from '../support/runnerHarness.ts';

const CREWS = path.resolve('test/fixtures/fault-crews');
const HITL_CREWS = path.resolve('test/fixtures/hitl-crews');
const ada = { platform: 'slack' as const, userId: 'U_ADA', name: 'Ada' };

/**
 * A run is `queued` from the moment it is stored (or answered) until a process takes its lease. If
 * the process that queued it dies in between, the run is in the store and in no queue.
 */
describe('runs queued in a process that died before advancing them', () => {
  let h: RunnerHarness;
  afterEach(async () => {
    await h.close();
  });

  describe('a kicked-off run', () => {
    beforeEach(async () => {
      h = await startRunnerHarness(CREWS);
      h.server.setDefault({ content: 'Done.' });
    });

    it('is taken over by the next process that starts', async () => {
      // Its queue held it in memory only, and the process died before the run's turn came.
      const dying = h.anotherRunner({ schedule: () => undefined });
      const run = await dying.kickoff({ crew: 'three_steps', inputs: { topic: 'tides' }, requester: ada });
      expect((await h.store.getRun(run!.id))?.status).toBe('queued');

      const next = h.anotherRunner();
      expect(await next.recover()).toEqual([run!.id]);
      await next.idle();
      expect((await h.store.getRun(run!.id))?.status).toBe('completed');
      expect(h.server.requests).toHaveLength(3);
    });
  });

  describe('an answered run', () => {
    beforeEach(async () => {
      h = await startRunnerHarness(HITL_CREWS);
    });

    it('is taken over by the next process that starts, and goes on from the answer', async () => {
      h.server.enqueue({ content: 'Notes v1' }, { content: 'Tweet: v1 is out' });
      const started = await h.runner.kickoff({ crew: 'review_crew', inputs: { version: '1.0' }, requester: ada });
      await h.runner.idle();
      expect((await h.store.getRun(started!.id))?.status).toBe('awaiting_input');

      const dying = h.anotherRunner({ schedule: () => undefined });
      await dying.answer(started!.id, { answer: { type: 'approve' }, actor: ada });
      expect((await h.store.getRun(started!.id))?.status).toBe('queued');

      const next = h.anotherRunner();
      expect(await next.recover()).toEqual([started!.id]);
      await next.idle();
      expect((await h.store.getRun(started!.id))?.status).toBe('completed');
      expect(h.server.requests).toHaveLength(2);
    });
  });
});
