import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CrewEvent } from '../../src/engine/events.ts';
import { displayPath } from '../../src/crews/crewDirectory.ts';
import { loadCrew } from '../../src/crews/loadCrew.ts';
import { createBuiltinTools } from '../../src/tools/builtinTools.ts';
import { writeCrew } from '../support/crewFiles.ts';
import { startRunnerHarness, type RunnerHarness } from '../support/runnerHarness.ts';

const requester = { platform: 'cli' as const, userId: 'corpus' };

/**
 * Crews shaped like the classic crewAI-examples projects, copied as they are: their Python assigns
 * agents, so the YAML tasks name none; some have one agent; one has an empty expected_output. The
 * model answers every call with plain text, as small local models do.
 */
describe('CrewAI example crews on a model that answers in plain text', () => {
  let work: string;
  let h: RunnerHarness;
  let events: CrewEvent[];
  beforeEach(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'crewbot-corpus-'));
    h = await startRunnerHarness(path.join(work, 'crews'));
    events = [];
    h.runner.subscribe((_run, event) => events.push(event));
    h.server.on((req) => ({ content: `Plain answer to: ${req.lastUser.slice(0, 40)}` }));
  });
  afterEach(async () => {
    await h.close();
    await rm(work, { recursive: true, force: true });
  });

  const allocations = () => events.flatMap((event) => (event.type === 'task_allocated' ? [{ task: event.taskId, agent: event.agent, reason: event.reason }] : []));

  it('routes agent-less tasks of a multi-agent crew by role, goal and backstory when the routing answer is unusable', async () => {
    await writeCrew(h.crewsDir, 'trip_planner', {
      agents: {
        city_selection_agent: { role: 'City Selection Expert', goal: 'Select the best city based on weather, season and prices', backstory: 'An expert in analyzing travel data to pick ideal destinations' },
        local_expert: { role: 'Local Expert at this city', goal: 'Provide the best insights about the selected city', backstory: 'A knowledgeable local guide with extensive information about the city, its attractions and customs' },
        travel_concierge: { role: 'Amazing Travel Concierge', goal: 'Create the most amazing travel itineraries with budget and packing suggestions', backstory: 'Specialist in travel planning and logistics with decades of experience' },
      },
      tasks: {
        identify_task: { description: 'Analyze and select the best city for the trip based on weather patterns, seasonal events and travel costs.', expected_output: 'A detailed report on the chosen city.' },
        plan_task: { description: 'Expand this guide into a full 7-day travel itinerary with a budget and a packing list.', expected_output: 'A complete itinerary.' },
      },
    });
    const run = await h.runner.kickoff({ crew: 'trip_planner', inputs: {}, requester });
    await h.runner.idle();
    expect((await h.store.getRun(run!.id))?.status).toBe('completed');
    expect(allocations()).toEqual([
      { task: 'identify_task', agent: 'City Selection Expert', reason: expect.stringMatching(/^the routing answer was unusable; City Selection Expert best matches/) },
      { task: 'plan_task', agent: 'Amazing Travel Concierge', reason: expect.stringMatching(/^the routing answer was unusable; Amazing Travel Concierge best matches/) },
    ]);
  });

  it('gives every agent-less task of a one-agent crew to that agent without a routing call', async () => {
    await writeCrew(h.crewsDir, 'instagram_post', {
      agents: { copywriter: { role: 'Copywriter', goal: 'Write engaging posts', backstory: 'You write for social media.' } },
      tasks: {
        draft: { description: 'Draft a post about {product}.', expected_output: 'A post.' },
        polish: { description: 'Polish the post.', expected_output: 'The final post.' },
      },
    });
    const run = await h.runner.kickoff({ crew: 'instagram_post', inputs: { product: 'tea' }, requester });
    await h.runner.idle();
    expect((await h.store.getRun(run!.id))?.status).toBe('completed');
    expect(allocations()).toEqual([
      { task: 'draft', agent: 'Copywriter', reason: 'the crew has one agent' },
      { task: 'polish', agent: 'Copywriter', reason: 'the crew has one agent' },
    ]);
    // One call per task: nothing was spent on routing.
    expect(h.server.requests).toHaveLength(2);
  });

  it('loads a task with an empty expected_output with a warning, and its prompt says nothing about expected output', async () => {
    const dir = await writeCrew(h.crewsDir, 'landing_page_generator', {
      agents: { senior_idea_analyst: { role: 'Senior Idea Analyst', goal: 'Understand and expand ideas', backstory: 'You analyse ideas.' } },
      tasks: { expand_idea: { description: 'Expand the idea of {idea}.', expected_output: '', agent: 'senior_idea_analyst' } },
    });
    const loaded = await loadCrew(dir, { builtinTools: createBuiltinTools({}) });
    expect(loaded.warnings).toContain(`${displayPath(dir, process.cwd())}/tasks.yaml: expand_idea.expected_output is empty; the agent is not told what output is expected`);

    const run = await h.runner.kickoff({ crew: 'landing_page_generator', inputs: { idea: 'a tea shop' }, requester });
    await h.runner.idle();
    expect((await h.store.getRun(run!.id))?.status).toBe('completed');
    expect(h.server.requests[0]?.lastUser).toBe('Expand the idea of a tea shop.');
  });
});
