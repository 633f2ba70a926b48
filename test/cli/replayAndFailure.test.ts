import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResultJson } from '../../src/cli/runOutcome.ts';
import { writeCrew } from '../support/crewFiles.ts';
import { lastJsonLine, runCli } from '../support/runCli.ts';
import { startCliEnvironment, type CliEnvironment } from '../support/cliEnvironment.ts';

describe('a run replayed or failed, as the command line reports it', () => {
  let crewsDir: string;
  let cli: CliEnvironment;
  beforeAll(async () => {
    crewsDir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-replay-'));
    await writeCrew(crewsDir, 'briefer', {
      agents: { writer: { role: 'Writer on {topic}', goal: 'Write about {topic}', backstory: 'You write briefs.' } },
      tasks: {
        outline_task: { description: 'Outline {topic}.', expected_output: 'An outline.', agent: 'writer' },
        write_task: { description: 'Write the brief.', expected_output: 'A brief.', agent: 'writer', context: ['outline_task'] },
      },
    });
    cli = await startCliEnvironment(crewsDir);
  });
  afterAll(async () => {
    await cli.close();
    await rm(crewsDir, { recursive: true, force: true });
  });

  it('replay --from a later task shows the kept earlier task as done, and its counters go on from the run so far', async () => {
    cli.server.enqueue({ content: 'Outline', usage: { prompt_tokens: 10, completion_tokens: 5 } }, { content: 'Brief v1', usage: { prompt_tokens: 20, completion_tokens: 6 } });
    const first = await runCli(['run', 'briefer', '--input', 'topic=wasm'], cli.env);
    const runId = /Run (\S+) started/.exec(first.stderr)?.[1] ?? '';

    cli.server.enqueue({ content: 'Brief v2', usage: { prompt_tokens: 30, completion_tokens: 7 } });
    const replay = await runCli(['replay', runId, '--from', 'write_task'], cli.env);

    expect(replay.code).toBe(0);
    expect(replay.stdout.trim()).toBe('Brief v2');
    const checklists = replay.stderr.split('\n').filter((line) => line.startsWith('briefer: '));
    expect(checklists.at(-1)).toMatch(/^briefer: completed · .* · 3 LLM calls · 78 tokens/);
    expect(checklists.every((line) => /· [23] LLM calls/.test(line))).toBe(true);
    expect(replay.stderr).toContain('[x] outline_task — Writer on wasm');
    expect(replay.stderr).not.toMatch(/\[ \] outline_task/);
  });

  it("--json of a failed run names each task's agent by its role as the run filled it in", async () => {
    cli.server.enqueue({ status: 401, errorBody: { error: { message: 'Incorrect API key provided' } } });
    const failed = await runCli(['run', 'briefer', '--input', 'topic=wasm', '--json'], cli.env);

    expect(failed.code).toBe(1);
    const json = lastJsonLine(failed.stdout) as RunResultJson;
    expect(json.status).toBe('failed');
    expect(json.tasks.map((task) => task.agent)).toEqual(['Writer on wasm', 'Writer on wasm']);
  });
});
