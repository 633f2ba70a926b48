import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Crew } from '../../src/engine/crew.ts';
import type { CrewEvent } from '../../src/engine/events.ts';
import { agent, crew, task } from '../support/crewBuilders.ts';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { llmFor } from '../support/testLlm.ts';

const isRouting = (system: string) => system.startsWith('You route a task');
const isYesNo = (system: string) => system.startsWith('You answer a yes/no question');

describe('allocation, conditions and review loops', () => {
  let server: ScriptedOpenAI;
  beforeEach(async () => {
    server = await startScriptedOpenAI();
  });
  afterEach(async () => {
    await server.close();
  });

  it('gives a task without an agent to the best-fitting one, and says so in an event', async () => {
    server.once((req) => (isRouting(req.system) ? { content: JSON.stringify({ agents: ['writer'], reason: 'it is writing' }) } : undefined));
    server.enqueue({ content: 'A poem.' });
    const events: CrewEvent[] = [];
    const spec = crew({ agents: [agent('researcher'), agent('writer')], tasks: [task('poem', { description: 'Write a poem.' })] });
    const output = await new Crew(spec).kickoff({}, { llm: llmFor(server), onEvent: (e) => events.push(e) });

    expect(server.requests[0]?.lastUser).toContain('- writer: Writer.');
    expect(server.requests[0]?.body.response_format).toMatchObject({ type: 'json_schema' });
    expect(server.requests[1]?.system).toContain('You are Writer.');
    expect(output.tasks[0]?.agent).toBe('Writer');
    expect(events.find((e) => e.type === 'task_allocated')).toMatchObject({ taskId: 'poem', agent: 'Writer', reason: 'it is writing' });
  });

  it('breaks a tie in favour of the least busy agent', async () => {
    server.on((req) => (isRouting(req.system) ? { content: JSON.stringify({ agents: ['a', 'b'], reason: 'both fit' }) } : undefined));
    server.setDefault({ content: 'ok' });
    const spec = crew({
      agents: [agent('a'), agent('b')],
      tasks: [task('first', { agent: 'a' }), task('second')],
    });
    const output = await new Crew(spec).kickoff({}, { llm: llmFor(server) });
    expect(output.tasks.map((t) => t.agent)).toEqual(['A', 'B']);
  });

  it('skips a task whose regex condition fails and reports it', async () => {
    server.enqueue({ content: 'category: billing' }, { content: 'refund drafted' });
    const events: CrewEvent[] = [];
    const spec = crew({
      agents: [agent('a')],
      tasks: [
        task('triage', { agent: 'a' }),
        task('escalate', { agent: 'a', condition: { task: 'triage', matches: 'category:\\s*outage' } }),
        task('refund', { agent: 'a', condition: { task: 'triage', matches: 'BILLING' } }),
      ],
    });
    const output = await new Crew(spec).kickoff({}, { llm: llmFor(server), onEvent: (e) => events.push(e) });
    expect(output.tasks.map((t) => t.taskId)).toEqual(['triage', 'refund']);
    expect(events.find((e) => e.type === 'task_skipped')).toMatchObject({ taskId: 'escalate' });
    expect(server.requests).toHaveLength(2);
  });

  it('asks the LLM a yes/no question for an `ask` condition', async () => {
    server.enqueue({ content: 'The customer is furious and threatens to leave.' });
    server.once((req) => (isYesNo(req.system) ? { content: '```json\n{"answer": true, "reason": "angry"}\n```' } : undefined));
    server.enqueue({ content: 'Escalated to a manager.' });
    const spec = crew({
      agents: [agent('a')],
      tasks: [task('triage', { agent: 'a' }), task('escalate', { agent: 'a', condition: { task: 'triage', ask: 'Is the customer angry?' } })],
    });
    const output = await new Crew(spec).kickoff({}, { llm: llmFor(server) });
    expect(server.requests[1]?.lastUser).toContain('Question: Is the customer angry?');
    expect(server.requests[1]?.lastUser).toContain('threatens to leave');
    expect(output.raw).toBe('Escalated to a manager.');
  });

  it('runs a review loop again from back_to with the reviewer’s output as feedback, at most `max` times', async () => {
    const reviews = ['VERDICT: FAIL — buttons overlap', 'VERDICT: FAIL — contrast too low', 'VERDICT: FAIL — still bad'];
    let designs = 0;
    server.on((req) => (req.lastUser.startsWith('Do design.') ? { content: `design v${++designs}` } : undefined));
    server.on((req) => (req.lastUser.startsWith('Do build.') ? { content: `build of design v${designs}` } : undefined));
    server.on((req) => (req.lastUser.startsWith('Do qa.') ? { content: reviews.shift() ?? 'VERDICT: PASS' } : undefined));
    const events: CrewEvent[] = [];
    const spec = crew({
      agents: [agent('a')],
      tasks: [
        task('design', { agent: 'a' }),
        task('build', { agent: 'a' }),
        task('qa', { agent: 'a', loop: { backTo: 'design', while: { task: 'qa', matches: 'verdict:\\s*fail' }, max: 2 } }),
      ],
    });
    const output = await new Crew(spec).kickoff({}, { llm: llmFor(server), onEvent: (e) => events.push(e) });

    expect(designs).toBe(3);
    const secondDesign = server.requests.filter((r) => r.lastUser.startsWith('Do design.'))[1];
    expect(secondDesign?.lastUser).toContain('Feedback on the previous attempt, to address now:\nVERDICT: FAIL — buttons overlap');
    expect(events.filter((e) => e.type === 'loop_iteration').map((e) => (e as { iteration: number }).iteration)).toEqual([1, 2]);
    expect(output.raw).toBe('VERDICT: FAIL — still bad');
    expect(output.tasks.find((t) => t.taskId === 'design')?.raw).toBe('design v3');
  });
});
