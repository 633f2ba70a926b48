import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseRunState } from '../../src/engine/runState.ts';
import { startRunnerHarness, type RunnerHarness } from '../support/runnerHarness.ts';
import { startRunnerProcess, type RunnerProcessEnv } from '../support/runnerProcess.ts';
import type { RecordedRequest } from '../support/scriptedOpenAI.ts';

const CREWS = path.resolve('test/fixtures/fault-crews');

describe('a custom process killed with SIGKILL mid-run', () => {
  let h: RunnerHarness;
  let env: RunnerProcessEnv;
  beforeEach(async () => {
    h = await startRunnerHarness(CREWS);
    env = { storeUrl: h.storeUrl, llmUrl: h.server.url, crewsDir: CREWS, leaseTtlMs: 1_000 };
  });
  afterEach(async () => {
    await h.close();
  });

  const calls = (prefix: string) => h.server.requests.filter((req) => req.lastUser.includes(prefix)).length;

  it('is re-run from the top by the next process: finished steps come from the record, only the cut-off call is paid again', async () => {
    let checks = 0;
    h.server.on((req: RecordedRequest) => (req.lastUser.includes('Check:') ? { content: ++checks === 1 ? 'Fix: name the tide tables.' : 'APPROVED' } : undefined));
    // The second draft's first call never answers: the process is killed while it waits.
    let drafts = 0;
    h.server.on((req: RecordedRequest) => (req.lastUser.includes('Draft:') && ++drafts === 2 ? { hang: true } : undefined));
    h.server.on((req: RecordedRequest) => (req.lastUser.includes('Draft:') ? { content: `Draft ${drafts}: tides follow the moon.` } : undefined));
    h.server.on((req: RecordedRequest) => (req.lastUser.includes('Publish:') ? { content: 'Published: tides follow the moon.' } : undefined));

    const first = startRunnerProcess(['kickoff', 'review_loop', 'topic=tides'], env);
    const runId = JSON.parse(await first.waitForLine((line) => line.startsWith('{"runId"'), 'run id')).runId as string;
    await vi.waitFor(() => expect(drafts).toBe(2), { timeout: 20_000, interval: 20 });
    first.kill('SIGKILL');
    await first.exited;

    const left = parseRunState(await h.store.getCheckpoint(runId));
    expect(left.steps.map((step) => `${step.key}:${step.status}`)).toEqual(['draft_task#1:completed', 'check_task#1:completed', 'draft_task#2:running']);

    await vi.waitFor(async () => expect(await h.store.leaseHolder(runId)).toBeUndefined(), { timeout: 5_000, interval: 50 });
    const second = startRunnerProcess(['recover'], env);
    const exit = await second.exited;
    expect(exit.code, exit.stderr).toBe(0);

    expect((await h.store.getRun(runId))?.status).toBe('completed');
    // draft#1 and check#1 were not paid again; draft#2 was cut off and asked once more.
    expect([calls('Draft:'), calls('Check:'), calls('Publish:')]).toEqual([3, 2, 1]);
    const resumedDraft = h.server.requests.filter((req) => req.lastUser.includes('Draft:')).at(-1)!;
    expect(JSON.stringify(resumedDraft.messages)).toContain('Fix: name the tide tables.');
    const done = parseRunState(await h.store.getCheckpoint(runId));
    expect(done.steps.map((step) => step.key)).toEqual(['draft_task#1', 'check_task#1', 'draft_task#2', 'check_task#2', 'publish_task#1']);
  }, 60_000);
});
