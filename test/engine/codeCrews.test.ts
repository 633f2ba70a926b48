import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  Agent,
  Crew,
  CrewDefinitionError,
  CrewOptionsError,
  NoModelError,
  Task,
  type CrewEvent,
  type HumanRequest,
} from 'crewbot';
import { Crew as EngineCrew } from '../../src/engine/crew.ts';
import { defineTool } from 'crewbot/tools';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { llmFor } from '../support/testLlm.ts';

const researcher = () => new Agent({ role: 'Researcher', goal: 'Find facts about {topic}', backstory: 'You check every fact.' });
const writer = () => new Agent({ role: 'Writer', goal: 'Write about {topic}', backstory: 'You write short articles.' });

describe('a crew written in code', () => {
  let server: ScriptedOpenAI;
  beforeEach(async () => {
    server = await startScriptedOpenAI();
  });
  afterEach(async () => {
    await server.close();
  });

  it("takes CrewAI's defaults for everything not given", () => {
    const agent = researcher();
    const task = new Task({ description: 'Research', expectedOutput: 'Facts', agent });

    expect(agent.toSpec()).toMatchObject({ id: 'researcher', allowDelegation: false, maxIter: 25, verbose: false, tools: [] });
    expect(task.settings).toMatchObject({ asyncExecution: false, humanInput: false, markdown: false, guardrailMaxRetries: 3, priority: 0 });
  });

  it('runs its tasks in order, each seeing the outputs it names, and reports every step', async () => {
    server.enqueue({ content: 'FACT: WebAssembly runs in browsers.' }, { content: 'An article about WebAssembly.' });
    const a = researcher();
    const b = writer();
    const research = new Task({ description: 'Research {topic}', expectedOutput: 'Five facts', agent: a });
    const write = new Task({ description: 'Write it up', expectedOutput: 'An article', agent: b, context: [research] });
    const steps: CrewEvent['type'][] = [];
    const crew = new Crew({ agents: [a, b], tasks: [research, write], stepCallback: (event) => steps.push(event.type) });

    const result = await crew.kickoff({ topic: 'WebAssembly' }, { llm: llmFor(server) });

    expect(result.status).toBe('completed');
    expect(result.raw).toBe('An article about WebAssembly.');
    expect(result.tasks.map((task) => task.taskId)).toEqual(['task_1', 'task_2']);
    expect(server.requests[0]?.system).toContain('Find facts about WebAssembly');
    expect(server.requests[1]?.lastUser).toContain('FACT: WebAssembly runs in browsers.');
    expect(steps).toEqual(expect.arrayContaining(['crew_kickoff_started', 'task_started', 'llm_call_completed', 'task_completed', 'crew_kickoff_completed']));
  });

  it('finds a reference to an agent or task outside the crew before any model call, naming each', () => {
    const a = researcher();
    const stranger = writer();
    const research = new Task({ name: 'research', description: 'Research', expectedOutput: 'Facts', agent: a });
    const notInCrew = new Task({ name: 'outline', description: 'Outline', expectedOutput: 'An outline', agent: a });
    const write = new Task({
      name: 'write',
      description: 'Write',
      expectedOutput: 'An article',
      agent: stranger,
      context: [notInCrew],
      condition: { task: research, matches: /ready/ },
    });
    const review = new Task({ name: 'review', description: 'Review', expectedOutput: 'A verdict', agent: a, loop: { backTo: write, while: { task: research, ask: 'Is it bad?' } } });
    const early = new Task({ name: 'early', description: 'Early', expectedOutput: 'x', agent: a, condition: { task: review, ask: 'Done?' } });

    const build = () => new Crew({ name: 'articles', agents: [a], tasks: [research, early, write, review] });

    expect(build).toThrow(CrewDefinitionError);
    expect(build).toThrow(
      [
        'Crew "articles" cannot run until these are fixed:',
        '- task early: condition.task "review" comes after early; tasks run in order, so only an earlier task can be named',
        '- task write: agent "writer" is not an agent of this crew (agents: researcher)',
        '- task write: context "outline" is not a task of this crew (tasks: research, early, write, review)',
      ].join('\n'),
    );
    expect(server.requests).toHaveLength(0);
  });

  it('gives crew files and code the same words for the same mistake', async () => {
    const { loadCrew, CrewFileError, createBuiltinTools } = await import('crewbot');
    const fromFiles = await loadCrew('test/fixtures/crews/many_mistakes', { builtinTools: createBuiltinTools({}) }).catch((error: unknown) => error);
    if (!(fromFiles instanceof CrewFileError)) throw new Error('the fixture crew loaded');
    const a = new Agent({ id: 'researcher', role: 'R', goal: 'g', backstory: 'b' });
    const b = new Agent({ id: 'writer', role: 'W', goal: 'g', backstory: 'b' });
    const ghost = new Agent({ id: 'ghost', role: 'G', goal: 'g', backstory: 'b' });
    const inCode = (() => {
      try {
        new Crew({ agents: [a, b], tasks: [new Task({ description: 'd', expectedOutput: 'e', agent: ghost })] });
      } catch (error) {
        return error;
      }
    })();

    const fileMessage = fromFiles.problems.find((problem) => problem.path === 'write_task.agent')?.message;
    expect(fileMessage).toBe('"ghost" is not an agent of this crew (agents: researcher, writer)');
    expect((inCode as CrewDefinitionError).problems).toEqual([`task task_1: agent ${fileMessage}`]);
  });

  it('refuses options of the wrong kind, naming each, instead of failing later', () => {
    const bad = () =>
      new Agent({ role: 'Researcher', goal: 'g', backstory: 'b', maxIter: 0, ...({ allow_delegation: true } as object) });
    expect(bad).toThrow(CrewOptionsError);
    expect(bad).toThrow(/Agent "Researcher" has invalid options:\n- maxIter: .*\n- \(options\): Unrecognized key: "allow_delegation"/);
    expect(() => new Crew({ agents: [researcher()], tasks: [new Task({ description: 'd', expectedOutput: 'e', outputJson: z.string() })] })).toThrow(
      /Task "task_1" has invalid options:\n- outputJson: must describe an object/,
    );
  });

  it('needs a model: the engine reads no environment', async () => {
    const a = researcher();
    const crew = new EngineCrew({ agents: [a], tasks: [new Task({ description: 'd', expectedOutput: 'e', agent: a })] });
    await expect(crew.kickoff({ topic: 'x' })).rejects.toThrow(NoModelError);
  });

  it('stops where a person must review, and continues from its state in another crew object after a JSON round trip', async () => {
    server.enqueue({ content: 'Draft one.' }, { content: 'Draft two, shorter.' }, { content: 'Published.' });
    const build = () => {
      const a = writer();
      const draft = new Task({ name: 'draft', description: 'Draft a post about {topic}', expectedOutput: 'A draft', agent: a, humanInput: true });
      const publish = new Task({ name: 'publish', description: 'Publish it', expectedOutput: 'Done', agent: a });
      return new Crew({ agents: [a], tasks: [draft, publish], llm: llmFor(server) });
    };

    const first = await build().kickoff({ topic: 'Wasm' });
    expect(first.status).toBe('awaiting_input');
    const [review] = first.pending as [HumanRequest];
    expect(review).toMatchObject({ kind: 'review', taskId: 'draft', draft: 'Draft one.' });

    const stored = JSON.stringify(first.state);
    const second = await build().resume(JSON.parse(stored), { [review.id]: { type: 'feedback', text: 'Shorter.' } });
    expect(second.status).toBe('awaiting_input');
    const [again] = second.pending as [HumanRequest];
    expect(again).toMatchObject({ kind: 'review', draft: 'Draft two, shorter.' });

    const done = await build().resume(JSON.parse(JSON.stringify(second.state)), { [again.id]: { type: 'approve' } });
    expect(done.status).toBe('completed');
    expect(done.raw).toBe('Published.');
    expect(server.requests).toHaveLength(3);
  });

  it('validates structured output against a zod schema and retries a failing guardrail function', async () => {
    server.enqueue({ content: '{"facts": ["one"]}' }, { content: '{"facts": ["one", "two"]}' });
    const Facts = z.object({ facts: z.array(z.string()) });
    const a = researcher();
    const research = new Task({
      description: 'List facts',
      expectedOutput: 'Facts as JSON',
      agent: a,
      outputJson: Facts,
      guardrail: (output) => ((output.json as z.infer<typeof Facts>).facts.length >= 2 ? { ok: true } : { ok: false, feedback: 'Give at least two facts.' }),
    });
    const crew = new Crew({ agents: [a], tasks: [research] });

    const result = await crew.kickoff({ topic: 'x' }, { llm: llmFor(server) });

    expect(result.json).toEqual({ facts: ['one', 'two'] });
    expect(server.requests[1]?.lastUser).toContain('Give at least two facts.');
  });

  it('skips a task whose condition does not hold and loops back while one does', async () => {
    server.enqueue({ content: 'verdict: needs work' }, { content: 'second pass' }, { content: 'verdict: fine' }, { content: 'verdict: ok' });
    const a = researcher();
    const draft = new Task({ name: 'draft', description: 'Draft', expectedOutput: 'A draft', agent: a });
    const review = new Task({
      name: 'review',
      description: 'Review',
      expectedOutput: 'A verdict',
      agent: a,
      loop: { backTo: draft, while: { task: draft, matches: /needs work/ }, max: 1 },
    });
    const escalate = new Task({ name: 'escalate', description: 'Escalate', expectedOutput: 'x', agent: a, condition: { task: review, matches: 'needs work' } });
    const result = await new Crew({ agents: [a], tasks: [draft, review, escalate] }).kickoff({ topic: 'x' }, { llm: llmFor(server) });

    expect(result.state.loops).toEqual({ review: 1 });
    expect(result.state.tasks.escalate?.status).toBe('skipped');
  });

  it('lets a manager agent outside the agents list run a hierarchical crew by delegating', async () => {
    server.enqueue(
      { toolCalls: [{ name: 'delegate_work_to_coworker', arguments: { task: 'Find facts', context: 'about Wasm', coworker: 'Researcher' } }] },
      { content: 'Facts found.' },
      { content: 'Report done.' },
    );
    const lead = new Agent({ role: 'Lead', goal: 'Deliver', backstory: 'You lead.', allowDelegation: true });
    const a = researcher();
    const crew = new Crew({
      process: 'hierarchical',
      managerAgent: lead,
      agents: [a],
      tasks: [new Task({ description: 'Report on {topic}', expectedOutput: 'A report' })],
    });

    const result = await crew.kickoff({ topic: 'Wasm' }, { llm: llmFor(server) });

    expect(result.raw).toBe('Report done.');
    expect(server.requests[0]?.system).toContain('Lead');
    expect(server.requests[1]?.system).toContain('Researcher');
  });

  it('runs tools made with defineTool from crewbot/tools', async () => {
    const shout = defineTool({ name: 'shout', description: 'Upper-case a text', parameters: z.object({ text: z.string() }), run: ({ text }) => text.toUpperCase() });
    server.enqueue({ toolCalls: [{ name: 'shout', arguments: { text: 'hi' } }] }, { content: 'It said HI.' });
    const a = new Agent({ role: 'Crier', goal: 'Shout', backstory: 'Loud.', tools: [shout] });
    const result = await new Crew({ agents: [a], tasks: [new Task({ description: 'Shout hi', expectedOutput: 'x', agent: a })] }).kickoff({}, { llm: llmFor(server) });

    expect(server.requests[0]?.tools).toEqual(['shout']);
    expect(server.requests[1]?.messages.at(-1)).toMatchObject({ role: 'tool', content: 'HI' });
    expect(result.raw).toBe('It said HI.');
  });
});

describe('a crew written in code, tested without a server', () => {
  it('runs on the scripted model from crewbot/testing, which keeps every request', async () => {
    const { ScriptedLlm } = await import('crewbot/testing');
    const llm = new ScriptedLlm((request) => ({ content: request.messages.some((message) => message.content?.includes('Wasm')) ? 'About Wasm.' : 'Unsure.' }));
    const a = researcher();
    const crew = new Crew({ agents: [a], tasks: [new Task({ description: 'Explain {topic}', expectedOutput: 'One line', agent: a })], llm });

    const result = await crew.kickoff({ topic: 'Wasm' });

    expect(result.raw).toBe('About Wasm.');
    expect(llm.requests).toHaveLength(1);
  });
});

describe('code crews for a Runner', () => {
  it('are found by name, and an unknown name lists the ones given', async () => {
    const { crewsInCode, UnknownCodeCrewError } = await import('crewbot');
    const a = researcher();
    const briefing = new Crew({ name: 'briefing', agents: [a], tasks: [new Task({ description: 'Brief', expectedOutput: 'x', agent: a })] });
    const load = crewsInCode(briefing);

    expect((await load('briefing')).spec).toBe(briefing.spec);
    await expect(load('brefing')).rejects.toThrow(UnknownCodeCrewError);
    await expect(load('brefing')).rejects.toThrow('No crew named "brefing" was given to the runner (it has briefing)');
  });
});

describe('a crew in code with its own process', () => {
  it('runs the process it is given, and is refused without one before any model call', async () => {
    const { ScriptedLlm } = await import('crewbot/testing');
    const { defineProcess } = await import('crewbot');
    const llm = new ScriptedLlm((_request, index) => ({ content: `answer ${index + 1}` }));
    const a = researcher();
    const draft = new Task({ name: 'draft', description: 'Draft', expectedOutput: 'x', agent: a });
    const twice = defineProcess(async ({ run }) => {
      await run('draft');
      await run('draft', { feedback: 'Again, better.' });
    });

    expect(() => new Crew({ agents: [a], tasks: [draft], process: 'custom' })).toThrow(/- customProcess: is missing: process custom needs the code/);
    const result = await new Crew({ agents: [a], tasks: [draft], process: 'custom', customProcess: twice, llm }).kickoff({ topic: 'x' });

    expect(llm.requests).toHaveLength(2);
    expect(result.raw).toBe('answer 2');
  });
});
