import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Crew } from '../../src/engine/crew.ts';
import { answerRequest } from '../../src/engine/answers.ts';
import { defineProcess } from '../../src/engine/customProcess.ts';
import { CustomProcessError, NonDeterminismError } from '../../src/engine/errors.ts';
import type { CrewEvent } from '../../src/engine/events.ts';
import type { RunState } from '../../src/engine/runState.ts';
import { replayFrom } from '../../src/engine/workingMemory.ts';
import { agent, crew, task } from '../support/crewBuilders.ts';
import { startScriptedOpenAI, textOf, type RecordedRequest, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { llmFor } from '../support/testLlm.ts';

/** The support crew of the story: triage, then escalate+notify in parallel, or answer with a QA loop. */
const supportProcess = defineProcess(async ({ run, outputs }) => {
  const triage = await run('triage_task');
  if (/urgent/i.test(triage.raw)) {
    await Promise.all([run('escalate_task'), run('notify_task')]);
  } else {
    await run('answer_task');
    for (let i = 0; i < 3 && !/approved/i.test((await run('qa_task')).raw); i++) {
      await run('answer_task', { feedback: outputs.qa_task!.raw });
    }
  }
});

const supportCrew = (process = supportProcess, humanInput = false) =>
  crew({
    name: 'support',
    process: 'custom',
    customProcess: process,
    agents: [agent('agent')],
    tasks: [
      task('triage_task', { agent: 'agent', description: 'Triage: {ticket}' }),
      task('escalate_task', { agent: 'agent' }),
      task('notify_task', { agent: 'agent' }),
      task('answer_task', { agent: 'agent', humanInput }),
      task('qa_task', { agent: 'agent' }),
    ],
    inputs: { ticket: { required: true } },
  });

/** Which task a request is for, read from the prompt the engine wrote. */
const taskOf = (req: RecordedRequest) => /Do (\w+_task)\./.exec(textOf(req))?.[1] ?? (/Triage:/.test(textOf(req)) ? 'triage_task' : 'unknown');

describe('a custom process', () => {
  let server: ScriptedOpenAI;
  beforeEach(async () => {
    server = await startScriptedOpenAI();
  });
  afterEach(async () => {
    await server.close();
  });

  it('runs the parallel branch when triage says urgent, and shows the tasks it never ran as skipped', async () => {
    server.on((req) => (taskOf(req) === 'triage_task' ? { content: 'URGENT: outage' } : undefined));
    server.on((req) => (taskOf(req) === 'escalate_task' ? { content: 'escalated', delayMs: 30 } : undefined));
    server.on((req) => (taskOf(req) === 'notify_task' ? { content: 'notified', delayMs: 30 } : undefined));
    const events: CrewEvent[] = [];
    const output = await new Crew(supportCrew()).kickoff({ ticket: 'site down' }, { llm: llmFor(server), onEvent: (e) => events.push(e) });

    expect(output.status).toBe('completed');
    expect(output.tasks.map((t) => t.taskId).sort()).toEqual(['escalate_task', 'notify_task', 'triage_task']);
    // escalate and notify ran side by side: both started before either finished.
    const order = events.filter((e) => e.type === 'task_started' || e.type === 'task_completed').map((e) => `${e.type}:${e.taskId}`);
    expect(order.slice(2, 4).sort()).toEqual(['task_started:escalate_task', 'task_started:notify_task']);
    const skipped = events.filter((e) => e.type === 'task_skipped').map((e) => e.taskId);
    expect(skipped).toEqual(['answer_task', 'qa_task']);
  });

  it('loops with feedback: each run of a task is its own step and sees the feedback it was given', async () => {
    let qaRounds = 0;
    server.on((req) => (taskOf(req) === 'triage_task' ? { content: 'routine question' } : undefined));
    server.on((req) => (taskOf(req) === 'answer_task' ? { content: `draft ${server.requests.length}` } : undefined));
    server.on((req) => (taskOf(req) === 'qa_task' ? { content: ++qaRounds < 3 ? `needs work: cite the KB (round ${qaRounds})` : 'approved' } : undefined));
    const checkpoints: RunState[] = [];
    const output = await new Crew(supportCrew()).kickoff({ ticket: 'how do I reset?' }, { llm: llmFor(server), checkpoint: (s) => void checkpoints.push(structuredClone(s)) });

    expect(output.status).toBe('completed');
    const steps = checkpoints.at(-1)!.steps.map((step) => `${step.key}:${step.status}`);
    expect(steps).toEqual([
      'triage_task#1:completed',
      'answer_task#1:completed',
      'qa_task#1:completed',
      'answer_task#2:completed',
      'qa_task#2:completed',
      'answer_task#3:completed',
      'qa_task#3:completed',
    ]);
    const answerPrompts = server.requests.filter((req) => taskOf(req) === 'answer_task').map(textOf);
    expect(answerPrompts).toHaveLength(3);
    expect(answerPrompts[1]).toContain('needs work: cite the KB (round 1)');
    expect(answerPrompts[2]).toContain('needs work: cite the KB (round 2)');
  });

  it('resumed from the middle, pays for no finished step again and goes on where it stopped', async () => {
    let qaRounds = 0;
    server.on((req) => (taskOf(req) === 'triage_task' ? { content: 'routine' } : undefined));
    server.on((req) => (taskOf(req) === 'answer_task' ? { content: 'draft' } : undefined));
    server.on((req) => (taskOf(req) === 'qa_task' ? { content: ++qaRounds < 2 ? 'needs work' : 'approved' } : undefined));
    const checkpoints: RunState[] = [];
    await new Crew(supportCrew()).kickoff({ ticket: 't' }, { llm: llmFor(server), checkpoint: (s) => void checkpoints.push(structuredClone(s)) });
    const callsBefore = server.requests.length;
    // The state as it was saved right after qa_task#1 finished, as a crash would leave it.
    const afterFirstQa = checkpoints.find((s) => s.steps.some((step) => step.key === 'qa_task#1' && step.status === 'completed'))!;
    const resumed = structuredClone(afterFirstQa);

    server.requests.length = 0;
    const output = await new Crew(supportCrew()).run(resumed, { llm: llmFor(server) });
    expect(output.status).toBe('completed');
    // Only answer_task#2 and qa_task#2 are paid for again; triage, answer#1 and qa#1 come from the record.
    expect(server.requests.map(taskOf)).toEqual(['answer_task', 'qa_task']);
    expect(callsBefore).toBe(5);
  });

  it('suspends for a review inside the process and continues after the answer', async () => {
    server.on((req) => (taskOf(req) === 'triage_task' ? { content: 'routine' } : undefined));
    server.on((req) => (taskOf(req) === 'answer_task' ? { content: 'draft' } : undefined));
    server.on((req) => (taskOf(req) === 'qa_task' ? { content: 'approved' } : undefined));
    const spec = supportCrew(supportProcess, true);
    let saved: RunState | undefined;
    const first = await new Crew(spec).kickoff({ ticket: 't' }, { llm: llmFor(server), checkpoint: (s) => void (saved = structuredClone(s)) });
    expect(first.status).toBe('awaiting_input');
    expect(first.pending.map((request) => request.kind)).toEqual(['review']);
    // The process is parked at answer_task; qa_task has not been asked for yet.
    expect(server.requests.map(taskOf)).toEqual(['triage_task', 'answer_task']);
    const state = saved!;

    answerRequest(state, first.pending[0]!.id, { type: 'approve' }, { userId: 'U1', name: 'Reviewer' });
    const calls = server.requests.length;
    const second = await new Crew(spec).run(state, { llm: llmFor(server) });
    expect(second.status).toBe('completed');
    expect(server.requests.slice(calls).map(taskOf)).toEqual(['qa_task']);
  });

  it('fails clearly when a resumed process asks for a different step than the run recorded', async () => {
    server.setDefault({ content: 'routine' });
    const checkpoints: RunState[] = [];
    const firstVersion = defineProcess(async ({ run }) => {
      await run('triage_task');
      await run('answer_task');
    });
    await new Crew(supportCrew(firstVersion)).kickoff({ ticket: 't' }, { llm: llmFor(server), checkpoint: (s) => void checkpoints.push(structuredClone(s)) });
    const midway = structuredClone(checkpoints.find((s) => s.steps.some((step) => step.key === 'answer_task#1'))!);

    const changed = defineProcess(async ({ run }) => {
      await run('escalate_task');
    });
    const resumed = new Crew(supportCrew(changed)).run(midway, { llm: llmFor(server) });
    await expect(resumed).rejects.toThrow(NonDeterminismError);
    await expect(resumed).rejects.toThrow(/asked for a new step escalate_task#1, but this run recorded triage_task#1, answer_task#1/);
  });

  it('fails the run with the error the process throws, and names an unknown task', async () => {
    server.setDefault({ content: 'ok' });
    const throwing = defineProcess(async ({ run }) => {
      await run('triage_task');
      throw new Error('no route for this ticket');
    });
    await expect(new Crew(supportCrew(throwing)).kickoff({ ticket: 't' }, { llm: llmFor(server) })).rejects.toThrow(
      /The custom process failed: no route for this ticket/,
    );
    const typo = defineProcess(async ({ run }) => {
      await run('triage');
    });
    const failed = new Crew(supportCrew(typo)).kickoff({ ticket: 't' }, { llm: llmFor(server) });
    await expect(failed).rejects.toThrow(CustomProcessError);
    await expect(failed).rejects.toThrow(/no task "triage" \(tasks: triage_task, escalate_task/);
  });

  it('replays from a task: earlier steps come from the record, that task and later ones run anew', async () => {
    server.setDefault({ content: 'approved' });
    const checkpoints: RunState[] = [];
    const spec = supportCrew();
    await new Crew(spec).kickoff({ ticket: 't' }, { llm: llmFor(server), checkpoint: (s) => void checkpoints.push(structuredClone(s)) });
    const state = structuredClone(checkpoints.at(-1)!);
    replayFrom(state, spec.tasks.map((t) => t.id), 'answer_task');
    expect(state.steps.map((step) => step.key)).toEqual(['triage_task#1']);

    server.requests.length = 0;
    const output = await new Crew(spec).run(state, { llm: llmFor(server) });
    expect(output.status).toBe('completed');
    expect(server.requests.map(taskOf)).toEqual(['answer_task', 'qa_task']);
  });
});

