import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newRunState, type RunState } from '../../src/engine/runState.ts';
import { startRunnerHarness, type RunnerHarness } from '../support/runnerHarness.ts';
import { overwriteStoredValue } from '../support/storedValues.ts';

const CREWS = path.resolve('test/fixtures/fault-crews');
const TASKS = ['outline_task', 'draft_task', 'polish_task'];

describe('a checkpoint that cannot be trusted', () => {
  let h: RunnerHarness;
  beforeEach(async () => {
    h = await startRunnerHarness(CREWS);
    h.server.setDefault({ content: 'Done.' });
  });
  afterEach(async () => {
    await h.close();
  });

  /** A run its process left `running` when it died, one task done, with `checkpoint` as its saved state. */
  async function orphanedRun(checkpoint: (state: RunState) => unknown): Promise<string> {
    const run = await h.store.createRun({ crew: 'three_steps', inputs: { topic: 'tides' }, requester: { platform: 'cli', userId: 'fault-test' } });
    const outline = { taskId: 'outline_task', agent: 'Writer', description: 'Step one', raw: 'Outline.', usage: { llmCalls: 1, promptTokens: 50, completionTokens: 5 } };
    const state = newRunState(run.id, 'three_steps', { topic: 'tides' }, TASKS);
    state.tasks.outline_task = { status: 'completed', agent: 'writer', output: outline, guardrailFailures: 0, reviewRounds: 0, retries: 0 };
    state.usage = { ...outline.usage };
    await h.store.saveTaskOutput(run.id, 'outline_task', outline);
    const saved = checkpoint(state);
    if (saved !== undefined) await h.store.saveCheckpoint(run.id, saved);
    await h.store.updateRun(run.id, { status: 'running' });
    return run.id;
  }

  /** A fresh process starting up takes over orphaned runs. */
  async function recover(runId: string) {
    const runner = h.anotherRunner();
    expect(await runner.recover()).toEqual([runId]);
    await runner.idle();
    return (await h.store.getRun(runId))!;
  }

  async function expectRefused(runId: string, reason: RegExp) {
    const run = await recover(runId);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(reason);
    expect(run.finishedAt).toBeDefined();
    // Not restarted from scratch: the model was never called.
    expect(h.server.requests).toHaveLength(0);
    // The finished task's output is still there for whoever repairs the run.
    expect(await h.store.getTaskOutputs(runId)).toMatchObject({ outline_task: { raw: 'Outline.' } });
  }

  it('resumes from a sound checkpoint without repeating the finished task (the baseline)', async () => {
    const run = await recover(await orphanedRun((state) => state));
    expect(run.status).toBe('completed');
    expect(h.server.requests.map((req) => req.lastUser.match(/Step \w+/)?.[0])).toEqual(['Step two', 'Step three']);
  });

  it('refuses garbage, saying the checkpoint is not one this crewbot reads', async () => {
    const runId = await orphanedRun(() => ({ garbage: true }));
    await expectRefused(runId, /^Checkpoint has version undefined, this crewbot reads version 1\. .*replay the run/);
    expect(await h.store.getCheckpoint(runId)).toEqual({ garbage: true });
  });

  it('refuses a checkpoint saved by an older release, naming its version', async () => {
    const runId = await orphanedRun((state) => ({ ...state, version: 0 }));
    await expectRefused(runId, /^Checkpoint has version 0, this crewbot reads version 1\. Run it with the crewbot release that saved it, or replay the run/);
  });

  it('refuses a damaged checkpoint of the current version, saying what is wrong', async () => {
    const runId = await orphanedRun((state) => ({ ...state, tasks: { ...state.tasks, draft_task: { status: 'exploded' } } }));
    await expectRefused(runId, /^Checkpoint is damaged and cannot be resumed: .*tasks\.draft_task\.status/s);
  });

  it('refuses a checkpoint whose bytes on disk are not JSON, saying it is the checkpoint that is unreadable', async () => {
    const runId = await orphanedRun((state) => state);
    expect(await overwriteStoredValue(h.storeUrl, `checkpoint:${runId}`, '{"value":{"version":1,"runId":"')).toBe(1);
    await expectRefused(runId, /checkpoint/i);
  });

  it('refuses a run that has finished work but whose checkpoint is gone', async () => {
    // An evicted or deleted key: starting over would pay for task 1 again and repeat its side effects.
    const runId = await orphanedRun(() => undefined);
    await expectRefused(runId, /checkpoint/i);
  });
});
