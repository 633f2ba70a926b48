import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PriceTable, loadPriceTable } from '../../src/llm/prices.ts';
import { startCliEnvironment, type CliEnvironment } from '../support/cliEnvironment.ts';
import { writeCrew } from '../support/crewFiles.ts';
import { lastJsonLine, runCli } from '../support/runCli.ts';

const CREWS = path.resolve('test/fixtures/cli-crews');

describe('what a run costs', () => {
  let work: string;
  let cli: CliEnvironment;
  beforeEach(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'crewbot-cost-'));
    cli = await startCliEnvironment(CREWS);
    cli.server.on(() => ({ content: 'Welcome, Ada!', usage: { prompt_tokens: 1_000, completion_tokens: 500 } }));
  });
  afterEach(async () => {
    await cli.close();
    await rm(work, { recursive: true, force: true });
  });

  it('prices known models, dated snapshots included, and never guesses a price for an unknown one', () => {
    const prices = new PriceTable();
    expect(prices.costOf('gpt-4o-mini', 1_000_000, 1_000_000)).toBeCloseTo(0.75);
    expect(prices.costOf('gpt-4o-mini-2024-07-18', 1_000_000, 0)).toBeCloseTo(0.15);
    expect(prices.costOf('openai/gpt-4o', 0, 1_000_000)).toBeCloseTo(10);
    expect(prices.costOf('llama3.1:8b', 1_000, 1_000)).toBeUndefined();
    expect(prices.costOf('gpt-4o-realtime-preview', 1_000, 1_000)).toBeUndefined();
  });

  it('takes prices from the CREWBOT_PRICES file over the built-in table, and says what is wrong with a bad one', async () => {
    const file = path.join(work, 'prices.yaml');
    await writeFile(file, 'test-model: {input: 2, output: 8}\ngpt-4o: {input: 1, output: 1}\n');
    const prices = await loadPriceTable(file);
    expect(prices.costOf('test-model', 1_000_000, 0)).toBe(2);
    expect(prices.costOf('gpt-4o', 1_000_000, 0)).toBe(1);
    await writeFile(file, 'test-model: {input: cheap}\n');
    await expect(loadPriceTable(file)).rejects.toThrow(/prices\.yaml: .*Write each model as model: \{input: 2\.5, output: 10\}/s);
  });

  it('reports cost per task, per agent and per run in --json, crewbot runs and crewbot show', async () => {
    const file = path.join(work, 'prices.json');
    await writeFile(file, JSON.stringify({ 'test-model': { input: 2, output: 8 } }));
    const env = { ...cli.env, OPENAI_MODEL: 'test-model', CREWBOT_PRICES: file };
    const run = await runCli(['run', 'greeter', '--input', 'name=Ada', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const result = lastJsonLine(run.stdout) as { runId: string; usage: { costUsd: number }; tasks: Array<{ costUsd: number }>; agents: Array<{ agent: string; costUsd: number }> };
    // Two calls of 1,000 prompt + 500 completion tokens at $2 / $8 per million: $0.006 each.
    expect(result.usage).toMatchObject({ llmCalls: 2, costUsd: 0.012 });
    expect(result.tasks.map((task) => task.costUsd)).toEqual([0.006, 0.006]);
    expect(result.agents).toEqual([expect.objectContaining({ agent: 'Greeter', costUsd: 0.012 })]);

    const runs = await runCli(['runs'], env);
    expect(runs.stdout).toMatch(/TOKENS\s+COST\n.*3000\s+\$0\.01/);
    const show = await runCli(['show', result.runId], env);
    expect(show.stdout).toContain('2 LLM calls, 2000 prompt + 1000 completion tokens, $0.01');
    expect(show.stdout).toContain('  Greeter: 2 calls, 3000 tokens, $0.01');
    expect(show.stdout).toContain('greet_task — Greeter ($0.0060)');
  }, 180_000);

  it('shows tokens and "price unknown" for a model with no known price', async () => {
    const env = { ...cli.env, OPENAI_MODEL: 'llama3.1:8b' };
    const run = await runCli(['run', 'greeter', '--input', 'name=Ada', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect((lastJsonLine(run.stdout) as { usage: unknown }).usage).toEqual({ llmCalls: 2, promptTokens: 2000, completionTokens: 1000, costUsd: null, unpricedCalls: 2 });
    const runs = await runCli(['runs'], env);
    expect(runs.stdout).toMatch(/3000\s+price unknown/);
  }, 120_000);

  it('stops at limits.max_cost_usd with a budget request: approving extends it by the same amount, denying fails the run', async () => {
    const crews = path.join(work, 'crews');
    await writeCrew(crews, 'budgeted', {
      agents: { writer: { role: 'Writer', goal: 'Write', backstory: 'You write.' } },
      tasks: {
        one: { description: 'Write part one.', expected_output: 'Part one.', agent: 'writer' },
        two: { description: 'Write part two.', expected_output: 'Part two.', agent: 'writer' },
        three: { description: 'Write part three.', expected_output: 'Part three.', agent: 'writer' },
      },
      crew: { limits: { max_cost_usd: 0.01 } },
    });
    const file = path.join(work, 'prices.json');
    await writeFile(file, JSON.stringify({ 'test-model': { input: 2, output: 8 } }));
    const env = { ...cli.env, CREWBOT_CREWS_DIR: crews, OPENAI_MODEL: 'test-model', CREWBOT_PRICES: file };

    // $0.006 a call: after two calls ($0.012) the third waits for a person.
    const first = await runCli(['run', 'budgeted', '--json'], env);
    expect(first.code, first.stderr).toBe(10);
    const waiting = lastJsonLine(first.stdout) as { runId: string; pending: Array<{ id: string; kind: string; spentUsd: number; limitUsd: number }> };
    expect(waiting.pending).toEqual([expect.objectContaining({ kind: 'budget', spentUsd: 0.012, limitUsd: 0.01 })]);
    expect(first.stderr).toContain(`crewbot resume ${waiting.runId} --request ${waiting.pending[0]!.id} --approve (extend the budget) | --deny (stop the run)`);
    expect(cli.server.requests).toHaveLength(2);

    const approved = await runCli(['resume', waiting.runId, '--approve', '--json'], env);
    expect(approved.code, approved.stderr).toBe(0);
    expect(cli.server.requests).toHaveLength(3);

    const second = await runCli(['run', 'budgeted', '--json'], env);
    const runId = (lastJsonLine(second.stdout) as { runId: string }).runId;
    const denied = await runCli(['resume', runId, '--deny', '--json'], env);
    expect(denied.code).toBe(1);
    expect((lastJsonLine(denied.stdout) as { error: string }).error).toMatch(/reached its budget, limits\.max_cost_usd \(\$0\.01, \$0\.0120 spent\)/);
    expect(cli.server.requests).toHaveLength(5);
    // Four crewbot processes one after another.
  }, 240_000);
});
