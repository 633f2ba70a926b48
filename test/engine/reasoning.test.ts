import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Crew } from '../../src/engine/crew.ts';
import type { CrewEvent } from '../../src/engine/events.ts';
import { parseRunState, type RunState } from '../../src/engine/runState.ts';
import { agent, crew, task } from '../support/crewBuilders.ts';
import { startScriptedOpenAI, type RecordedRequest, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { llmFor } from '../support/testLlm.ts';

const isReasoning = (req: RecordedRequest) => req.lastUser.includes('say whether you are ready');

describe('reasoning: the agent plans its approach before executing', () => {
  let server: ScriptedOpenAI;
  beforeEach(async () => {
    server = await startScriptedOpenAI();
  });
  afterEach(async () => {
    await server.close();
  });

  const spec = (maxReasoningAttempts?: number) =>
    crew({
      agents: [agent('analyst', { role: 'Analyst', reasoning: true, maxReasoningAttempts }), agent('plain', { role: 'Plain' })],
      tasks: [task('analyse', { agent: 'analyst', description: 'Analyse the tides.' }), task('summarise', { agent: 'plain' })],
    });

  it('refines its plan until ready (up to max_reasoning_attempts); the plan goes into its prompt and the events', async () => {
    server.enqueue(
      { content: JSON.stringify({ plan: 'Look at the moon.', ready: false }) },
      { content: JSON.stringify({ plan: 'Look at the moon, then the sun, then compare.', ready: true }) },
      { content: 'Tides follow the moon and the sun.' },
      { content: 'Summary.' },
    );
    const events: CrewEvent[] = [];
    const output = await new Crew(spec(3)).kickoff({}, { llm: llmFor(server), onEvent: (event) => events.push(event) });

    expect(output.status).toBe('completed');
    expect(server.requests.map((req) => (isReasoning(req) ? 'reason' : 'work'))).toEqual(['reason', 'reason', 'work', 'work']);
    // The second round sees the first plan to improve; the task prompt carries the final one.
    expect(server.requests[0]?.lastUser).toContain('Analyse the tides.');
    expect(server.requests[1]?.lastUser).toContain('You judged this plan not ready yet:\nLook at the moon.');
    expect(server.requests[2]?.lastUser).toContain('Your approach, as you planned it:\nLook at the moon, then the sun, then compare.');
    // An agent without reasoning starts straight away.
    expect(server.requests[3]?.lastUser).not.toContain('Your approach');
    expect(events.filter((event) => event.type === 'agent_reasoning_completed').map((event) => event.type === 'agent_reasoning_completed' && [event.attempt, event.ready])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(output.usageByAgent.Analyst?.llmCalls).toBe(3);
  });

  it('stops at max_reasoning_attempts even when not ready, and a resumed task does not reason again', async () => {
    server.enqueue(
      { content: JSON.stringify({ plan: 'Unsure plan.', ready: false }) },
      { content: 'Tides.' },
      { content: 'Summary.' },
    );
    const checkpoints: RunState[] = [];
    await new Crew(spec(1)).kickoff({}, { llm: llmFor(server), checkpoint: (state) => void checkpoints.push(structuredClone(state)) });
    expect(server.requests.filter(isReasoning)).toHaveLength(1);
    expect(server.requests[1]?.lastUser).toContain('Unsure plan.');

    // Resume from the checkpoint right after the reasoning: the task continues with the plan it made.
    const afterReasoning = checkpoints.find((state) => state.tasks.analyse?.reasoning && !state.conversations.analyse)!;
    server.requests.length = 0;
    server.enqueue({ content: 'Tides again.' }, { content: 'Summary again.' });
    await new Crew(spec(1)).run(parseRunState(JSON.parse(JSON.stringify(afterReasoning))), { llm: llmFor(server) });
    expect(server.requests.filter(isReasoning)).toHaveLength(0);
    expect(server.requests[0]?.lastUser).toContain('Your approach, as you planned it:\nUnsure plan.');
  });
});
