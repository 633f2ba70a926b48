import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseRunState } from '../../src/engine/runState.ts';
import { startRunnerHarness, type RunnerHarness } from '../support/runnerHarness.ts';
import { startRunnerProcess, type RunnerProcessEnv } from '../support/runnerProcess.ts';
import type { RecordedRequest } from '../support/scriptedOpenAI.ts';

const CREWS = path.resolve('test/fixtures/fault-crews');

describe('a planning crew whose process is killed with SIGKILL mid-run', () => {
  let h: RunnerHarness;
  let env: RunnerProcessEnv;
  beforeEach(async () => {
    h = await startRunnerHarness(CREWS);
    env = { storeUrl: h.storeUrl, llmUrl: h.server.url, crewsDir: CREWS, leaseTtlMs: 1_000 };
  });
  afterEach(async () => {
    await h.close();
  });

  const isPlanning = (req: RecordedRequest) => req.system.includes('Task Execution Planner');
  /** The task's own calls (the planning call names every step too). */
  const taskCalls = (step: string) => h.server.requests.filter((req) => !isPlanning(req) && req.lastUser.includes(step));

  it('is resumed by the next process with the plan it made, without a second planning call', async () => {
    const plans = [
      { task: 'outline_task', plan: 'Outline plan: three headings.' },
      { task: 'draft_task', plan: 'Draft plan: one paragraph per heading.' },
      { task: 'polish_task', plan: 'Polish plan: cut every adverb.' },
    ];
    h.server.on((req) => (isPlanning(req) ? { content: JSON.stringify({ plans }) } : undefined));
    h.server.on((req) => (req.lastUser.startsWith('Step one') ? { content: 'Outline: tides.' } : undefined));
    // Task 2's first call never answers: the process is killed while it waits.
    h.server.once((req) => (req.lastUser.startsWith('Step two') ? { hang: true } : undefined));
    h.server.on((req) => (req.lastUser.startsWith('Step two') ? { content: 'Draft: tides.' } : undefined));
    h.server.on((req) => (req.lastUser.startsWith('Step three') ? { content: 'Tides, polished.' } : undefined));

    const first = startRunnerProcess(['kickoff', 'planned_steps', 'topic=tides'], env);
    const runId = JSON.parse(await first.waitForLine((line) => line.startsWith('{"runId"'), 'run id')).runId as string;
    await first.waitForLine((line) => line === 'event crew_planning_completed', 'plans made');
    await first.waitForLine((line) => line === 'event llm_call_started draft_task', 'task 2 LLM call started');
    await vi.waitFor(() => expect(taskCalls('Step two')).toHaveLength(1), { timeout: 5_000, interval: 20 });
    first.kill('SIGKILL');
    await first.exited;

    const left = parseRunState(await h.store.getCheckpoint(runId));
    expect(left.plans?.draft_task).toBe('Draft plan: one paragraph per heading.');

    await vi.waitFor(async () => expect(await h.store.leaseHolder(runId)).toBeUndefined(), { timeout: 5_000, interval: 50 });
    const second = startRunnerProcess(['recover'], env);
    const exit = await second.exited;
    expect(exit.code, exit.stderr).toBe(0);

    expect((await h.store.getRun(runId))?.status).toBe('completed');
    expect(h.server.requests.filter(isPlanning)).toHaveLength(1);
    expect(taskCalls('Step one')).toHaveLength(1);
    expect(taskCalls('Step two')).toHaveLength(2);
    const resumedDraft = taskCalls('Step two')[1];
    expect(resumedDraft?.lastUser).toContain('Plan for this task:\nDraft plan: one paragraph per heading.');
    const polish = taskCalls('Step three')[0];
    expect(polish?.lastUser).toContain('Polish plan: cut every adverb.');
    // Planning, three tasks, and the one call that was cut off.
    expect(h.server.requests).toHaveLength(1 + 3 + 1);
  }, 90_000);
});
