import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyEvent, initialProgress, renderProgressText } from '../../src/chat/progressView.ts';
import { Crew } from '../../src/engine/crew.ts';
import type { CrewEvent } from '../../src/engine/events.ts';
import { parseRunState, type RunState } from '../../src/engine/runState.ts';
import { agent, crew, task } from '../support/crewBuilders.ts';
import { startScriptedOpenAI, type RecordedRequest, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { llmFor } from '../support/testLlm.ts';

const isPlanning = (req: RecordedRequest) => req.system.includes('Task Execution Planner');

const plannedCrew = () =>
  crew({
    agents: [agent('writer', { role: 'Writer' })],
    tasks: [
      task('outline', { agent: 'writer', description: 'Outline an article about {topic}.' }),
      task('draft', { agent: 'writer', description: 'Draft the article.' }),
    ],
    planning: true,
    planningLlm: 'planner-model',
  });

describe('planning: a plan for each task before the first one starts', () => {
  let server: ScriptedOpenAI;
  beforeEach(async () => {
    server = await startScriptedOpenAI();
    server.on((req) =>
      isPlanning(req)
        ? {
            content: JSON.stringify({
              plans: [
                { task: 'outline', plan: '1. List three tide facts. 2. Order them.' },
                { task: 'draft', plan: '1. One paragraph per fact.' },
                { task: 'ghost', plan: 'A task the crew does not have.' },
              ],
            }),
          }
        : undefined,
    );
    server.setDefault((req) => ({ content: req.lastUser.includes('Outline') ? 'Outline.' : 'Draft.' }));
  });
  afterEach(async () => {
    await server.close();
  });

  it('makes one planning call with planning_llm, adds each plan to its task prompt and shows the plans', async () => {
    const events: CrewEvent[] = [];
    const checkpoints: RunState[] = [];
    const output = await new Crew(plannedCrew()).kickoff(
      { topic: 'tides' },
      { llm: llmFor(server), onEvent: (event) => events.push(event), checkpoint: (state) => void checkpoints.push(structuredClone(state)) },
    );

    expect(output.status).toBe('completed');
    expect(server.requests.map((req) => (isPlanning(req) ? 'plan' : 'task'))).toEqual(['plan', 'task', 'task']);
    const planning = server.requests[0]!;
    expect(planning.model).toBe('planner-model');
    // The planner sees the tasks with their inputs filled.
    expect(planning.lastUser).toContain('Outline an article about tides.');
    expect(server.requests[1]?.lastUser).toContain('Plan for this task:\n1. List three tide facts. 2. Order them.');
    expect(server.requests[2]?.lastUser).toContain('Plan for this task:\n1. One paragraph per fact.');

    // Kept in the RunState before the first task started.
    const planned = checkpoints.find((state) => state.plans !== undefined)!;
    expect(planned.plans).toEqual({ outline: '1. List three tide facts. 2. Order them.', draft: '1. One paragraph per fact.' });
    expect(planned.tasks.outline?.status).toBe('pending');
    expect(output.usageByAgent['Task Execution Planner']?.llmCalls).toBe(1);

    let view = initialProgress('test_crew', ['outline', 'draft'], 0);
    for (const event of events) view = applyEvent(view, event);
    expect(renderProgressText(view, 0)).toContain('[x] outline — Writer\n      plan: 1. List three tide facts. 2. Order them.');
    expect(events.find((event) => event.type === 'crew_planning_completed')).toMatchObject({ plans: planned.plans });
  });

  it('a resumed run does not plan again', async () => {
    const checkpoints: RunState[] = [];
    await new Crew(plannedCrew()).kickoff({ topic: 'tides' }, { llm: llmFor(server), checkpoint: (state) => void checkpoints.push(structuredClone(state)) });
    const afterOutline = checkpoints.find((state) => state.tasks.outline?.status === 'completed')!;
    server.requests.length = 0;

    await new Crew(plannedCrew()).run(parseRunState(JSON.parse(JSON.stringify(afterOutline))), { llm: llmFor(server) });

    expect(server.requests.filter(isPlanning)).toHaveLength(0);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.lastUser).toContain('1. One paragraph per fact.');
  });
});
