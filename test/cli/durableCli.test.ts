import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResultJson } from '../../src/cli/runOutcome.ts';
import { lastJsonLine, runCli } from '../support/runCli.ts';
import { startCliEnvironment, type CliEnvironment } from '../support/cliEnvironment.ts';
import type { ScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { DISTIL_INSTRUCTIONS } from '../../src/learning/distil.ts';

const CREWS = path.resolve('test/fixtures/hitl-crews');

describe('durable runs from the command line', () => {
  let cli: CliEnvironment;
  let server: ScriptedOpenAI;
  let env: Record<string, string>;
  beforeAll(async () => {
    cli = await startCliEnvironment(CREWS);
    ({ server, env } = cli);
    // Feedback on a review also teaches the crew a lesson, in a call of its own.
    server.on((request) => (request.system === DISTIL_INSTRUCTIONS ? { content: 'Keep release notes short.' } : undefined));
  });
  afterAll(() => cli.close());

  it('suspends for review (exit 10), takes feedback, and completes on approval', async () => {
    server.enqueue({ content: 'Notes v1' });
    const first = await runCli(['run', 'review_crew', '--input', 'version=2.0', '--json'], env);
    expect(first.code).toBe(10);
    const suspended = lastJsonLine(first.stdout) as RunResultJson;
    expect(suspended.status).toBe('awaiting_input');
    expect(suspended.pending).toEqual([
      { id: expect.any(String), kind: 'review', taskId: 'draft_task', prompt: expect.stringMatching(/draft_task/), draft: 'Notes v1' },
    ]);
    expect(first.stderr).toMatch(new RegExp(`crewbot resume ${suspended.runId} --request ${suspended.pending![0]!.id}`));

    server.enqueue({ content: 'Notes v2' });
    const revised = await runCli(['resume', suspended.runId, '--feedback', 'Shorter please', '--json'], env);
    expect(revised.code).toBe(10);
    expect((lastJsonLine(revised.stdout) as RunResultJson).pending?.[0]).toMatchObject({ draft: 'Notes v2' });
    expect(server.requests.filter((request) => request.system !== DISTIL_INSTRUCTIONS).at(-1)?.lastUser).toContain('Shorter please');
    expect(revised.stderr).toContain('crewbot will remember: Keep release notes short.');

    server.enqueue({ content: 'Tweet: 2.0 ships' });
    const done = await runCli(['resume', suspended.runId, '--approve', '--json'], env);
    expect(done.code).toBe(0);
    const result = lastJsonLine(done.stdout) as RunResultJson;
    expect(result).toMatchObject({ status: 'completed', output: 'Tweet: 2.0 ships' });
    expect(result.tasks.map((t) => [t.id, t.status, t.output])).toEqual([
      ['draft_task', 'completed', 'Notes v2'],
      ['publish_task', 'completed', 'Tweet: 2.0 ships'],
    ]);
    expect(result.usage.llmCalls).toBe(4);

    const again = await runCli(['resume', suspended.runId, '--approve'], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/nothing is waiting for an answer/);

    const runs = await runCli(['runs'], env);
    expect(runs.stdout).toMatch(new RegExp(`${suspended.runId}\\s+completed\\s+review_crew`));
    const show = await runCli(['show', suspended.runId], env);
    expect(show.stdout).toMatch(/draft_task — Writer[^\n]*\n\s+Notes v2/);
    expect(show.stdout).toMatch(/human_input_received draft_task \S+ asked for changes: Shorter please/);
    expect(show.stdout).toMatch(/crew_kickoff_completed/);
  });

  it('answers an ask_human question and denies a tool from the command line', async () => {
    server.enqueue({ toolCalls: [{ name: 'ask_human', arguments: { question: 'Budget?' } }] });
    const asked = await runCli(['run', 'ask_crew', '--json'], env);
    expect(asked.code).toBe(10);
    const { runId, pending } = lastJsonLine(asked.stdout) as RunResultJson;
    expect(pending?.[0]).toMatchObject({ kind: 'question', question: 'Budget?' });
    server.enqueue({ content: 'Plan for 3k' });
    const answered = await runCli(['resume', runId, '--answer', '3k', '--json'], env);
    expect(answered.code).toBe(0);
    expect(server.requests.at(-1)?.messages.at(-1)).toMatchObject({ role: 'tool', content: '3k' });

    server.enqueue({ toolCalls: [{ name: 'send_email', arguments: { to: 'a@b.c', body: 'hi' } }] });
    const approval = await runCli(['run', 'approval_crew', '--json'], env);
    const waiting = lastJsonLine(approval.stdout) as RunResultJson;
    expect(waiting.pending?.[0]).toMatchObject({ kind: 'approval', tool: { name: 'send_email' } });
    server.enqueue({ content: 'Not sent.' });
    const denied = await runCli(['resume', waiting.runId, '--deny', 'not', 'today', '--json'], env);
    expect(denied.code).toBe(0);
    expect(String(server.requests.at(-1)?.messages.at(-1)?.content)).toMatch(/Reason: not today/);
  });

  it('cancels a waiting run, and replays a finished one from a task keeping what came before', async () => {
    server.enqueue({ content: 'Notes' });
    const waiting = lastJsonLine((await runCli(['run', 'review_crew', '-i', 'version=1', '--json'], env)).stdout) as RunResultJson;
    const cancel = await runCli(['cancel', waiting.runId], env);
    expect(cancel.code).toBe(0);
    const resumed = await runCli(['resume', waiting.runId, '--json'], env);
    expect(resumed.code).toBe(1);
    expect((lastJsonLine(resumed.stdout) as RunResultJson).status).toBe('cancelled');

    server.enqueue({ content: 'Notes A' });
    const run = lastJsonLine((await runCli(['run', 'review_crew', '-i', 'version=4', '--json'], env)).stdout) as RunResultJson;
    server.enqueue({ content: 'Tweet A' });
    await runCli(['resume', run.runId, '--approve'], env);
    const before = server.requests.length;
    server.enqueue({ content: 'Tweet B' });
    const replayed = await runCli(['replay', run.runId, '--from', 'publish_task', '--json'], env);
    expect(replayed.code).toBe(0);
    const result = lastJsonLine(replayed.stdout) as RunResultJson;
    expect(result.tasks.map((t) => t.output)).toEqual(['Notes A', 'Tweet B']);
    expect(server.requests.length - before).toBe(1);
    expect(server.requests.at(-1)?.lastUser).toContain('Notes A');
  });

  it('says what is wrong with a run id that does not exist', async () => {
    const result = await runCli(['show', 'no-such-run'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Run "no-such-run" does not exist/);
  });
});
