import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HumanRequest } from '../../src/engine/humanRequest.ts';
import { startRunnerHarness, type RunnerHarness } from '../support/runnerHarness.ts';
import { overwriteStoredValue } from '../support/storedValues.ts';

const CREWS = path.resolve('test/fixtures/hitl-crews');
const ada = { platform: 'cli' as const, userId: 'ada' };

/** One run's record is garbage on disk; every other run must carry on as if it were not there. */
describe('a damaged run record among sound ones', () => {
  let h: RunnerHarness;
  let warnings: string[];
  const onWarning = (warning: Error) => warnings.push(warning.message);
  beforeEach(async () => {
    h = await startRunnerHarness(CREWS);
    warnings = [];
    process.on('warning', onWarning);
  });
  afterEach(async () => {
    process.off('warning', onWarning);
    await h.close();
  });

  async function damage(runId: string): Promise<void> {
    expect(await overwriteStoredValue(h.storeUrl, `run:${runId}`, JSON.stringify({ value: { id: runId, status: 'exploded' } }))).toBe(1);
  }

  /** Warnings are emitted on the next tick. */
  const settledWarnings = () => new Promise<string[]>((resolve) => setImmediate(() => resolve(warnings)));

  it('does not stop the request-timeout sweep: the sound run times out, the damaged one is reported by id', async () => {
    h.server.setDefault({ content: 'Notes' });
    const sound = await h.runner.kickoff({ crew: 'review_crew', inputs: { version: '1.0' }, requester: ada });
    const broken = await h.runner.kickoff({ crew: 'review_crew', inputs: { version: '2.0' }, requester: ada });
    await h.runner.idle();
    const createdAt = ((await h.store.getRun(sound!.id))!.pending[0] as HumanRequest).createdAt;
    await damage(broken!.id);

    expect(await h.runner.expireOverdueRequests(createdAt + 2 * 3600_000)).toBe(1);
    await h.runner.idle();
    expect((await h.store.getRun(sound!.id))?.status).toBe('completed');
    expect(await settledWarnings()).toEqual([expect.stringContaining(`Run "${broken!.id}" in the run store is damaged`)]);
    expect(warnings[0]).toContain('status');
  });

  it('does not stop recovery at start: queued runs are taken over, the damaged one is skipped and reported', async () => {
    h.server.setDefault({ content: 'Notes' });
    const store = h.store;
    const sound = await store.createRun({ crew: 'ask_crew', inputs: {}, requester: ada });
    const broken = await store.createRun({ crew: 'ask_crew', inputs: {}, requester: ada });
    await damage(broken.id);

    const recovered = await h.anotherRunner().recover();
    expect(recovered).toEqual([sound.id]);
    expect(await settledWarnings()).toEqual([expect.stringContaining(`crewbot remove ${broken.id}`)]);
  });
});
