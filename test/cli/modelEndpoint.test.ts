import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lastJsonLine, runCli } from '../support/runCli.ts';
import { startCliEnvironment, type CliEnvironment } from '../support/cliEnvironment.ts';
import { startScriptedOpenAI } from '../support/scriptedOpenAI.ts';

const CREWS = path.resolve('test/fixtures/endpoint-crews');

describe('a run that cannot reach a model says why, at once', () => {
  let cli: CliEnvironment;
  beforeAll(async () => {
    cli = await startCliEnvironment(CREWS, { OPENAI_MODEL: 'llama3.1' });
  });
  afterAll(() => cli.close());
  beforeEach(() => {
    cli.server.requests.length = 0;
    cli.server.serveOnly(['llama3.1']);
  });

  it('with neither OPENAI_API_KEY nor OPENAI_BASE_URL, the run is refused before it starts, saying what to set', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-nokey-'));
    const env = { CREWBOT_CREWS_DIR: CREWS, CREWBOT_STORE: `sqlite://${path.join(dir, 'runs.sqlite')}` };
    try {
      const result = await runCli(['run', 'notes', '--json'], env);

      expect(result.code).toBe(2);
      expect(result.stderr).toContain('No model endpoint is configured: set OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL');
      expect(result.stdout).toBe('');
      // Nothing was started, so there is nothing to resume or clean up.
      const runs = await runCli(['runs', '--json'], env);
      expect(JSON.parse(runs.stdout)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a local server that is not running: one quick retry, then "is the server running at <url>?", and no task retries', async () => {
    const gone = await startScriptedOpenAI();
    await gone.close();
    const result = await runCli(['run', 'notes', '--json'], { ...cli.env, OPENAI_BASE_URL: gone.url });

    expect(result.code).toBe(1);
    const json = lastJsonLine(result.stdout) as { status: string; error: string };
    expect(json.status).toBe('failed');
    expect(json.error).toContain(`LLM endpoint ${gone.url} cannot be reached (ECONNREFUSED, 2 attempts): is the server running at ${gone.url}?`);
    // max_retry_limit does not multiply the wait: the task gave up on the first failure.
    expect(json.error).not.toContain('max_retry_limit');
    expect(result.stderr).not.toContain('retrying');
    expect(result.stderr).not.toContain('sk-test-not-a-real-key');
  });

  it('a model the server does not serve, named by manager_llm: the error names crew.yaml and the key', async () => {
    const result = await runCli(['run', 'managed', '--json'], cli.env);

    expect(result.code).toBe(1);
    const json = lastJsonLine(result.stdout) as { error: string };
    expect(json.error).toContain('The model `gpt-4o` does not exist');
    expect(json.error).toMatch(/model "gpt-4o" comes from \S*endpoint-crews\/managed\/crew\.yaml: manager_llm; name a model the server serves there/);
    // A request the server refused is not sent again, by the client or by the task.
    expect(cli.server.requests.map((request) => request.model)).toEqual(['gpt-4o']);
  });

  it("a model named by an agent's llm: the error names agents.yaml and the agent", async () => {
    const result = await runCli(['run', 'picky', '--json'], cli.env);

    expect(result.code).toBe(1);
    expect((lastJsonLine(result.stdout) as { error: string }).error).toMatch(/model "gpt-4o-nope" comes from \S*endpoint-crews\/picky\/agents\.yaml: picky\.llm/);
  });

  it('the default model: the error names OPENAI_MODEL', async () => {
    const result = await runCli(['run', 'notes', '--json'], { ...cli.env, OPENAI_MODEL: 'llama9' });

    expect(result.code).toBe(1);
    expect((lastJsonLine(result.stdout) as { error: string }).error).toContain('model "llama9" comes from OPENAI_MODEL (the default model)');
  });

  it('the model the server serves: the same crews complete', async () => {
    cli.server.setDefault({ content: 'Tides follow the moon.' });
    const result = await runCli(['run', 'notes', '--json'], cli.env);

    expect(result.code).toBe(0);
    expect(cli.server.requests.map((request) => request.model)).toEqual(['llama3.1']);
  });
});
