import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Crew } from '../../src/engine/crew.ts';
import { MissingInputError } from '../../src/engine/errors.ts';
import type { CrewEvent } from '../../src/engine/events.ts';
import { agent, crew, task } from '../support/crewBuilders.ts';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { llmFor } from '../support/testLlm.ts';

describe('a sequential crew', () => {
  let server: ScriptedOpenAI;
  beforeEach(async () => {
    server = await startScriptedOpenAI();
  });
  afterEach(async () => {
    await server.close();
  });

  const researchCrew = () =>
    crew({
      name: 'research',
      agents: [
        agent('researcher', { role: 'Senior Researcher', goal: 'Find facts about {topic}' }),
        agent('writer', { role: 'Writer', goal: 'Write for {audience}' }),
      ],
      tasks: [
        task('research', { agent: 'researcher', description: 'Research {topic}. Reply as {"facts": []}.' }),
        task('write', { agent: 'writer', description: 'Write about {topic}.', context: ['research'] }),
      ],
      inputs: { topic: { required: true }, audience: { required: false, default: 'engineers' } },
    });

  it('runs tasks in order and hands each task the outputs it depends on', async () => {
    server.enqueue({ content: 'FACT: agents are useful' }, { content: 'An article.' });
    const output = await new Crew(researchCrew()).kickoff({ topic: 'AI agents' }, { llm: llmFor(server) });

    expect(output.raw).toBe('An article.');
    expect(output.tasks.map((t) => [t.taskId, t.agent])).toEqual([
      ['research', 'Senior Researcher'],
      ['write', 'Writer'],
    ]);
    const [first, second] = server.requests;
    expect(first?.system).toContain('Senior Researcher');
    expect(first?.system).toContain('Find facts about AI agents');
    expect(first?.lastUser).toContain('Research AI agents.');
    expect(second?.system).toContain('Write for engineers');
    expect(second?.lastUser).toContain('FACT: agents are useful');
  });

  it('leaves braces that are not placeholders as they are', async () => {
    server.enqueue({ content: 'facts' }, { content: 'article' });
    await new Crew(researchCrew()).kickoff({ topic: 'x' }, { llm: llmFor(server) });
    expect(server.requests[0]?.lastUser).toContain('Reply as {"facts": []}.');
  });

  it('refuses to start without a required input and names it', async () => {
    const run = new Crew(researchCrew()).kickoff({}, { llm: llmFor(server) });
    await expect(run).rejects.toThrow(MissingInputError);
    await expect(run).rejects.toThrow(/Missing input "topic": give it a value when the crew is kicked off/);
    expect(server.requests).toHaveLength(0);
  });

  it('gives a task without context every earlier completed output, as CrewAI does', async () => {
    server.enqueue({ content: 'one' }, { content: 'two' }, { content: 'three' });
    const spec = crew({
      agents: [agent('a')],
      tasks: [task('t1', { agent: 'a' }), task('t2', { agent: 'a' }), task('t3', { agent: 'a' })],
    });
    await new Crew(spec).kickoff({}, { llm: llmFor(server) });
    expect(server.requests[2]?.lastUser).toContain('one');
    expect(server.requests[2]?.lastUser).toContain('two');
  });

  it('reports typed events and usage per task, per agent and in total', async () => {
    server.enqueue(
      { content: 'facts', usage: { prompt_tokens: 10, completion_tokens: 5 } },
      { content: 'article', usage: { prompt_tokens: 20, completion_tokens: 7 } },
    );
    const events: CrewEvent[] = [];
    const output = await new Crew(researchCrew()).kickoff({ topic: 'x' }, { llm: llmFor(server), onEvent: (e) => events.push(e) });

    expect(output.usage).toEqual({ llmCalls: 2, promptTokens: 30, completionTokens: 12, unpricedCalls: 2 });
    expect(output.usageByTask.write).toEqual({ llmCalls: 1, promptTokens: 20, completionTokens: 7, unpricedCalls: 1 });
    expect(output.usageByAgent['Senior Researcher']).toEqual({ llmCalls: 1, promptTokens: 10, completionTokens: 5, unpricedCalls: 1 });
    expect(events.map((e) => e.type)).toEqual([
      'crew_kickoff_started',
      'task_started',
      'agent_execution_started',
      'llm_call_started',
      'llm_stream_chunk',
      'llm_call_completed',
      'agent_execution_completed',
      'task_completed',
      'task_started',
      'agent_execution_started',
      'llm_call_started',
      'llm_stream_chunk',
      'llm_call_completed',
      'agent_execution_completed',
      'task_completed',
      'crew_kickoff_completed',
    ]);
    expect(events.every((e) => e.runId === output.runId && typeof e.at === 'number')).toBe(true);
    const completed = events.find((e) => e.type === 'llm_call_completed');
    expect(completed).toMatchObject({ taskId: 'research', agent: 'Senior Researcher', usage: { promptTokens: 10 } });
  });

  it('calls the task callback and the crew task callback with each output', async () => {
    server.enqueue({ content: 'facts' }, { content: 'article' });
    const seen: string[] = [];
    const spec = researchCrew();
    spec.tasks[0]!.callback = (output) => {
      seen.push(`task:${output.taskId}`);
    };
    await new Crew(spec).kickoff({ topic: 'x' }, { llm: llmFor(server), onTaskCompleted: (o) => void seen.push(`crew:${o.taskId}`) });
    expect(seen).toEqual(['task:research', 'crew:research', 'crew:write']);
  });
});
