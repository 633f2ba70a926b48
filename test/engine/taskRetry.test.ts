import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { applyEvent, initialProgress, renderProgressText } from '../../src/chat/progressView.ts';
import { Crew } from '../../src/engine/crew.ts';
import { RunLimitError, TaskFailedError } from '../../src/engine/errors.ts';
import type { CrewEvent } from '../../src/engine/events.ts';
import type { RunState } from '../../src/engine/runState.ts';
import { defineTool } from '../../src/tools/defineTool.ts';
import { agent, crew, task } from '../support/crewBuilders.ts';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { llmFor } from '../support/testLlm.ts';

describe('max_retry_limit: a failed task is tried again from its last checkpoint', () => {
  let server: ScriptedOpenAI;
  beforeEach(async () => {
    server = await startScriptedOpenAI();
  });
  afterEach(async () => {
    await server.close();
  });

  function countingLookup() {
    const looked: string[] = [];
    const tool = defineTool({
      name: 'lookup',
      description: 'Look up a word',
      parameters: z.object({ word: z.string() }),
      run: ({ word }) => {
        looked.push(word);
        return `meaning of ${word}`;
      },
    });
    return { tool, looked };
  }

  it('fails twice and succeeds on its third try, without repeating the finished steps', async () => {
    const { tool, looked } = countingLookup();
    const spec = crew({
      agents: [agent('writer', { tools: [tool] })],
      tasks: [task('first', { agent: 'writer' }), task('second', { agent: 'writer' })],
    });
    server.enqueue(
      { content: 'first done' },
      // Task 2 looks a word up, then its next call fails twice (the client gives up after 1 attempt).
      { toolCalls: [{ name: 'lookup', arguments: { word: 'tide' } }] },
      { status: 503 },
      { status: 503 },
      { content: 'second done' },
    );
    const events: CrewEvent[] = [];
    const waits: number[] = [];
    const checkpoints: RunState[] = [];
    const output = await new Crew(spec).kickoff(
      {},
      {
        llm: llmFor(server, { maxAttempts: 1 }),
        onEvent: (event) => events.push(event),
        sleep: async (ms) => void waits.push(ms),
        checkpoint: (state) => void checkpoints.push(structuredClone(state)),
      },
    );

    expect(output.status).toBe('completed');
    expect(output.tasks.map((t) => t.raw)).toEqual(['first done', 'second done']);
    // Task 1 was asked once, the tool ran once: only the failing call was made again.
    expect(server.requests.filter((req) => req.lastUser.includes('Do first.'))).toHaveLength(1);
    expect(looked).toEqual(['tide']);
    expect(server.requests).toHaveLength(5);
    const [, , failed1, failed2, succeeded] = server.requests;
    // Each try continues the checkpointed conversation: the tool result is there, not asked for again.
    for (const req of [failed1, failed2, succeeded]) expect(req?.messages.at(-1)).toMatchObject({ role: 'tool', content: 'meaning of tide' });

    const retries = events.filter((event) => event.type === 'task_retry');
    expect(retries.map((event) => [event.taskId, event.attempt, event.maxRetryLimit, event.delayMs])).toEqual([
      ['second', 2, 2, 2_000],
      ['second', 3, 2, 4_000],
    ]);
    expect(retries[0]?.type === 'task_retry' && retries[0].error).toMatch(/503/);
    expect(waits).toEqual([2_000, 4_000]);
    // The retry count is in the RunState, so a run resumed mid-backoff keeps counting.
    expect(checkpoints.some((state) => state.tasks.second?.retries === 2 && state.tasks.second.status === 'running')).toBe(true);
    // Only answered calls are paid for.
    expect(output.usage.llmCalls).toBe(3);

    // The status shows the retry while it happens.
    let view = initialProgress('test_crew', ['first', 'second'], 0);
    for (const event of events.slice(0, events.indexOf(retries[1]!) + 1)) view = applyEvent(view, event);
    expect(renderProgressText(view, 0)).toContain('second failed (');
    expect(renderProgressText(view, 0)).toContain('retrying, attempt 3 of 3');
  });

  it('retries malformed output that repair could not fix, without asking the agent for its answer again', async () => {
    const spec = crew({
      agents: [agent('writer')],
      tasks: [
        task('facts', {
          agent: 'writer',
          outputSchema: {
            name: 'facts',
            jsonSchema: { type: 'object', properties: { count: { type: 'integer' } }, required: ['count'] },
            zod: z.object({ count: z.number().int() }),
          },
        }),
      ],
    });
    server.enqueue(
      { content: 'There are three facts.' },
      // The conversion to JSON, and its repair, both fail: the task's first execution fails.
      { content: 'three' },
      { content: 'still three' },
      { content: '{"count": 3}' },
    );
    const events: CrewEvent[] = [];
    const output = await new Crew(spec).kickoff({}, { llm: llmFor(server), onEvent: (event) => events.push(event), sleep: async () => undefined });

    expect(output.json).toEqual({ count: 3 });
    expect(server.requests.filter((req) => req.lastUser.includes('Do facts.'))).toHaveLength(1);
    expect(server.requests).toHaveLength(4);
    expect(events.find((event) => event.type === 'task_retry')).toMatchObject({ taskId: 'facts', attempt: 2, error: expect.stringMatching(/did not return JSON matching the schema "facts"/) });
  });

  it('then fails as before, naming the task, the attempts and the last error', async () => {
    const spec = crew({ agents: [agent('writer', { maxRetryLimit: 1 })], tasks: [task('only', { agent: 'writer' })] });
    server.setDefault({ status: 503 });
    const waits: number[] = [];
    const run = new Crew(spec).kickoff({}, { llm: llmFor(server, { maxAttempts: 1 }), sleep: async (ms) => void waits.push(ms) });

    await expect(run).rejects.toThrow(TaskFailedError);
    await expect(run).rejects.toThrow(/^Task only failed after 2 attempts \(max_retry_limit: 1\): LLM endpoint .* failed after 1 attempt .*503/);
    expect(server.requests).toHaveLength(2);
    expect(waits).toEqual([2_000]);
  });

  it('max_retry_limit 0 fails on the first error', async () => {
    const spec = crew({ agents: [agent('writer', { maxRetryLimit: 0 })], tasks: [task('only', { agent: 'writer' })] });
    server.setDefault({ status: 503 });
    await expect(new Crew(spec).kickoff({}, { llm: llmFor(server, { maxAttempts: 1 }), sleep: async () => undefined })).rejects.toThrow(
      /^Task only failed: LLM endpoint/,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('is not used for the budget, a refused key or a refused request', async () => {
    const retried = async (spec: ReturnType<typeof crew>) => {
      const events: CrewEvent[] = [];
      await new Crew(spec)
        .kickoff({}, { llm: llmFor(server, { maxAttempts: 1 }), onEvent: (event) => events.push(event), sleep: async () => undefined })
        .catch((error: unknown) => error);
      return events.filter((event) => event.type === 'task_retry').length;
    };
    const oneTask = (limits?: { maxLlmCalls: number }) => crew({ agents: [agent('writer')], tasks: [task('only', { agent: 'writer' })], limits });

    server.enqueue({ toolCalls: [{ name: 'nothing', arguments: {} }] });
    await expect(new Crew(oneTask({ maxLlmCalls: 1 })).kickoff({}, { llm: llmFor(server), sleep: async () => undefined })).rejects.toThrow(RunLimitError);
    server.enqueue({ toolCalls: [{ name: 'nothing', arguments: {} }] });
    expect(await retried(oneTask({ maxLlmCalls: 1 }))).toBe(0);
    server.enqueue({ status: 401 });
    expect(await retried(oneTask())).toBe(0);
    server.enqueue({ status: 404 });
    expect(await retried(oneTask())).toBe(0);
  });
});
