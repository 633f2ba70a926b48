import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Crew } from '../../src/engine/crew.ts';
import type { CrewEvent } from '../../src/engine/events.ts';
import { agent, crew, task } from '../support/crewBuilders.ts';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { llmFor } from '../support/testLlm.ts';

describe('a hierarchical crew', () => {
  let server: ScriptedOpenAI;
  beforeEach(async () => {
    server = await startScriptedOpenAI();
  });
  afterEach(async () => {
    await server.close();
  });

  const team = () =>
    crew({
      process: 'hierarchical',
      managerLlm: 'manager-model',
      agents: [agent('designer', { role: 'Product Designer' }), agent('engineer', { role: 'Senior Engineer' })],
      tasks: [task('design', { agent: 'designer', description: 'Design the login page.' })],
    });

  it('lets the manager delegate to any coworker, not only the task’s own agent', async () => {
    server.enqueue(
      {
        toolCalls: [
          { name: 'delegate_work_to_coworker', arguments: { task: 'Check feasibility', context: 'login page', coworker: 'senior engineer' } },
        ],
      },
      { content: 'Feasible with OAuth.' },
      { content: 'Final design: OAuth login.' },
    );
    const events: CrewEvent[] = [];
    const output = await new Crew(team()).kickoff({}, { llm: llmFor(server), onEvent: (e) => events.push(e) });

    const [manager, coworker, managerAgain] = server.requests;
    expect(manager?.model).toBe('manager-model');
    expect(manager?.system).toContain('Crew Manager');
    expect(manager?.lastUser).toContain('Suggested coworker: Product Designer');
    expect(manager?.tools).toEqual(['delegate_work_to_coworker', 'ask_question_to_coworker']);
    expect(coworker?.system).toContain('Senior Engineer');
    expect(coworker?.lastUser).toContain('Check feasibility');
    expect(coworker?.lastUser).toContain('login page');
    expect(managerAgain?.messages.at(-1)).toMatchObject({ role: 'tool', content: 'Feasible with OAuth.' });
    expect(output.raw).toBe('Final design: OAuth login.');
    expect(events.find((e) => e.type === 'delegation_started')).toMatchObject({ coworker: 'Senior Engineer', kind: 'delegate' });
    expect(output.usageByAgent['Senior Engineer']?.llmCalls).toBe(1);
  });

  it('lets an agent from agents.yaml manage (manager_agent) without being its own coworker', async () => {
    server.enqueue(
      { toolCalls: [{ name: 'delegate_work_to_coworker', arguments: { task: 'Sketch it', context: 'login', coworker: 'Product Designer' } }] },
      { content: 'A sketch.' },
      { content: 'Approved sketch.' },
    );
    const spec = { ...team(), managerLlm: undefined, managerAgent: 'lead', agents: [agent('lead', { role: 'Head of Product' }), ...team().agents] };
    const output = await new Crew(spec).kickoff({}, { llm: llmFor(server) });
    expect(server.requests[0]?.system).toContain('You are Head of Product.');
    const delegate = (server.requests[0]?.body.tools as Array<{ function: { name: string; description: string } }>)[0]!.function;
    expect(delegate.description).toContain('Coworkers: Product Designer, Senior Engineer.');
    expect(delegate.description).not.toContain('Head of Product');
    expect(output.tasks[0]?.agent).toBe('Head of Product');
  });

  it('answers an unknown coworker with the list of valid ones', async () => {
    server.enqueue(
      { toolCalls: [{ name: 'ask_question_to_coworker', arguments: { question: 'Q?', context: 'c', coworker: 'Astronaut' } }] },
      { content: 'Done myself.' },
    );
    await new Crew(team()).kickoff({}, { llm: llmFor(server) });
    const observation = server.requests[1]?.messages.at(-1);
    expect(String(observation?.content)).toMatch(/No coworker named "Astronaut"\. Choose one of: Product Designer, Senior Engineer/);
  });

  it('gives delegation tools over coworkers to agents that allow delegation in sequential crews', async () => {
    server.enqueue(
      { toolCalls: [{ name: 'ask_question_to_coworker', arguments: { question: 'Which stack?', context: '', coworker: 'Senior Engineer' } }] },
      { content: 'TypeScript.' },
      { content: 'Design using TypeScript.' },
    );
    const spec = crew({
      agents: [agent('designer', { role: 'Product Designer', allowDelegation: true }), agent('engineer', { role: 'Senior Engineer' })],
      tasks: [task('design', { agent: 'designer' })],
    });
    const output = await new Crew(spec).kickoff({}, { llm: llmFor(server) });
    expect(server.requests[0]?.tools).toEqual(['delegate_work_to_coworker', 'ask_question_to_coworker']);
    expect(server.requests[1]?.system).toContain('Senior Engineer');
    expect(output.raw).toBe('Design using TypeScript.');
  });
});
