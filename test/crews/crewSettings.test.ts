import { describe, expect, it } from 'vitest';
import { loadCrew } from '../../src/crews/loadCrew.ts';
import { BUILTIN_TOOL_ALIASES, createBuiltinTools } from '../../src/tools/builtinTools.ts';

const options = { builtinTools: createBuiltinTools({}), builtinAliases: BUILTIN_TOOL_ALIASES };

describe('settings in the YAML files', () => {
  it('reach the crew spec under the engine names', async () => {
    const crew = await loadCrew('test/fixtures/crews/crew_settings', options);
    const { spec } = crew;

    expect(crew.warnings).toEqual([]);
    expect(spec).toMatchObject({
      name: 'crew_settings',
      description: 'Answers questions in chat.',
      process: 'sequential',
      verbose: true,
      maxConcurrency: 2,
      limits: { maxLlmCalls: 40, maxTokens: 200000 },
      // crew.yaml names it ScrapeWebsiteTool, CrewAI's name for fetch_url; the engine meets the tool's own name.
      requireApproval: ['fetch_url'],
      maxReviewRounds: 2,
    });
    expect(spec.agents[0]).toMatchObject({
      id: 'helper',
      llm: 'gpt-4o-mini',
      allowDelegation: true,
      maxIter: 5,
      maxRpm: 30,
      maxExecutionTime: 120,
    });
    expect(spec.tasks[0]).toMatchObject({
      id: 'answer_task',
      agent: undefined,
      asyncExecution: true,
      humanInput: true,
      markdown: true,
      guardrailMaxRetries: 1,
      priority: 5,
      outputFile: 'answers/{question}.md',
    });
  });

  it('pass slack: and discord: through untouched for the chat surfaces', async () => {
    const crew = await loadCrew('test/fixtures/crews/crew_settings', options);

    expect(crew.surfaces).toEqual({ slack: { channels: ['#support'], unfurl: false }, discord: { guild: '1234' } });
  });
});
