import { describe, expect, it } from 'vitest';
import { loadCrew } from '../../src/crews/loadCrew.ts';
import { BUILTIN_TOOL_ALIASES, createBuiltinTools } from '../../src/tools/builtinTools.ts';

const options = { builtinTools: createBuiltinTools({}), builtinAliases: BUILTIN_TOOL_ALIASES };

describe("CrewAI's engine settings in the YAML files", () => {
  it('load without a warning and reach the spec under their code-first names', async () => {
    const crew = await loadCrew('test/fixtures/crews/engine_settings', options);

    expect(crew.warnings).toEqual([]);
    expect(crew.spec).toMatchObject({ planning: true, planningLlm: 'gpt-4o', cache: false, outputLogFile: 'logs/{topic}.jsonl' });
    expect(crew.spec.agents[0]).toMatchObject({
      maxRetryLimit: 4,
      respectContextWindow: false,
      contextWindow: 32000,
      reasoning: true,
      maxReasoningAttempts: 2,
      cache: false,
    });
    // max_retries is CrewAI's older name of guardrail_max_retries.
    expect(crew.spec.tasks[0]).toMatchObject({ maxRetries: 1 });
  });

  it('warns when a task sets both max_retries and guardrail_max_retries', async () => {
    const crew = await loadCrew('test/fixtures/crews/engine_settings_both_retries', options);

    expect(crew.warnings).toEqual([
      "test/fixtures/crews/engine_settings_both_retries/tasks.yaml: research_task sets both max_retries and guardrail_max_retries; max_retries (CrewAI's older name) wins",
    ]);
    expect(crew.spec.tasks[0]).toMatchObject({ maxRetries: 1, guardrailMaxRetries: 5 });
  });
});
