import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRunStore } from '../../src/runs/openRunStore.ts';
import type { RunStatus } from '../../src/runs/runRecord.ts';
import { readEventLog } from '../../src/runs/eventLog.ts';
import { startCliEnvironment, type CliEnvironment } from '../support/cliEnvironment.ts';
import { lastJsonLine, runCli } from '../support/runCli.ts';

const CREWS = path.resolve('test/fixtures/cli-crews');
const DAY = 24 * 3600_000;

describe('keeping the run store small', () => {
  let cli: CliEnvironment;
  beforeAll(async () => {
    cli = await startCliEnvironment(CREWS);
  });
  afterAll(() => cli.close());

  it('logs events without repeating task outputs, and the timeline still shows them', async () => {
    cli.server.enqueue({ content: 'Hello, Ada! A long greeting.' }, { content: 'Hello, Ada! — signed, crewbot' });
    const result = await runCli(['run', 'greeter', '--input', 'name=Ada', '--json'], cli.env);
    expect(result.code, result.stderr).toBe(0);
    const { runId } = lastJsonLine(result.stdout) as { runId: string };
    const store = await openRunStore(cli.env.CREWBOT_STORE!);
    try {
      const stored = JSON.stringify(await store.getEvents(runId));
      expect(stored).toContain('task_completed');
      expect(stored).not.toContain('A long greeting');
      const timeline = await readEventLog(store, runId);
      const completed = timeline.filter((event) => event.type === 'task_completed');
      expect(completed.map((event) => event.type === 'task_completed' && event.output.raw)).toEqual([
        'Hello, Ada! A long greeting.',
        'Hello, Ada! — signed, crewbot',
      ]);
    } finally {
      await store.close();
    }
    const shown = await runCli(['show', runId], cli.env);
    expect(shown.stdout).toContain('Hello, Ada! — signed, crewbot');
  });

  it('prune deletes finished runs older than the cut-off and never a running or waiting one', async () => {
    const store = await openRunStore(cli.env.CREWBOT_STORE!);
    const ids: Record<string, string> = {};
    try {
      const make = async (name: string, status: RunStatus) => {
        const run = await store.createRun({ crew: 'greeter', inputs: { name }, requester: { platform: 'cli', userId: 'me' } });
        await store.updateRun(run.id, { status, ...(status === 'completed' || status === 'failed' || status === 'cancelled' ? { finishedAt: Date.now() - 40 * DAY } : {}) });
        ids[name] = run.id;
      };
      await make('old-done', 'completed');
      await make('old-failed', 'failed');
      await make('waiting', 'awaiting_input');
      await make('running', 'running');
      const fresh = await store.createRun({ crew: 'greeter', inputs: { name: 'fresh' }, requester: { platform: 'cli', userId: 'me' } });
      await store.updateRun(fresh.id, { status: 'completed' });
      ids.fresh = fresh.id;
    } finally {
      await store.close();
    }

    const refused = await runCli(['prune', '--older-than', '30d', '--status', 'running'], cli.env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/never deletes a run that is queued, running or waiting/);

    const dry = await runCli(['prune', '--older-than', '30d', '--dry-run'], cli.env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(ids['old-done']);
    expect(dry.stdout).toContain(ids['old-failed']);
    expect(dry.stderr).toMatch(/Nothing was deleted/);

    const onlyFailed = await runCli(['prune', '--older-than', '30d', '--status', 'failed'], cli.env);
    expect(onlyFailed.stderr).toMatch(/Deleted 1 run/);
    const all = await runCli(['prune', '--older-than', '30d'], cli.env);
    expect(all.stderr).toMatch(/Deleted 1 run/);

    const after = await openRunStore(cli.env.CREWBOT_STORE!);
    try {
      expect(await after.getRun(ids['old-done']!)).toBeUndefined();
      expect(await after.getRun(ids['old-failed']!)).toBeUndefined();
      expect((await after.getRun(ids.waiting!))?.status).toBe('awaiting_input');
      expect((await after.getRun(ids.running!))?.status).toBe('running');
      expect((await after.getRun(ids.fresh!))?.status).toBe('completed');
    } finally {
      await after.close();
    }
  }, 120_000);
});
