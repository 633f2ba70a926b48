import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Crew } from '../../src/engine/crew.ts';
import type { CrewEvent } from '../../src/engine/events.ts';
import { defineTool } from '../../src/tools/defineTool.ts';
import { agent, crew, task } from '../support/crewBuilders.ts';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { llmFor } from '../support/testLlm.ts';

const lookup = defineTool({
  name: 'lookup',
  description: 'Look up a word',
  parameters: z.object({ word: z.string().min(1) }),
  run: ({ word }) => `definition of ${word}`,
});

const explode = defineTool({
  name: 'explode',
  description: 'Always fails',
  parameters: z.object({}),
  run: () => {
    throw new Error('the disk is on fire');
  },
});

function toolMessages(server: ScriptedOpenAI, index: number): string[] {
  return (server.requests[index]?.messages ?? []).filter((m) => m.role === 'tool').map((m) => String(m.content));
}

describe('the agent loop', () => {
  let server: ScriptedOpenAI;
  beforeEach(async () => {
    server = await startScriptedOpenAI();
  });
  afterEach(async () => {
    await server.close();
  });

  const oneTask = (tools = [lookup, explode], maxIter = 25) =>
    crew({ agents: [agent('a', { tools, maxIter })], tasks: [task('t', { agent: 'a' })] });

  it('calls tools until the model answers, offering the tools with their JSON schema', async () => {
    server.enqueue({ toolCalls: [{ name: 'lookup', arguments: { word: 'crew' } }] }, { content: 'Done.' });
    const output = await new Crew(oneTask()).kickoff({}, { llm: llmFor(server) });
    expect(output.raw).toBe('Done.');
    expect(server.requests[0]?.tools).toEqual(['lookup', 'explode']);
    const offered = (server.requests[0]?.body.tools as Array<{ function: { parameters: unknown } }>)[0]?.function.parameters;
    expect(offered).toMatchObject({ type: 'object', properties: { word: { type: 'string' } }, required: ['word'] });
    expect(toolMessages(server, 1)).toEqual(['definition of crew']);
  });

  it('returns invalid arguments, unknown tools and tool exceptions to the model instead of failing', async () => {
    server.enqueue(
      {
        toolCalls: [
          { name: 'lookup', arguments: { word: 42 } },
          { name: 'lookup', arguments: '{not json' },
          { name: 'teleport', arguments: {} },
          { name: 'explode', arguments: {} },
        ],
      },
      { content: 'Recovered.' },
    );
    const events: CrewEvent[] = [];
    const output = await new Crew(oneTask()).kickoff({}, { llm: llmFor(server), onEvent: (e) => events.push(e) });
    expect(output.raw).toBe('Recovered.');
    const observations = toolMessages(server, 1);
    expect(observations).toHaveLength(4);
    expect(observations.join('\n')).toMatch(/Invalid arguments for lookup/);
    expect(observations.join('\n')).toMatch(/not valid JSON/);
    expect(observations.join('\n')).toMatch(/"teleport" does not exist\. Available tools: lookup, explode/);
    expect(observations.join('\n')).toMatch(/the disk is on fire/);
    expect(events.filter((e) => e.type === 'tool_usage_error')).toHaveLength(4);
  });

  it('runs parallel tool calls concurrently', async () => {
    let running = 0;
    let most = 0;
    const slow = defineTool({
      name: 'slow',
      description: 'Takes a moment',
      parameters: z.object({ n: z.number() }),
      run: async ({ n }) => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 30));
        running -= 1;
        return `slow ${n}`;
      },
    });
    server.enqueue(
      { toolCalls: [1, 2, 3].map((n) => ({ name: 'slow', arguments: { n } })) },
      { content: 'All three.' },
    );
    await new Crew(oneTask([slow])).kickoff({}, { llm: llmFor(server) });
    expect(most).toBe(3);
    expect(toolMessages(server, 1).sort()).toEqual(['slow 1', 'slow 2', 'slow 3']);
  });

  it('asks once for a best final answer, without tools, when max_iter is reached', async () => {
    server.enqueue(
      { toolCalls: [{ name: 'lookup', arguments: { word: 'a' } }] },
      { toolCalls: [{ name: 'lookup', arguments: { word: 'b' } }] },
      { content: 'Best I have.' },
    );
    const output = await new Crew(oneTask([lookup], 2)).kickoff({}, { llm: llmFor(server) });
    expect(output.raw).toBe('Best I have.');
    expect(server.requests).toHaveLength(3);
    expect(server.requests[2]?.tools).toEqual([]);
    expect(server.requests[2]?.lastUser).toMatch(/best final answer now/);
  });

  it('keeps an agent under its max_rpm, waiting for the minute to roll over', async () => {
    let now = 1_000_000;
    const waits: number[] = [];
    const rpmClock = {
      now: () => now,
      sleep: async (ms: number) => {
        waits.push(ms);
        now += ms;
      },
    };
    server.enqueue(
      { toolCalls: [{ name: 'lookup', arguments: { word: 'a' } }] },
      { toolCalls: [{ name: 'lookup', arguments: { word: 'b' } }] },
      { content: 'Done.' },
    );
    const spec = crew({ agents: [agent('a', { tools: [lookup], maxRpm: 2 })], tasks: [task('t', { agent: 'a' })] });
    await new Crew(spec).kickoff({}, { llm: llmFor(server), rpmClock });
    expect(server.requests).toHaveLength(3);
    expect(waits).toEqual([60_000]);
  });

  it('nudges a model that replies with nothing', async () => {
    server.enqueue({ content: '' }, { content: 'Now an answer.' });
    const output = await new Crew(oneTask([])).kickoff({}, { llm: llmFor(server) });
    expect(output.raw).toBe('Now an answer.');
    expect(server.requests[1]?.lastUser).toMatch(/reply was empty/);
  });
});
