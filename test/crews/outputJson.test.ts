import { describe, expect, it } from 'vitest';
import { CrewFileError } from '../../src/crews/errors.ts';
import { loadCrew } from '../../src/crews/loadCrew.ts';
import { toOutputSchema } from '../../src/crews/outputSchema.ts';
import { BUILTIN_TOOL_ALIASES, createBuiltinTools } from '../../src/tools/builtinTools.ts';

const options = { builtinTools: createBuiltinTools({}), builtinAliases: BUILTIN_TOOL_ALIASES };

const ticketSchema = {
  type: 'object',
  properties: {
    category: { type: 'string', enum: ['billing', 'bug', 'other'] },
    urgency: { type: 'integer', minimum: 1, maximum: 5 },
    tags: { type: 'array', items: { type: 'string' } },
    assignee: { type: ['string', 'null'] },
  },
  required: ['category', 'urgency'],
};

describe('output_json', () => {
  it('becomes a zod schema that accepts answers matching the JSON schema and rejects the rest', () => {
    const result = toOutputSchema('triage_task', ticketSchema);
    if (!result.ok) throw new Error(result.message);
    const { zod } = result.schema;

    expect(result.schema.name).toBe('triage_task_output');
    expect(result.schema.jsonSchema).toBe(ticketSchema);
    expect(zod.safeParse({ category: 'bug', urgency: 2 }).success).toBe(true);
    expect(zod.safeParse({ category: 'bug', urgency: 2, tags: ['login'], assignee: null }).success).toBe(true);
    expect(zod.safeParse({ category: 'sales', urgency: 2 }).success).toBe(false);
    expect(zod.safeParse({ category: 'bug', urgency: 2.5 }).success).toBe(false);
    expect(zod.safeParse({ category: 'bug', urgency: 9 }).success).toBe(false);
    expect(zod.safeParse({ category: 'bug' }).success).toBe(false);
    expect(zod.safeParse({ category: 'bug', urgency: 1, tags: [3] }).success).toBe(false);
  });

  it('is read from YAML given inline, and a schema that cannot be used is a problem of its task', async () => {
    const error = await loadCrew('test/fixtures/crews/structured_output', options).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(CrewFileError);
    expect(error instanceof CrewFileError && error.problems).toEqual([
      { file: 'tasks.yaml', path: 'broken_schema_task.output_json', message: 'is not a JSON schema that can be used: Unsupported type: strnig' },
      {
        file: 'tasks.yaml',
        path: 'list_schema_task.output_json',
        message: 'must describe an object (type: object, with properties), got type "array"',
      },
    ]);
  });
});
