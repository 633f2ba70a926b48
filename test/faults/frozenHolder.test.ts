import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startRunnerHarness, type RunnerHarness } from '../support/runnerHarness.ts';
import { startRunnerProcess, type RunnerProcessEnv } from '../support/runnerProcess.ts';
import type { RecordedRequest } from '../support/scriptedOpenAI.ts';

const CREWS = path.resolve('test/fixtures/fault-crews');
const LEASE_TTL_MS = 1_000;

describe('a runner process frozen (SIGSTOP) past its lease, while another takes the run over', () => {
  let h: RunnerHarness;
  let env: RunnerProcessEnv;
  beforeEach(async () => {
    h = await startRunnerHarness(CREWS);
    env = { storeUrl: h.storeUrl, llmUrl: h.server.url, crewsDir: CREWS, leaseTtlMs: LEASE_TTL_MS };
  });
  afterEach(async () => {
    await h.close();
  });

  const calls = (step: string) => h.server.requests.filter((req) => req.lastUser.includes(step)).length;
  const everything = async (runId: string) => ({
    run: await h.store.getRun(runId),
    checkpoint: await h.store.getCheckpoint(runId),
    outputs: await h.store.getTaskOutputs(runId),
    events: await h.store.getEvents(runId),
  });

  it('wakes up with its stale step finished and writes nothing over the run the new owner completed', async () => {
    const step = (name: string, content: string, delayMs = 0) => (req: RecordedRequest) =>
      req.lastUser.includes(name) ? { content, delayMs } : undefined;
    h.server.on(step('Step one', 'Outline: tides rise, tides fall.'));
    // The frozen process's call to task 2 is answered while it sleeps; it reads the answer on waking.
    h.server.once(step('Step two', 'STALE draft from the frozen process.', 1_500));
    h.server.on(step('Step two', 'Draft: the moon pulls the sea.'));
    h.server.on(step('Step three', 'Tides, polished.'));

    const frozen = startRunnerProcess(['kickoff', 'three_steps', 'topic=tides'], env);
    const runId = JSON.parse(await frozen.waitForLine((line) => line.startsWith('{"runId"'), 'run id')).runId as string;
    await frozen.waitForLine((line) => line === 'event llm_call_started draft_task', 'task 2 LLM call started');
    await vi.waitFor(() => expect(calls('Step two')).toBe(1), { timeout: 5_000, interval: 20 });
    frozen.kill('SIGSTOP');

    try {
      await vi.waitFor(async () => expect(await h.store.leaseHolder(runId)).toBeUndefined(), { timeout: 10_000, interval: 50 });
      const taker = startRunnerProcess(['recover'], env);
      const exit = await taker.exited;
      expect(exit.code, exit.stderr).toBe(0);
      const completed = await everything(runId);
      expect(completed.run?.status).toBe('completed');
      // Let the stale answer reach the frozen process's socket before it wakes.
      await vi.waitFor(() => expect(h.server.requests.find((req) => req.lastUser.includes('Step two'))?.finishedAt).toBeDefined(), {
        timeout: 10_000,
        interval: 50,
      });

      frozen.kill('SIGCONT');
      const woke = await frozen.exited;
      expect(woke.code, woke.stderr).toBe(0);

      // Nothing changed: not the record, the checkpoint, the outputs, nor the event log.
      expect(await everything(runId)).toEqual(completed);
      expect(JSON.stringify(completed)).not.toContain('STALE');
      // The woken process stopped at once: it never went on to task 3.
      expect(calls('Step three')).toBe(1);
      expect(frozen.lines).not.toContain('event task_started polish_task');
    } finally {
      frozen.kill('SIGCONT');
      frozen.kill('SIGKILL');
    }
  }, 60_000);
});
