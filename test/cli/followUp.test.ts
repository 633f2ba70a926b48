import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastJsonLine, runCli } from '../support/runCli.ts';
import { startCliEnvironment, type CliEnvironment } from '../support/cliEnvironment.ts';

const CREWS = path.resolve('test/fixtures/cli-crews');

describe('crewbot run --follow-up', () => {
  let cli: CliEnvironment;
  beforeAll(async () => {
    cli = await startCliEnvironment(CREWS, { OPENAI_API_KEY: 'sk-follow-up', OPENAI_MODEL: 'cli-model' });
  });
  afterAll(() => cli.close());

  it('runs the crew again with the earlier inputs, result and reply offered to its first task; --input overrides an input', async () => {
    const { server, env } = cli;
    server.enqueue({ content: 'Hello, Ada!' }, { content: 'Hello, Ada! — crewbot' });
    const first = await runCli(['run', 'greeter', '--input', 'name=Ada', '--json'], env);
    expect(first.code).toBe(0);
    const earlier = lastJsonLine(first.stdout) as { runId: string };

    const before = server.requests.length;
    server.enqueue({ content: 'Warm hello, Bo!' }, { content: 'Warm hello, Bo! — crewbot' });
    const result = await runCli(['run', 'greeter', '--follow-up', earlier.runId, '--reply', 'make it warmer', '--input', 'name=Bo', '--json'], env);
    expect(result.code).toBe(0);
    expect(lastJsonLine(result.stdout)).toMatchObject({ status: 'completed', output: 'Warm hello, Bo! — crewbot' });
    const prompt = server.requests[before]!.lastUser;
    expect(prompt).toContain(`follows up an earlier run of this crew (${earlier.runId})`);
    expect(prompt).toContain('- name: Ada');
    expect(prompt).toContain('Hello, Ada! — crewbot');
    expect(prompt).toContain('make it warmer');
    expect(prompt).toContain('Bo');
    // Only the first task is offered the earlier run.
    expect(server.requests[before + 1]!.lastUser).not.toContain('make it warmer');
  });

  it('refuses to follow up a run that does not exist, with exit 2 and how to find one', async () => {
    const result = await runCli(['run', 'greeter', '--follow-up', 'no-such-run'], cli.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No run no-such-run to follow up');
  });
});
