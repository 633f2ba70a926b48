import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRunStore } from '../../src/runs/openRunStore.ts';
import { runCli } from '../support/runCli.ts';
import { startCliEnvironment, type CliEnvironment } from '../support/cliEnvironment.ts';
import type { ScriptedOpenAI } from '../support/scriptedOpenAI.ts';

const CREWS = path.resolve('test/fixtures/cli-crews');

describe('npm start (crewbot start)', () => {
  let cli: CliEnvironment;
  let server: ScriptedOpenAI;
  let env: Record<string, string>;
  beforeEach(async () => {
    cli = await startCliEnvironment(CREWS, { OPENAI_API_KEY: 'sk-start-secret-key' });
    ({ server, env } = cli);
  });
  afterEach(() => cli.close());

  it('without a terminal and without --interactive lists the crews and exits, never waiting for input', async () => {
    const result = await runCli(['start'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/greeter — Greets a guest/);
    expect(result.stdout).not.toContain('crewbot> ');
    expect(server.requests).toHaveLength(0);
  });

  it('with --interactive reads the session from stdin: runs `greeter name=Ada`, shows progress and the result, quits with 0', async () => {
    server.enqueue({ content: 'Hello, Ada!' }, { content: 'Hello, Ada! — crewbot' });
    const result = await runCli(['start', '--interactive'], env, { input: 'greeter name=Ada\nquit\n' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('crewbot> greeter name=Ada\n');
    expect(result.stdout).toMatch(/greeter: completed · \d+s · 2 LLM calls/);
    expect(result.stdout).toContain('Result:\nHello, Ada! — crewbot\n');
    expect(result.stdout).toContain('crewbot> quit\n');
    expect(result.stdout).not.toContain('sk-start-secret-key');

    const store = await openRunStore(env.CREWBOT_STORE!);
    try {
      const [run] = await store.listRuns();
      expect(run).toMatchObject({ crew: 'greeter', status: 'completed', requester: { platform: 'console' } });
    } finally {
      await store.close();
    }
  });
});
