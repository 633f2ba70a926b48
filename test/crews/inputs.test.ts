import { describe, expect, it } from 'vitest';
import { loadCrew } from '../../src/crews/loadCrew.ts';
import { findPlaceholders } from '../../src/crews/placeholders.ts';
import { BUILTIN_TOOL_ALIASES, createBuiltinTools } from '../../src/tools/builtinTools.ts';

const options = { builtinTools: createBuiltinTools({}), builtinAliases: BUILTIN_TOOL_ALIASES };

describe('placeholders', () => {
  it('are {identifier}; JSON examples and other braces are left alone', () => {
    expect(findPlaceholders('Summarize {topic} as {"topic": "x", "n": 1} for {audience_2}.')).toEqual(['topic', 'audience_2']);
    expect(findPlaceholders('{ spaced } {123} {a-b} {} {_ok} {topic}{topic}')).toEqual(['_ok', 'topic']);
  });
});

describe("a crew's inputs", () => {
  it('are those crew.yaml declares, then every other placeholder the engine fills', async () => {
    const crew = await loadCrew('test/fixtures/crews/placeholders', options);

    expect(crew.inputs).toEqual({
      company: { description: 'Whose records these are', required: true, default: undefined },
      style: { description: undefined, required: false, default: 'formal' },
      record_kind: { required: true },
      record: { required: true },
      record_id: { required: true },
    });
    expect(crew.spec.inputs).toEqual(crew.inputs);
  });

  it('point out, where each is first used, placeholders a crew that declares its inputs left undeclared', async () => {
    const crew = await loadCrew('test/fixtures/crews/placeholders', options);

    expect(crew.warnings).toEqual([
      'test/fixtures/crews/placeholders/agents.yaml: formatter.backstory uses {record_kind}, which crew.yaml does not declare under inputs; every run must then pass --input record_kind=… (declare it, with a default when it may be left out)',
      'test/fixtures/crews/placeholders/tasks.yaml: format_task.description uses {record}, which crew.yaml does not declare under inputs; every run must then pass --input record=… (declare it, with a default when it may be left out)',
      'test/fixtures/crews/placeholders/tasks.yaml: format_task.output_file uses {record_id}, which crew.yaml does not declare under inputs; every run must then pass --input record_id=… (declare it, with a default when it may be left out)',
    ]);
  });

  it('keep the texts as written, braces included', async () => {
    const crew = await loadCrew('test/fixtures/crews/placeholders', options);

    expect(crew.spec.tasks[0]?.description).toContain('{"name": "Ada", "tags": ["vip"]}');
    expect(crew.spec.tasks[0]?.outputFile).toBe('out/{company}/{record_id}.json');
  });
});

describe('inputs declared in crew.yaml', () => {
  it('are required unless they say otherwise, and a default is text', async () => {
    const crew = await loadCrew('test/fixtures/crews/declared_inputs', options);

    expect(crew.inputs.topic).toEqual({ required: true, description: undefined, default: undefined });
    expect(crew.inputs.year).toEqual({ required: true, description: undefined, default: '2025' });
  });

  it('that no agent or task uses are pointed out, since a typo is the likely cause', async () => {
    const crew = await loadCrew('test/fixtures/crews/declared_inputs', options);

    expect(crew.warnings).toEqual(['test/fixtures/crews/declared_inputs/crew.yaml: inputs.tone is declared but {tone} appears in no agent or task']);
  });
});
