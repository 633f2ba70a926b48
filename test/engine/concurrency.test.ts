import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Crew } from '../../src/engine/crew.ts';
import { agent, crew, task } from '../support/crewBuilders.ts';
import { startScriptedOpenAI, type RecordedRequest, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { llmFor } from '../support/testLlm.ts';

/** Answers each task by its description, so replies do not depend on arrival order. */
function answerByTask(server: ScriptedOpenAI, delayMs: number): void {
  server.on((req: RecordedRequest) => {
    const match = /Do (\w+)\./.exec(req.lastUser);
    return match ? { content: `output of ${match[1]}`, delayMs } : undefined;
  });
}

const startedOrder = (server: ScriptedOpenAI) => server.requests.map((r) => /Do (\w+)\./.exec(r.lastUser)?.[1]);

describe('concurrent tasks', () => {
  let server: ScriptedOpenAI;
  beforeEach(async () => {
    server = await startScriptedOpenAI();
  });
  afterEach(async () => {
    await server.close();
  });

  it('sequential: async tasks run together and the task that needs them waits for all of them', async () => {
    answerByTask(server, 40);
    const spec = crew({
      agents: [agent('a')],
      tasks: [
        task('north', { agent: 'a', asyncExecution: true }),
        task('south', { agent: 'a', asyncExecution: true }),
        task('east', { agent: 'a', asyncExecution: true }),
        task('join', { agent: 'a', context: ['north', 'south', 'east'] }),
      ],
    });
    const output = await new Crew(spec).kickoff({}, { llm: llmFor(server) });
    expect(server.maxInFlight).toBe(3);
    expect(startedOrder(server).at(-1)).toBe('join');
    const join = server.requests.at(-1)!;
    expect(join.lastUser).toContain('output of north');
    expect(join.lastUser).toContain('output of east');
    expect(output.raw).toBe('output of join');
  });

  it('sequential: a task that does not need an async task does not wait for it', async () => {
    server.on((req) => (req.lastUser.includes('Do slow.') ? { content: 'slow done', delayMs: 150 } : undefined));
    answerByTask(server, 0);
    const spec = crew({
      agents: [agent('a')],
      tasks: [
        task('slow', { agent: 'a', asyncExecution: true }),
        task('quick', { agent: 'a', context: [] }),
        task('final', { agent: 'a' }),
      ],
    });
    await new Crew(spec).kickoff({}, { llm: llmFor(server) });
    const quick = server.requests.find((r) => r.lastUser.includes('Do quick.'))!;
    const slow = server.requests.find((r) => r.lastUser.includes('Do slow.'))!;
    expect(quick.startedAt).toBeLessThan(slow.finishedAt!);
    expect(server.requests.at(-1)?.lastUser).toContain('slow done');
  });

  it('parallel: every task whose context is complete starts at once, then the join', async () => {
    answerByTask(server, 40);
    const spec = crew({
      process: 'parallel',
      agents: [agent('analyst')],
      tasks: [
        ...['competitors', 'pricing', 'customers', 'trends'].map((id) => task(id, { agent: 'analyst' })),
        task('synthesis', { agent: 'analyst', context: ['competitors', 'pricing', 'customers', 'trends'] }),
      ],
    });
    const output = await new Crew(spec).kickoff({}, { llm: llmFor(server) });
    expect(server.maxInFlight).toBe(4);
    expect(startedOrder(server).at(-1)).toBe('synthesis');
    expect(output.tasks.map((t) => t.taskId)).toEqual(['competitors', 'pricing', 'customers', 'trends', 'synthesis']);
  });

  it('parallel: max_concurrency bounds the fan-out and priority picks who goes first', async () => {
    answerByTask(server, 10);
    const spec = crew({
      process: 'parallel',
      maxConcurrency: 1,
      agents: [agent('analyst')],
      tasks: [
        task('low', { agent: 'analyst', priority: 1 }),
        task('high', { agent: 'analyst', priority: 5 }),
        task('middle', { agent: 'analyst', priority: 3 }),
      ],
    });
    await new Crew(spec).kickoff({}, { llm: llmFor(server) });
    expect(server.maxInFlight).toBe(1);
    expect(startedOrder(server)).toEqual(['high', 'middle', 'low']);
  });

  it('fails the crew with the task that failed, after letting the others settle', async () => {
    server.on((req) => (req.lastUser.includes('Do broken.') ? { status: 400, errorBody: { error: { message: 'bad request' } } } : undefined));
    answerByTask(server, 20);
    const spec = crew({
      process: 'parallel',
      agents: [agent('a')],
      tasks: [task('fine', { agent: 'a' }), task('broken', { agent: 'a' }), task('after', { agent: 'a', context: ['broken'] })],
    });
    await expect(new Crew(spec).kickoff({}, { llm: llmFor(server) })).rejects.toThrow(/Task broken failed/);
    expect(startedOrder(server)).not.toContain('after');
  });

  it('parallel: six ready tasks under max_llm_calls: 1 make one call, and the run stops at the limit', async () => {
    answerByTask(server, 30);
    const spec = crew({
      process: 'parallel',
      limits: { maxLlmCalls: 1 },
      agents: [agent('a')],
      tasks: ['t1', 't2', 't3', 't4', 't5', 't6'].map((id) => task(id, { agent: 'a' })),
    });
    await expect(new Crew(spec).kickoff({}, { llm: llmFor(server) })).rejects.toThrow(/limit of 1 LLM calls \(max_llm_calls\)/);
    expect(server.requests).toHaveLength(1);
  });

  it('parallel: under max_tokens the first call runs alone, then only as many as the average call fits', async () => {
    server.on((req) => {
      const match = /Do (\w+)\./.exec(req.lastUser);
      return match ? { content: `output of ${match[1]}`, delayMs: 30, usage: { prompt_tokens: 80, completion_tokens: 20 } } : undefined;
    });
    const spec = crew({
      process: 'parallel',
      limits: { maxTokens: 250 },
      agents: [agent('a')],
      tasks: ['t1', 't2', 't3', 't4', 't5', 't6'].map((id) => task(id, { agent: 'a' })),
    });
    await expect(new Crew(spec).kickoff({}, { llm: llmFor(server) })).rejects.toThrow(/limit of 250 tokens \(max_tokens\)/);
    // 100 tokens a call: two more beside each other would not fit (used + 2 × 100 > 250), so the
    // calls go one at a time, and the one that crosses 250 is the last.
    expect(server.requests).toHaveLength(3);
    expect(server.maxInFlight).toBe(1);
  });
});
