import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Crew } from '../../src/engine/crew.ts';
import { agent, crew, task } from '../support/crewBuilders.ts';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { llmFor } from '../support/testLlm.ts';

describe("max_retries: CrewAI's older name of guardrail_max_retries", () => {
  let server: ScriptedOpenAI;
  beforeEach(async () => {
    server = await startScriptedOpenAI();
  });
  afterEach(async () => {
    await server.close();
  });

  it('caps the guardrail retries, winning over guardrail_max_retries as in CrewAI', async () => {
    server.setDefault({ content: 'an answer without a source' });
    const spec = crew({
      agents: [agent('writer')],
      tasks: [task('cite', { agent: 'writer', guardrail: () => ({ ok: false, feedback: 'cite a source' }), guardrailMaxRetries: 3, maxRetries: 1 })],
    });

    await expect(new Crew(spec).kickoff({}, { llm: llmFor(server) })).rejects.toThrow(
      'Task cite failed: the output failed its guardrail 2 times (guardrail max retries: 1). Last feedback: cite a source',
    );
    // The first answer and one retry; a spent guardrail is not retried again by max_retry_limit.
    expect(server.requests).toHaveLength(2);
  });
});
