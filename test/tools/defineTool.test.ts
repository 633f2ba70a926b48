import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineTool, ToolArgumentsError, type ToolContext } from '../../src/tools/defineTool.ts';

const context: ToolContext = { runId: 'run-1', taskId: 'plan', agentRole: 'Planner' };

const seen: unknown[] = [];
const addTool = defineTool({
  name: 'add',
  description: 'Add two numbers',
  parameters: z.object({ a: z.number().describe('First number'), b: z.number().int().min(0).default(1) }),
  run: ({ a, b }) => {
    seen.push({ a, b });
    return { sum: a + b };
  },
});

describe('defineTool', () => {
  it('describes its parameters to the model as a JSON schema without $schema', () => {
    const spec = addTool.spec();

    expect(spec.name).toBe('add');
    expect(spec.description).toBe('Add two numbers');
    expect(spec.parameters).not.toHaveProperty('$schema');
    expect(spec.parameters).toMatchObject({
      type: 'object',
      properties: { a: { type: 'number', description: 'First number' }, b: { type: 'integer', minimum: 0, default: 1 } },
      required: ['a'],
    });
  });

  it('parses the arguments, applies defaults, and JSON-stringifies an object result', async () => {
    await expect(addTool.invoke('{"a": 2, "b": 3}', context)).resolves.toBe('{"sum":5}');
    await expect(addTool.invoke('{"a": 2}', context)).resolves.toBe('{"sum":3}');
  });

  it('returns a string result as it is', async () => {
    const echo = defineTool({
      name: 'echo',
      description: 'Echo',
      parameters: z.object({ text: z.string() }),
      run: ({ text }) => text,
    });

    await expect(echo.invoke('{"text":"plain \\"words\\""}', context)).resolves.toBe('plain "words"');
  });

  it('treats empty arguments as an empty object', async () => {
    const ping = defineTool({ name: 'ping', description: 'Ping', parameters: z.object({}), run: () => 'pong' });

    await expect(ping.invoke('', context)).resolves.toBe('pong');
  });

  it('refuses arguments that are not JSON with a ToolArgumentsError that quotes them', async () => {
    const failure = addTool.invoke('{"a": 2,', context);

    await expect(failure).rejects.toBeInstanceOf(ToolArgumentsError);
    await expect(failure).rejects.toThrow('Arguments for add are not valid JSON: {"a": 2,');
  });

  it('refuses arguments that break the schema, naming the field, without running the tool', async () => {
    seen.length = 0;
    const failure = addTool.invoke('{"a": "two", "b": -1}', context);

    await expect(failure).rejects.toBeInstanceOf(ToolArgumentsError);
    await expect(failure).rejects.toThrow(/Invalid arguments for add: [\s\S]*→ at a[\s\S]*→ at b[\s\S]*Call it again/);
    expect(seen).toEqual([]);
  });

  it('refuses a name the Chat Completions API would not accept', () => {
    expect(() => defineTool({ name: 'web search', description: '', parameters: z.object({}), run: () => '' })).toThrow(
      /Tool name "web search" is invalid/,
    );
  });

  it('defaults requiresApproval to false', () => {
    expect(addTool.requiresApproval).toBe(false);
    const risky = defineTool({ name: 'rm', description: '', parameters: z.object({}), requiresApproval: true, run: () => '' });
    expect(risky.requiresApproval).toBe(true);
  });
});
