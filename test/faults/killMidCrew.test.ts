import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseRunState } from '../../src/engine/runState.ts';
import { startRunnerHarness, type RunnerHarness } from '../support/runnerHarness.ts';
import { startRunnerProcess, type RunnerProcessEnv } from '../support/runnerProcess.ts';
import type { RecordedRequest } from '../support/scriptedOpenAI.ts';

const CREWS = path.resolve('test/fixtures/fault-crews');
const LEASE_TTL_MS = 1_000;

describe('a runner process killed with SIGKILL mid-crew', () => {
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

  /** The dead process's lease runs out by itself; only then may another process take the run. */
  async function waitForLeaseToLapse(runId: string) {
    await vi.waitFor(async () => expect(await h.store.leaseHolder(runId)).toBeUndefined(), { timeout: 5_000, interval: 50 });
  }

  it('is taken over by the next process: the finished task is not paid for again, only the call that was cut off', async () => {
    const step = (name: string, content: string, prompt: number) => (req: RecordedRequest) =>
      req.lastUser.includes(name) ? { content, usage: { prompt_tokens: prompt, completion_tokens: prompt / 10 } } : undefined;
    h.server.on(step('Step one', 'Outline: tides rise, tides fall.', 100));
    // Task 2's first call never answers: the process is killed while it waits.
    h.server.once((req) => (req.lastUser.includes('Step two') ? { hang: true } : undefined));
    h.server.on(step('Step two', 'Draft: the moon pulls the sea.', 200));
    h.server.on(step('Step three', 'Tides, polished.', 300));

    const first = startRunnerProcess(['kickoff', 'three_steps', 'topic=tides'], env);
    const runId = JSON.parse(await first.waitForLine((line) => line.startsWith('{"runId"'), 'run id')).runId as string;
    await first.waitForLine((line) => line === 'event llm_call_started draft_task', 'task 2 LLM call started');
    await vi.waitFor(() => expect(calls('Step two')).toBe(1), { timeout: 5_000, interval: 20 });
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    // What the dead process left: a run still marked running, with task 1 done in its checkpoint.
    expect((await h.store.getRun(runId))?.status).toBe('running');
    const left = parseRunState(await h.store.getCheckpoint(runId));
    expect(left.tasks.outline_task?.status).toBe('completed');
    expect(left.tasks.draft_task?.status).not.toBe('completed');

    await waitForLeaseToLapse(runId);
    const second = startRunnerProcess(['recover'], env);
    const exit = await second.exited;
    expect(exit.code, exit.stderr).toBe(0);
    expect(second.results()).toContainEqual({ recovered: [runId] });

    const run = await h.store.getRun(runId);
    expect(run?.status).toBe('completed');
    expect(calls('Step one')).toBe(1);
    expect(calls('Step two')).toBe(2);
    expect(calls('Step three')).toBe(1);
    // A clean run makes one call per task: 3. The only extra call is the one that was cut off.
    expect(h.server.requests).toHaveLength(3 + 1);
    // Task 1's usage survived the crash; the cut-off call was never answered, so it costs nothing.
    expect(run?.usage).toEqual({ llmCalls: 3, promptTokens: 100 + 200 + 300, completionTokens: 10 + 20 + 30, unpricedCalls: 3 });
    const outputs = await h.store.getTaskOutputs(runId);
    expect(outputs.outline_task).toMatchObject({ raw: 'Outline: tides rise, tides fall.', usage: { llmCalls: 1, promptTokens: 100 } });
    expect(outputs.polish_task).toMatchObject({ raw: 'Tides, polished.' });
    // The resumed draft call continued from task 1's output, not from a fresh start.
    const resumedDraft = h.server.requests.filter((req) => req.lastUser.includes('Step two'))[1];
    expect(JSON.stringify(resumedDraft?.messages)).toContain('Outline: tides rise, tides fall.');
  }, 60_000);

  it('killed while one of two tool calls runs: the recorded call is not run again, the cut-off one is', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-tool-log-'));
    const toolLog = path.join(dir, 'tools.log');
    try {
      h.server.on((req) =>
        req.messages.some((m) => m.role === 'tool')
          ? { content: 'Both notes are filed.' }
          : {
              toolCalls: [
                { id: 'call_a', name: 'file_note', arguments: { note: 'a' } },
                { id: 'call_b', name: 'file_note_slowly', arguments: { note: 'b' } },
              ],
            },
      );
      const first = startRunnerProcess(['kickoff', 'filing_crew'], { ...env, extra: { FAULT_TOOL_LOG: toolLog } });
      const runId = JSON.parse(await first.waitForLine((line) => line.startsWith('{"runId"'), 'run id')).runId as string;
      // Kill once note a's result is checkpointed and note b's tool is still working.
      await vi.waitFor(
        async () => {
          const state = parseRunState(await h.store.getCheckpoint(runId));
          expect(state.conversations.filing_task?.messages.filter((m) => m.role === 'tool')).toHaveLength(1);
          expect(await readFile(toolLog, 'utf8')).toContain('started b');
        },
        { timeout: 20_000, interval: 50 },
      );
      first.kill('SIGKILL');
      await first.exited;

      await waitForLeaseToLapse(runId);
      const second = startRunnerProcess(['recover'], { ...env, extra: { FAULT_TOOL_LOG: toolLog } });
      const exit = await second.exited;
      expect(exit.code, exit.stderr).toBe(0);

      expect((await h.store.getRun(runId))?.status).toBe('completed');
      // Note a was recorded before the kill and is not filed twice; note b was cut off and runs again.
      expect((await readFile(toolLog, 'utf8')).split('\n').filter(Boolean)).toEqual(['filed a', 'started b', 'started b', 'filed b']);
      // The LLM calls are those of a clean run: one asking for the tools, one after both results.
      expect(h.server.requests).toHaveLength(2);
      // and that one answers both calls, as the API requires.
      const toolResults = h.server.requests[1]?.messages.filter((m) => m.role === 'tool');
      expect(toolResults?.map((m) => [m.tool_call_id, m.content])).toEqual([['call_a', 'filed a'], ['call_b', 'filed b']]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
