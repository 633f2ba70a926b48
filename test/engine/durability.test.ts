import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Crew } from '../../src/engine/crew.ts';
import { RunCancelledError, RunLimitError, RunStateError } from '../../src/engine/errors.ts';
import { parseRunState, type RunState } from '../../src/engine/runState.ts';
import { defineTool } from '../../src/tools/defineTool.ts';
import { agent, crew, task } from '../support/crewBuilders.ts';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { llmFor } from '../support/testLlm.ts';

const lookup = defineTool({
  name: 'lookup',
  description: 'Look up a word',
  parameters: z.object({ word: z.string() }),
  run: ({ word }) => `meaning of ${word}`,
});

describe('run state: checkpoints, resume, limits and cancel', () => {
  let server: ScriptedOpenAI;
  beforeEach(async () => {
    server = await startScriptedOpenAI();
  });
  afterEach(async () => {
    await server.close();
  });

  const twoTasks = () =>
    crew({
      agents: [agent('a', { tools: [lookup] })],
      tasks: [task('first', { agent: 'a' }), task('second', { agent: 'a' })],
    });

  it('checkpoints a JSON-serializable state after every LLM call and every tool result', async () => {
    server.enqueue(
      { toolCalls: [{ name: 'lookup', arguments: { word: 'x' } }, { name: 'lookup', arguments: { word: 'y' } }] },
      { content: 'first done' },
      { content: 'second done' },
    );
    const checkpoints: RunState[] = [];
    await new Crew(twoTasks()).kickoff({}, { llm: llmFor(server), checkpoint: (s) => void checkpoints.push(JSON.parse(JSON.stringify(s))) });

    const lastMessages = checkpoints.map((s) => s.conversations.first?.messages.at(-1)?.role ?? null);
    // LLM call (tool calls), two tool results, LLM call (answer), task completed, LLM call, task completed.
    expect(lastMessages.slice(0, 4)).toEqual(['assistant', 'tool', 'tool', 'assistant']);
    expect(checkpoints.length).toBe(7);
    for (const checkpoint of checkpoints) expect(parseRunState(checkpoint)).toEqual(checkpoint);
    expect(checkpoints.at(-1)?.tasks.second?.status).toBe('completed');
  });

  it('resumes from any checkpoint without repeating completed tasks or recorded LLM calls', async () => {
    server.enqueue(
      { toolCalls: [{ name: 'lookup', arguments: { word: 'x' } }] },
      { content: 'first done' },
      { content: 'second done' },
    );
    const checkpoints: RunState[] = [];
    await new Crew(twoTasks()).kickoff({}, { llm: llmFor(server), checkpoint: (s) => void checkpoints.push(structuredClone(s)) });
    const afterToolResult = checkpoints[1]!;
    expect(afterToolResult.conversations.first?.messages.at(-1)?.role).toBe('tool');

    const resumeServer = await startScriptedOpenAI();
    try {
      resumeServer.enqueue({ content: 'first done (resumed)' }, { content: 'second done (resumed)' });
      const output = await new Crew(twoTasks()).run(parseRunState(JSON.parse(JSON.stringify(afterToolResult))), {
        llm: llmFor(resumeServer),
      });
      expect(resumeServer.requests).toHaveLength(2);
      expect(resumeServer.requests[0]?.messages.at(-1)).toMatchObject({ role: 'tool', content: 'meaning of x' });
      expect(output.tasks.map((t) => t.raw)).toEqual(['first done (resumed)', 'second done (resumed)']);
      // Usage carries over: one call before the cut, two after.
      expect(output.usage.llmCalls).toBe(3);
    } finally {
      await resumeServer.close();
    }
  });

  it('runs the rest of a batch of tool calls when the run stopped between two of their results', async () => {
    server.enqueue(
      { toolCalls: [{ name: 'lookup', arguments: { word: 'x' } }, { name: 'lookup', arguments: { word: 'y' } }] },
      { content: 'first done' },
      { content: 'second done' },
    );
    const checkpoints: RunState[] = [];
    await new Crew(twoTasks()).kickoff({}, { llm: llmFor(server), checkpoint: (s) => void checkpoints.push(structuredClone(s)) });
    const betweenResults = checkpoints.find((s) => s.conversations.first?.messages.filter((m) => m.role === 'tool').length === 1)!;

    const before = server.requests.length;
    server.enqueue({ content: 'first done again' }, { content: 'second done again' });
    await new Crew(twoTasks()).run(betweenResults, { llm: llmFor(server) });
    const resumedFirstCall = server.requests[before]!;
    const results = resumedFirstCall.messages.filter((m) => m.role === 'tool').map((m) => m.content);
    expect(results.sort()).toEqual(['meaning of x', 'meaning of y']);
  });

  it('does not run a completed task again when resuming after it', async () => {
    server.enqueue({ content: 'first done' }, { content: 'second done' });
    const checkpoints: RunState[] = [];
    await new Crew(twoTasks()).kickoff({}, { llm: llmFor(server), checkpoint: (s) => void checkpoints.push(structuredClone(s)) });
    const afterFirst = checkpoints.find((s) => s.tasks.first?.status === 'completed' && s.tasks.second?.status === 'pending')!;
    server.enqueue({ content: 'second again' });
    const before = server.requests.length;
    const output = await new Crew(twoTasks()).run(afterFirst, { llm: llmFor(server) });
    expect(server.requests.length - before).toBe(1);
    expect(output.tasks.map((t) => t.raw)).toEqual(['first done', 'second again']);
  });

  it('refuses a checkpoint of another version or a damaged one, with a clear message', () => {
    expect(() => parseRunState({ version: 0, runId: 'r' })).toThrow(RunStateError);
    expect(() => parseRunState({ version: 0, runId: 'r' })).toThrow(/version 0, this crewbot reads version 1/);
    const state = new Crew(twoTasks()).newState({});
    expect(() => parseRunState({ ...state, tasks: { first: { status: 'exploded' } } })).toThrow(/damaged/);
  });

  it('refuses to resume a run whose crew has changed its tasks', async () => {
    const state = new Crew(twoTasks()).newState({});
    const changed = crew({ agents: [agent('a')], tasks: [task('first', { agent: 'a' }), task('third', { agent: 'a' })] });
    await expect(new Crew(changed).run(state, { llm: llmFor(server) })).rejects.toThrow(/no longer matches crew/);
  });

  it('stops at limits.max_llm_calls with a message that says what to change', async () => {
    server.setDefault({ toolCalls: [{ name: 'lookup', arguments: { word: 'again' } }] });
    const spec = { ...twoTasks(), limits: { maxLlmCalls: 3 } };
    const run = new Crew(spec).kickoff({}, { llm: llmFor(server) });
    await expect(run).rejects.toBeInstanceOf(RunLimitError);
    await expect(run).rejects.toThrow(/limit of 3 LLM calls \(max_llm_calls\)\. Raise the limit/);
    expect(server.requests).toHaveLength(3);
  });

  it('cancels: the in-flight LLM call is aborted and the run stops', async () => {
    server.setDefault({ hang: true });
    const controller = new AbortController();
    const run = new Crew(twoTasks()).kickoff({}, { llm: llmFor(server), signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    await expect(run).rejects.toBeInstanceOf(RunCancelledError);
    expect(server.requests).toHaveLength(1);
  });
});
