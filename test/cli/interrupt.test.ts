import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastJsonLine, runCli } from '../support/runCli.ts';
import { startCliEnvironment, type CliEnvironment } from '../support/cliEnvironment.ts';
import type { ScriptedOpenAI } from '../support/scriptedOpenAI.ts';

const CREWS = path.resolve('test/fixtures/cli-crews');

describe('Ctrl-C on crewbot run', () => {
  let cli: CliEnvironment;
  let server: ScriptedOpenAI;
  let env: Record<string, string>;
  beforeAll(async () => {
    cli = await startCliEnvironment(CREWS);
    ({ server, env } = cli);
  });
  afterAll(() => cli.close());

  it('says the run is interrupted and saved, keeps the tokens it used, and resume finishes it', async () => {
    server.enqueue({ content: 'Hello, Ada!', usage: { prompt_tokens: 500, completion_tokens: 69 } });
    // The second task's call never answers: Ctrl-C comes while the model is thinking.
    server.enqueue({ hang: true });
    const run = await runCli(['run', 'greeter', '--input', 'name=Ada'], env, { interruptWhen: (stderr) => /working on sign_task/.test(stderr) });

    expect(run.code).toBe(130);
    const runId = /Run (\S+) started/.exec(run.stderr)?.[1] ?? '';
    // One true thing: not "cancelled" and then "saved".
    expect(run.stderr).not.toMatch(/cancel/i);
    expect(run.stderr.trim().split('\n').at(-1)).toBe(`Interrupted. Run ${runId} is saved; continue it with: npx crewbot resume ${runId}`);

    const listed = await runCli(['runs', '--json'], env);
    expect(lastJsonLine(listed.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ id: runId, status: 'running', usage: expect.objectContaining({ promptTokens: 500, completionTokens: 69 }) })]));

    server.enqueue({ content: 'Hello, Ada! — crewbot', usage: { prompt_tokens: 20, completion_tokens: 6 } });
    const resumed = await runCli(['resume', runId], env);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout.trim()).toBe('Hello, Ada! — crewbot');
  });
});
