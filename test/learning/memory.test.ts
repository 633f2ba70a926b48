import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResultJson } from '../../src/cli/runOutcome.ts';
import { PAST_RESULTS_HEADING, RECALL_BUDGET } from '../../src/learning/recall.ts';
import { startCliEnvironment, type CliEnvironment } from '../support/cliEnvironment.ts';
import { lastJsonLine, runCli } from '../support/runCli.ts';
import type { ScriptedOpenAI } from '../support/scriptedOpenAI.ts';

const CREWS = path.resolve('test/fixtures/learning-crews');
const OSLO_PLAN = `Oslo weekend: Saturday the Viking Ship Museum and a ferry to Hovedøya; Sunday the Munch museum. ${'Bring a rain jacket. '.repeat(30)}`;

describe('memory: true, a crew recalling its earlier runs', () => {
  let cli: CliEnvironment;
  let server: ScriptedOpenAI;
  let env: Record<string, string>;
  beforeAll(async () => {
    cli = await startCliEnvironment(CREWS);
    ({ server, env } = cli);
  });
  afterAll(() => cli.close());

  /** Runs trip_planner for a city; returns the prompt its task was given. */
  async function plan(city: string, answer: string): Promise<{ runId: string; prompt: string }> {
    const before = server.requests.length;
    server.enqueue({ content: answer });
    const result = await runCli(['run', 'trip_planner', '--input', `city=${city}`, '--json'], env);
    expect(result.code).toBe(0);
    return { runId: (lastJsonLine(result.stdout) as RunResultJson).runId, prompt: server.requests[before]!.lastUser };
  }

  it('offers a past run’s output, marked as past and within the bound, until the memory is cleared', async () => {
    const first = await plan('Oslo', OSLO_PLAN);
    expect(first.prompt).not.toContain(PAST_RESULTS_HEADING);
    await plan('Lisbon', 'Lisbon weekend: trams, pastéis de nata and the Alfama.');

    const again = await plan('Oslo', 'Oslo again: the Opera house roof and Vigeland park.');
    const offered = again.prompt.slice(again.prompt.indexOf(PAST_RESULTS_HEADING));
    expect(offered).toContain(`From run ${first.runId.slice(0, 8)}`);
    expect(offered).toContain('city=Oslo');
    expect(offered).toContain('Saturday the Viking Ship Museum');
    // Bounded: the long plan is cut short, and the whole block stays within the budget.
    expect(offered).not.toContain(OSLO_PLAN.trim());
    expect(offered.length).toBeLessThanOrEqual(PAST_RESULTS_HEADING.length + RECALL_BUDGET.maxChars + 200 * RECALL_BUDGET.maxResults);
    // The Oslo run ranks first for Oslo.
    expect(offered.indexOf('Viking Ship')).toBeLessThan(offered.indexOf('Lisbon') === -1 ? Infinity : offered.indexOf('Lisbon'));

    const listed = await runCli(['memory', 'trip_planner'], env);
    expect(listed.stdout).toContain('recalls its 3 latest completed runs');
    expect(listed.stdout).toContain(first.runId);

    const cleared = await runCli(['memory', 'trip_planner', '--clear'], env);
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toContain('no longer recalls its 3 earlier runs');
    const fresh = await plan('Oslo', 'Oslo: fjord cruise.');
    expect(fresh.prompt).not.toContain(PAST_RESULTS_HEADING);
    expect(fresh.prompt).not.toContain('Viking Ship');
  });

  it('is off by default: a crew without memory: true is offered nothing of its past', async () => {
    server.enqueue({ content: 'Where is my refund? It arrives in 5 days.' });
    const first = await runCli(['run', 'support_desk', '--input', 'question=refund', '--json'], env);
    const runId = (lastJsonLine(first.stdout) as RunResultJson).runId;
    await runCli(['resume', runId, '--approve'], env);
    const before = server.requests.length;
    server.enqueue({ content: 'Another reply.' });
    await runCli(['run', 'support_desk', '--input', 'question=refund', '--json'], env);
    expect(server.requests[before]!.lastUser).not.toContain(PAST_RESULTS_HEADING);
  });
});
