import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRunStore } from '../../src/runs/openRunStore.ts';
import { nextFire } from '../../src/triggers/scheduler.ts';
import { ScheduleTriggerSchema } from '../../src/triggers/triggerFile.ts';
import { CREWBOT_BIN } from '../support/runCli.ts';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { waitFor } from '../support/slackHarness.ts';

const CREWS = path.resolve('test/fixtures/schedule-crews');

describe('a schedule', () => {
  let dir: string;
  let openai: ScriptedOpenAI;
  const children: ChildProcess[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-schedule-'));
    openai = await startScriptedOpenAI();
    openai.setDefault({ content: 'Tick noted.' });
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    await openai.close();
    await rm(dir, { recursive: true, force: true });
  });

  function serve(storeUrl: string): { child: ChildProcess; stderr: () => string } {
    const child = spawn(process.execPath, [CREWBOT_BIN, 'serve'], {
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), CREWBOT_STORE: storeUrl, CREWBOT_CREWS_DIR: CREWS, OPENAI_BASE_URL: openai.url, OPENAI_API_KEY: 'sk-test', OPENAI_MODEL: 'test-model', PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return { child, stderr: () => stderr };
  }

  it('ticking every second starts one run per tick, with two processes sharing one SQLite store', async () => {
    const storeUrl = `sqlite://${path.join(dir, 'crewbot.sqlite')}`;
    const a = serve(storeUrl);
    const b = serve(storeUrl);
    await waitFor('both processes to serve the schedule', () => a.stderr().includes('Triggers: 1 schedule(s)') && b.stderr().includes('Triggers: 1 schedule(s)'), 45_000);
    const bothUp = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    const stopped = Date.now();
    await Promise.all([once(a.child, 'exit'), once(b.child, 'exit')]);

    const store = await openRunStore(storeUrl);
    try {
      const runs = (await store.listRuns({ limit: 1000 })).filter((run) => run.crew === 'ticking');
      // Each process fires every tick; the store lets one of them start it. Ticks that began before
      // both were up (one process alone) count too, so allow for those seconds.
      const seconds = Math.ceil((stopped - bothUp) / 1000);
      expect(runs.length).toBeGreaterThanOrEqual(2);
      expect(runs.length).toBeLessThanOrEqual(seconds + Math.ceil((bothUp - Math.min(...runs.map((run) => run.createdAt))) / 1000) + 1);
      expect(new Set(runs.map((run) => run.id)).size).toBe(runs.length);
      expect(runs.every((run) => run.inputs.topic === 'tides' && run.requester.userId === 'trigger:schedule')).toBe(true);
      // Every run was advanced once: one LLM call each (a run cut off by SIGTERM mid-call may add one).
      expect(openai.requests.length).toBeLessThanOrEqual(runs.length + 2);
    } finally {
      await store.close();
    }
  }, 90_000);

  it('says when it fires next, in its time zone', () => {
    const trigger = ScheduleTriggerSchema.parse({ schedule: '0 9 * * MON-FRI', timezone: 'Europe/Berlin' });
    // Friday 2026-11-27 12:00 UTC → Monday 09:00 in Berlin (UTC+1 in winter).
    expect(nextFire(trigger, new Date('2026-11-27T12:00:00Z'))?.toISOString()).toBe('2026-11-30T08:00:00.000Z');
    expect(ScheduleTriggerSchema.safeParse({ schedule: '0 9 * *' }).success).toBe(false);
    expect(ScheduleTriggerSchema.safeParse({ schedule: '0 9 * * *', timezone: 'Mars/Base' }).success).toBe(false);
  });
});
