import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastJsonLine, runCli } from '../support/runCli.ts';
import { startCliEnvironment, type CliEnvironment } from '../support/cliEnvironment.ts';
import type { ScriptedOpenAI } from '../support/scriptedOpenAI.ts';

const CREWS = path.resolve('test/fixtures/cli-crews');

describe('the crewbot command', () => {
  let cli: CliEnvironment;
  let server: ScriptedOpenAI;
  let env: Record<string, string>;
  beforeAll(async () => {
    cli = await startCliEnvironment(CREWS, { OPENAI_API_KEY: 'sk-cli-secret-key', OPENAI_MODEL: 'cli-model' });
    ({ server, env } = cli);
  });
  afterAll(() => cli.close());

  it('lists crews with their description and inputs', async () => {
    const result = await runCli(['list'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/greeter — Greets a guest/);
    expect(result.stdout).toMatch(/--input name=… Who to greet \(required\)/);
    expect(result.stdout).toMatch(/broken/);
  });

  it('runs a crew: progress on stderr, the JSON result as the last line of stdout, exit 0', async () => {
    server.enqueue({ content: 'Hello, Ada!', usage: { prompt_tokens: 12, completion_tokens: 4 } });
    server.enqueue({ content: 'Hello, Ada! — crewbot', usage: { prompt_tokens: 20, completion_tokens: 6 } });
    const result = await runCli(['run', 'greeter', '--input', 'name=Ada', '--json'], env);
    expect(result.code).toBe(0);
    expect(lastJsonLine(result.stdout)).toEqual({
      runId: expect.any(String),
      status: 'completed',
      output: 'Hello, Ada! — crewbot',
      tasks: [
        { id: 'greet_task', agent: 'Greeter', status: 'completed', output: 'Hello, Ada!', costUsd: null },
        { id: 'sign_task', agent: 'Greeter', status: 'completed', output: 'Hello, Ada! — crewbot', costUsd: null },
      ],
      // cli-model has no known price: tokens count, the cost is unknown rather than guessed.
      usage: { llmCalls: 2, promptTokens: 32, completionTokens: 10, costUsd: null, unpricedCalls: 2 },
      agents: [{ agent: 'Greeter', llmCalls: 2, promptTokens: 32, completionTokens: 10, costUsd: null, unpricedCalls: 2 }],
      toolErrors: [],
    });
    expect(result.stderr).toMatch(/\[x\] greet_task — Greeter/);
    expect(result.stderr).toMatch(/Greeter is working on sign_task/);
    expect(server.requests.at(-1)?.model).toBe('cli-model');
  });

  it('streams what the agent writes under the checklist, line by line, as the model writes it', async () => {
    server.enqueue(
      { content: 'Dear Ada,\nwelcome aboard.\nSee you soon.', chunkChars: 3 },
      { content: 'Dear Ada, welcome. — crewbot', chunkChars: 5 },
    );
    const result = await runCli(['run', 'greeter', '--input', 'name=Ada'], env);
    expect(result.code).toBe(0);
    const lines = result.stderr.split('\n');
    const at = (text: string) => lines.indexOf(text);
    // Each line once, whole, in order, after the step that wrote it and before the task is checked off.
    expect(at('  │ Dear Ada,')).toBeGreaterThan(lines.findIndex((line) => line.includes('Greeter is thinking')));
    expect(at('  │ welcome aboard.')).toBe(at('  │ Dear Ada,') + 1);
    expect(at('  │ See you soon.')).toBe(at('  │ Dear Ada,') + 2);
    expect(lines.findIndex((line) => line.includes('[x] greet_task'))).toBeGreaterThan(at('  │ See you soon.'));
    expect(at('  │ Dear Ada, welcome. — crewbot')).toBeGreaterThan(at('  │ See you soon.'));
    expect(server.requests.at(-1)?.stream).toBe(true);
  });

  it('runs a crew given by the path to its directory', async () => {
    server.enqueue({ content: 'Hi' }, { content: 'Hi — signed' });
    const result = await runCli(['run', path.join(CREWS, 'greeter'), '-i', 'name=Bo'], env);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('Hi — signed');
  });

  it('exits 1 with the reason when the run fails, and never prints the API key', async () => {
    server.enqueue({ status: 401, errorBody: { error: { message: 'Incorrect API key provided: sk-cli-secret-key' } } });
    const result = await runCli(['run', 'greeter', '--input', 'name=Ada', '--json'], env);
    expect(result.code).toBe(1);
    const json = lastJsonLine(result.stdout) as { status: string; error: string; tasks: Array<{ status: string }> };
    expect(json.status).toBe('failed');
    expect(json.error).toMatch(/OPENAI_API_KEY/);
    expect(json.tasks.map((t) => t.status)).toEqual(['failed', 'pending']);
    expect(result.stdout + result.stderr).not.toContain('sk-cli-secret-key');
  });

  it('exits 2 for a missing input, naming it', async () => {
    const result = await runCli(['run', 'greeter'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Missing input "name": pass --input name=\.\.\./);
  });

  it('exits 2 for an unknown crew, listing the crews there are', async () => {
    const result = await runCli(['run', 'nope'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/greeter/);
  });

  it('validates crews: exit 0 when valid, exit 2 naming every problem', async () => {
    const good = await runCli(['validate', 'greeter'], env);
    expect(good.code).toBe(0);
    const bad = await runCli(['validate', 'greeter', 'broken'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/agents\.yaml: writer\.backstory/);
    expect(bad.stderr).toMatch(/tasks\.yaml: write_task\.agent "ghost"/);
  });

  it('refuses a mistyped --input with exit 2 and the input it resembles, instead of running with the default', async () => {
    const requestsBefore = server.requests.length;
    const result = await runCli(['run', 'greeter', '--input', 'nme=Ada'], env);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('greeter has no input "nme" (did you mean name?).\ngreeter inputs:\n  --input name=… Who to greet (required)');
    expect(server.requests).toHaveLength(requestsBefore);
  });

  it("shows the --input form of a run written with the terminal's key=value words", async () => {
    const result = await runCli(['run', 'greeter', 'name=Ada Lovelace'], env);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('crewbot run takes inputs as --input key=value:\n  npx crewbot run greeter --input name="Ada Lovelace"\n');
    expect(result.stderr).not.toMatch(/Name one crew/);
  });

  it('exits 2 with usage for a bad command line', async () => {
    const result = await runCli(['run', 'greeter', '--input', 'oops'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not key=value/);
  });
});
