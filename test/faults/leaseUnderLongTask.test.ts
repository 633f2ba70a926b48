import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRunnerHarness, type RunnerHarness } from '../support/runnerHarness.ts';

const CREWS = path.resolve('test/fixtures/fault-crews');
const LEASE_TTL_MS = 300;

describe('a lease under a task that outlasts it', () => {
  let h: RunnerHarness;
  beforeEach(async () => {
    h = await startRunnerHarness(CREWS, { leaseTtlMs: LEASE_TTL_MS });
  });
  afterEach(async () => {
    await h.close();
  });

  it('is renewed while the call runs: another runner never gets the run, and nothing is asked twice', async () => {
    // Task 1's call takes five lease lifetimes.
    h.server.on((req) => (req.lastUser.includes('Step one') ? { content: 'Outline.', delayMs: 5 * LEASE_TTL_MS } : undefined));
    h.server.setDefault({ content: 'Done.' });
    const run = await h.runner.kickoff({ crew: 'three_steps', inputs: { topic: 'tides' }, requester: { platform: 'cli', userId: 'fault-test' } });
    const runId = run!.id;
    await expect.poll(() => h.server.requests.length).toBe(1);
    const slowCall = h.server.requests[0]!;

    const other = h.anotherRunner();
    let otherEvents = 0;
    other.subscribe(() => (otherEvents += 1));
    const attempts: Array<{ status: string; holder: string | undefined }> = [];
    while (slowCall.finishedAt === undefined) {
      await sleep(LEASE_TTL_MS / 2);
      const holder = (await h.store.leaseHolder(runId))?.owner;
      const seen = await other.advance(runId);
      attempts.push({ status: seen.status, holder });
    }
    await h.runner.idle();

    // Attempts were made well past the first lease's lifetime, and each found the run held by its runner.
    expect(attempts.length).toBeGreaterThanOrEqual(6);
    for (const attempt of attempts.slice(0, -1)) expect(attempt).toEqual({ status: 'running', holder: h.runner.owner });
    expect(otherEvents).toBe(0);
    expect((await h.store.getRun(runId))?.status).toBe('completed');
    expect(h.server.requests.map((req) => req.lastUser.match(/Step \w+/)?.[0])).toEqual(['Step one', 'Step two', 'Step three']);
  });
});
