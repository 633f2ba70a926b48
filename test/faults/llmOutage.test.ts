import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRunState } from '../../src/engine/runState.ts';
import type { Runner } from '../../src/runs/runner.ts';
import { startRunnerHarness, type RunnerHarness } from '../support/runnerHarness.ts';
import { startScriptedOpenAI, type RecordedRequest } from '../support/scriptedOpenAI.ts';
import { llmFor } from '../support/testLlm.ts';

const CREWS = path.resolve('test/fixtures/fault-crews');
const requester = { platform: 'cli' as const, userId: 'fault-test' };
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('the LLM endpoint goes down', () => {
  let h: RunnerHarness;
  beforeEach(async () => {
    h = await startRunnerHarness(CREWS);
  });
  afterEach(async () => {
    await h.close();
  });

  async function runToRest(runner: Runner) {
    const started = await runner.kickoff({ crew: 'three_steps', inputs: { topic: 'tides' }, requester });
    await runner.idle();
    return (await h.store.getRun(started!.id))!;
  }

  const reply = (req: RecordedRequest) => ({ content: `${req.lastUser.includes('Step one') ? 'Outline' : 'Text'}.` });

  it('for a while: the call is retried with backoff and the run completes as if nothing happened', async () => {
    h.server.enqueue({ status: 503 }, { status: 503 }, { status: 503 });
    h.server.setDefault(reply);
    const run = await runToRest(h.anotherRunner({ llm: llmFor(h.server, { maxAttempts: 5 }) }));

    expect(run.status).toBe('completed');
    // Three refusals, then one answered call per task.
    expect(h.server.requests).toHaveLength(3 + 3);
    const firstPrompt = JSON.stringify(h.server.requests[0]?.messages);
    expect(h.server.requests.slice(0, 4).map((req) => JSON.stringify(req.messages))).toEqual(Array(4).fill(firstPrompt));
    // Only answered calls count.
    expect(run.usage.llmCalls).toBe(3);
  });

  it('for good: the run fails with a reason naming the endpoint and the attempts, keeps its finished work, and is never restarted', async () => {
    h.server.once((req) => (req.lastUser.includes('Step one') ? { content: 'Outline.' } : undefined));
    h.server.setDefault({ status: 503 });
    const waits: number[] = [];
    const runner = h.anotherRunner({ llm: llmFor(h.server, { maxAttempts: 3 }), sleep: async (ms) => void waits.push(ms) });
    const run = await runToRest(runner);

    expect(run.status).toBe('failed');
    // The client's own 3 attempts, then the task itself tried twice more (max_retry_limit 2) after a backoff.
    expect(run.error).toMatch(
      new RegExp(`^Task draft_task failed after 3 attempts \\(max_retry_limit: 2\\): LLM endpoint ${escaped(h.server.url)} failed after 3 attempts over [\\d.]+s: .*503.*Check OPENAI_BASE_URL`),
    );
    expect(waits).toEqual([2_000, 4_000]);
    expect(run.error).not.toContain('sk-test-not-a-real-key');
    expect(run.finishedAt).toBeDefined();
    expect(h.server.requests).toHaveLength(1 + 3 * 3);
    // Task 1's work is kept (a replay from task 2 would not pay for it again).
    expect(await h.store.getTaskOutputs(run.id)).toMatchObject({ outline_task: { raw: 'Outline.' } });
    expect(parseRunState(await h.store.getCheckpoint(run.id)).tasks.outline_task?.status).toBe('completed');

    // Nothing picks a failed run up again by itself: not this process, not a fresh one starting.
    expect(await runner.recover()).toEqual([]);
    expect(await h.anotherRunner().recover()).toEqual([]);
    expect((await runner.advance(run.id)).status).toBe('failed');
    expect(h.server.requests).toHaveLength(10);
  });

  it('unreachable (connection refused on loopback): the reason asks whether the server runs, and the task is not retried', async () => {
    const gone = await startScriptedOpenAI();
    await gone.close();
    const waits: number[] = [];
    const run = await runToRest(h.anotherRunner({ llm: llmFor(gone, { maxAttempts: 5 }), sleep: async (ms) => void waits.push(ms) }));

    expect(run.status).toBe('failed');
    expect(run.error).toMatch(new RegExp(`^Task outline_task failed: LLM endpoint ${escaped(gone.url)} cannot be reached \\(ECONNREFUSED, 2 attempts\\): is the server running at ${escaped(gone.url)}\\?`));
    // No task-level backoff on top of the client's one quick retry.
    expect(waits).toEqual([]);
  });
});
