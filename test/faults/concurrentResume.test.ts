import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CrewEvent } from '../../src/engine/events.ts';
import { newRunState } from '../../src/engine/runState.ts';
import { startRunnerHarness, type RunnerHarness } from '../support/runnerHarness.ts';
import { startRunnerProcess, type RunnerProcess } from '../support/runnerProcess.ts';

const CREWS = path.resolve('test/fixtures/fault-crews');
const STEPS = ['Step one', 'Step two', 'Step three'];

describe('two processes resuming the same run at the same instant', () => {
  let h: RunnerHarness;
  beforeEach(async () => {
    h = await startRunnerHarness(CREWS);
    // Every call takes a while, so the two processes overlap for the whole run.
    h.server.setDefault({ content: 'Done.', delayMs: 150 });
  });
  afterEach(async () => {
    await h.close();
  });

  /** A run its process left `running` when it died before its first step: the lease it held has run out. */
  async function orphanedRun(): Promise<string> {
    const run = await h.store.createRun({ crew: 'three_steps', inputs: { topic: 'tides' }, requester: { platform: 'cli', userId: 'fault-test' } });
    await h.store.saveCheckpoint(run.id, newRunState(run.id, 'three_steps', { topic: 'tides' }, ['outline_task', 'draft_task', 'polish_task']));
    expect(await h.store.acquireLease(run.id, 'a-process-that-died', 1)).toBeDefined();
    await h.store.updateRun(run.id, { status: 'running' });
    await expect.poll(() => h.store.leaseHolder(run.id)).toBeUndefined();
    return run.id;
  }

  /** Starts both, waits until both are ready, then lets them go together. */
  async function race(args: string[]): Promise<[RunnerProcess, RunnerProcess]> {
    const env = { storeUrl: h.storeUrl, llmUrl: h.server.url, crewsDir: CREWS, leaseTtlMs: 2_000, startOnStdin: true };
    const both: [RunnerProcess, RunnerProcess] = [startRunnerProcess(args, env), startRunnerProcess(args, env)];
    await Promise.all(both.map((p) => p.waitForLine((line) => line === 'ready', 'ready')));
    for (const p of both) p.send('go');
    for (const p of both) {
      const exit = await p.exited;
      expect(exit.code, exit.stderr).toBe(0);
    }
    return both;
  }

  async function expectAdvancedExactlyOnce(runId: string) {
    // Every task prompt reached the model once: no step was run twice.
    expect(STEPS.map((step) => h.server.requests.filter((req) => req.lastUser.includes(step)).length)).toEqual([1, 1, 1]);
    expect(h.server.requests).toHaveLength(3);
    expect((await h.store.getRun(runId))?.status).toBe('completed');
    const events = (await h.store.getEvents(runId)) as CrewEvent[];
    expect(events.filter((event) => event.type === 'crew_kickoff_started')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'crew_kickoff_completed')).toHaveLength(1);
  }

  it('both `advance` it: exactly one does, the other returns the record without running it', async () => {
    const runId = await orphanedRun();
    const processes = await race(['advance', runId]);

    const reports = processes.flatMap((p) => p.results().flatMap((line) => ('run' in line ? [line] : [])));
    expect(reports).toHaveLength(2);
    expect(reports.map((report) => report.advanced).sort()).toEqual([false, true]);
    expect(reports.find((report) => report.advanced)?.run.status).toBe('completed');
    expect(reports.find((report) => !report.advanced)?.run.status).not.toBe('failed');
    // The one that did not advance it printed no progress of its own.
    const loser = processes.find((p) => p.results().some((line) => 'run' in line && !line.advanced));
    expect(loser?.lines.filter((line) => line.startsWith('event '))).toEqual([]);
    await expectAdvancedExactlyOnce(runId);
  }, 60_000);

  it('both `recover` at start-up: exactly one takes it over', async () => {
    const runId = await orphanedRun();
    const processes = await race(['recover']);

    const advancedBy = processes.filter((p) => p.results().some((line) => 'run' in line && line.advanced));
    expect(advancedBy).toHaveLength(1);
    // The other found it already taken (not listed as orphaned, or listed but not advanced).
    const other = processes.find((p) => !advancedBy.includes(p));
    expect(other?.results().some((line) => 'run' in line && line.advanced)).toBe(false);
    await expectAdvancedExactlyOnce(runId);
  }, 60_000);
});
