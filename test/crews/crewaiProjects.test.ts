import { describe, expect, it } from 'vitest';
import { loadCrew } from '../../src/crews/loadCrew.ts';
import { BUILTIN_TOOL_ALIASES, createBuiltinTools } from '../../src/tools/builtinTools.ts';

const options = { builtinTools: createBuiltinTools({}), builtinAliases: BUILTIN_TOOL_ALIASES };

describe('a CrewAI project', () => {
  it('loads as it is, with a warning for each setting that is ignored', async () => {
    const crew = await loadCrew('test/fixtures/crews/crewai_project', options);

    expect(crew.warnings).toEqual([
      'test/fixtures/crews/crewai_project/agents.yaml: researcher.memory is not supported yet and is ignored',
      'test/fixtures/crews/crewai_project/agents.yaml: researcher.allow_delgation is not a known key (did you mean allow_delegation?) and is ignored',
      'test/fixtures/crews/crewai_project/tasks.yaml: reporting_task.create_directory is not supported yet and is ignored',
      'test/fixtures/crews/crewai_project/tasks.yaml: reporting_task.output_pydantic is not supported yet and is ignored',
    ]);
  });

  it('reads models written as openai/<model> and CrewAI tool class names', async () => {
    const crew = await loadCrew('test/fixtures/crews/crewai_project', options);
    const researcher = crew.spec.agents[0];

    expect(researcher?.llm).toBe('gpt-4o');
    expect(researcher?.tools.map((tool) => tool.name)).toEqual(['web_search', 'fetch_url']);
  });

  it('gets CrewAI defaults where crew.yaml and settings are absent', async () => {
    const crew = await loadCrew('test/fixtures/crews/crewai_project', options);

    expect(crew.spec.name).toBe('crewai_project');
    expect(crew.spec.process).toBe('sequential');
    expect(crew.spec.agents[1]).toMatchObject({ allowDelegation: false, maxIter: 25, verbose: false, tools: [] });
    expect(crew.spec.agents[1]).toMatchObject({ maxRetryLimit: 2, respectContextWindow: true, reasoning: false, cache: true });
    expect(crew.spec).toMatchObject({ planning: false, cache: true });
    expect(crew.spec.tasks[1]).toMatchObject({ asyncExecution: false, humanInput: false, guardrailMaxRetries: 3, priority: 0, outputFile: 'report.md' });
    expect(crew.inputs).toEqual({ topic: { required: true }, current_year: { required: true } });
  });
});
