import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Crew } from '../../src/engine/crew.ts';
import type { CrewEvent } from '../../src/engine/events.ts';
import type { AgentSpec, CrewSpec } from '../../src/engine/spec.ts';
import { defineTool } from '../../src/tools/defineTool.ts';
import { agent, crew, task } from '../support/crewBuilders.ts';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { llmFor } from '../support/testLlm.ts';

function countedTool(name: string, options: { cacheable?: boolean } = {}) {
  const calls: string[] = [];
  const tool = defineTool({
    name,
    description: `${name} something`,
    parameters: z.object({ query: z.string(), limit: z.number().optional() }),
    ...options,
    run: ({ query }) => {
      calls.push(query);
      return `${name} result ${calls.length} for ${query}`;
    },
  });
  return { tool, calls };
}

describe('cache: identical tool calls within a run', () => {
  let server: ScriptedOpenAI;
  beforeEach(async () => {
    server = await startScriptedOpenAI();
  });
  afterEach(async () => {
    await server.close();
  });

  /** Two tasks, each calling the tool with the same arguments (written differently), then answering. */
  async function runTwice(toolName: string, spec: CrewSpec) {
    server.enqueue(
      { toolCalls: [{ name: toolName, arguments: { query: 'tides', limit: 3 } }] },
      { content: 'first done' },
      { toolCalls: [{ name: toolName, arguments: '{ "limit": 3, "query": "tides" }' }] },
      { content: 'second done' },
    );
    const events: CrewEvent[] = [];
    const from = server.requests.length;
    await new Crew(spec).kickoff({}, { llm: llmFor(server), onEvent: (event) => events.push(event) });
    const results = server.requests.slice(from).flatMap((req) => req.messages.filter((m) => m.role === 'tool').map((m) => m.content));
    return { events, results };
  }

  const twoAgents = (tools: AgentSpec['tools'], overrides: Partial<AgentSpec> = {}, crewOverrides: Partial<CrewSpec> = {}) =>
    crew({
      agents: [agent('a', { tools, ...overrides }), agent('b', { tools, ...overrides })],
      tasks: [task('first', { agent: 'a' }), task('second', { agent: 'b' })],
      ...crewOverrides,
    });

  it('returns the recorded result to any agent of the run instead of running the tool again', async () => {
    const { tool, calls } = countedTool('search');
    const { events, results } = await runTwice('search', twoAgents([tool]));

    expect(calls).toEqual(['tides']);
    expect(results).toEqual(['search result 1 for tides', 'search result 1 for tides']);
    const finished = events.filter((event) => event.type === 'tool_usage_finished');
    expect(finished.map((event) => event.type === 'tool_usage_finished' && (event.fromCache ?? false))).toEqual([false, true]);
  });

  it('runs the tool every time for agents with cache: false, a crew with cache: false, and tools with cacheable: false', async () => {
    const byAgent = countedTool('search');
    await runTwice('search', twoAgents([byAgent.tool], { cache: false }));
    expect(byAgent.calls).toEqual(['tides', 'tides']);

    const byCrew = countedTool('search');
    await runTwice('search', twoAgents([byCrew.tool], {}, { cache: false }));
    expect(byCrew.calls).toEqual(['tides', 'tides']);

    const optedOut = countedTool('roll_dice', { cacheable: false });
    const { results } = await runTwice('roll_dice', twoAgents([optedOut.tool]));
    expect(optedOut.calls).toEqual(['tides', 'tides']);
    expect(results).toEqual(['roll_dice result 1 for tides', 'roll_dice result 2 for tides']);
  });

  it('never answers a tool that needs approval from the cache: each call asks a person', async () => {
    const { tool, calls } = countedTool('send');
    server.enqueue(
      { toolCalls: [{ name: 'send', arguments: { query: 'tides' } }] },
      { content: 'first done' },
      { toolCalls: [{ name: 'send', arguments: { query: 'tides' } }] },
      { content: 'second done' },
    );
    const spec = twoAgents([tool], {}, { requireApproval: ['send'] });
    const state = new Crew(spec).newState({});
    const approveAll = async () => {
      for (const request of state.pending) state.answers[request.slot] = { answer: { type: 'approve' }, by: { userId: 'U1' }, at: 0 };
      state.pending = [];
    };
    let output = await new Crew(spec).run(state, { llm: llmFor(server) });
    const asked: string[] = [];
    while (output.status === 'awaiting_input') {
      asked.push(...state.pending.map((request) => request.taskId));
      await approveAll();
      output = await new Crew(spec).run(state, { llm: llmFor(server) });
    }
    expect(asked).toEqual(['first', 'second']);
    expect(calls).toEqual(['tides', 'tides']);
    expect(state.toolCache).toEqual({});
  });
});
