import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastJsonLine, runCli } from '../support/runCli.ts';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';

describe('crewbot triggers, crewbot trigger and validate across crews', () => {
  let dir: string;
  let openai: ScriptedOpenAI;
  let env: Record<string, string>;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-trigger-cli-'));
    openai = await startScriptedOpenAI();
    env = {
      CREWBOT_STORE: `sqlite://${path.join(dir, 'crewbot.sqlite')}`,
      CREWBOT_CREWS_DIR: path.resolve('test/fixtures/trigger-crews'),
      OPENAI_BASE_URL: openai.url,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_MODEL: 'test-model',
    };
  });
  afterEach(async () => {
    await openai.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists every trigger with where it posts and when a schedule fires next', async () => {
    const result = await runCli(['triggers', '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    const listed = lastJsonLine(result.stdout) as Array<Record<string, unknown>>;
    expect(listed.map((entry) => [entry.crew, entry.kind, entry.enabled])).toEqual([
      ['announced', 'schedule', false],
      ['hooked', 'webhook', true],
      ['second_crew', 'after', true],
    ]);
    expect(listed[0]).toMatchObject({ postTo: 'slack:C0TRIGGER1', next: expect.stringMatching(/T\d\d:00:00\.000Z$/) });
    expect(listed[1]).toMatchObject({ endpoint: '/hooks/hooked' });
  });

  it('fires a webhook trigger by hand with an event file, through the same inputs as the real one', async () => {
    openai.setDefault({ content: 'Triaged by hand.' });
    const event = path.join(dir, 'issue.json');
    await writeFile(event, JSON.stringify({ issue: { title: 'Export is slow', body: 'CSV export takes 3 minutes.' } }));
    const result = await runCli(['trigger', 'hooked', '--event', event, '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(lastJsonLine(result.stdout)).toMatchObject({ status: 'completed', output: 'Triaged by hand.' });
    expect(openai.requests[0]?.lastUser).toContain('Hook: write about Export is slow. Details: CSV export takes 3 minutes.');

    const missing = await runCli(['trigger', 'hooked'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Missing inputs? "title", "body"/);
  });

  it('validate refuses chains that lead back to themselves', async () => {
    const result = await runCli(['validate'], { ...env, CREWBOT_CREWS_DIR: path.resolve('test/fixtures/trigger-loop-crews') });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/triggers form a loop: loop_\w → loop_\w → loop_\w/);
  });
});
