import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Crew } from '../../src/engine/crew.ts';
import { ScriptedLlm } from '../../src/testing/scriptedLlm.ts';
import { defineTool } from '../../src/tools/defineTool.ts';
import { agent, crew, task } from '../support/crewBuilders.ts';

describe('testing a crew with the scripted model (crewbot/testing)', () => {
  it('answers from a script, with tool calls, and keeps every request for assertions', async () => {
    const add = defineTool({ name: 'add', description: 'Add', parameters: z.object({ a: z.number(), b: z.number() }), run: ({ a, b }) => String(a + b) });
    const llm = new ScriptedLlm((request, call) =>
      call === 0 ? { toolCalls: [{ name: 'add', arguments: { a: 2, b: 3 } }] } : { content: `The sum is ${request.messages.at(-1)?.content}` },
    );
    const output = await new Crew(crew({ agents: [agent('math', { tools: [add] })], tasks: [task('sum', { agent: 'math' })] })).kickoff({}, { llm });
    expect(output.raw).toBe('The sum is 5');
    expect(llm.requests).toHaveLength(2);
    expect(llm.requests[0]?.tools?.map((tool) => tool.name)).toEqual(['add']);
  });
});
