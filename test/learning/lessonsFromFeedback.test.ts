import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResultJson } from '../../src/cli/runOutcome.ts';
import { DISTIL_INSTRUCTIONS } from '../../src/learning/distil.ts';
import type { Lesson } from '../../src/learning/lesson.ts';
import { RatingBook } from '../../src/learning/ratings.ts';
import { openRunStore } from '../../src/runs/openRunStore.ts';
import { startCliEnvironment, type CliEnvironment } from '../support/cliEnvironment.ts';
import { lastJsonLine, runCli } from '../support/runCli.ts';
import { textOf, type RecordedRequest, type ScriptedOpenAI, type ScriptedReply } from '../support/scriptedOpenAI.ts';

const CREWS = path.resolve('test/fixtures/learning-crews');
const LESSON = 'Always state the refund timeline: 5–10 business days.';

/** The reviewer's words, distilled by the model into the lesson above. */
function distils(request: RecordedRequest): boolean {
  return request.system === DISTIL_INSTRUCTIONS;
}

describe('lessons from people’s feedback, on the command line', () => {
  let cli: CliEnvironment;
  let server: ScriptedOpenAI;
  let env: Record<string, string>;
  let distilled: ScriptedReply = { content: `Lesson: "${LESSON}"` };
  beforeAll(async () => {
    cli = await startCliEnvironment(CREWS);
    ({ server, env } = cli);
    server.on((request) => (distils(request) ? distilled : undefined));
  });
  afterAll(() => cli.close());

  /** Runs the crew until its draft is approved; `feedback` is asked for once before approving. */
  async function reviewedRun(crew: string, question: string, feedback?: string): Promise<{ runId: string; draftPrompt: string; resumed?: string }> {
    const before = server.requests.length;
    server.enqueue({ content: 'Sorry about that, we will refund you.' });
    const first = await runCli(['run', crew, '--input', `question=${question}`, '--json'], env);
    expect(first.code).toBe(10);
    const { runId } = lastJsonLine(first.stdout) as RunResultJson;
    const draftPrompt = server.requests[before]!.lastUser;
    let resumed: string | undefined;
    if (feedback) {
      server.enqueue({ content: 'Sorry about that: your refund arrives in 5–10 business days.' });
      const revised = await runCli(['resume', runId, '--feedback', feedback, '--json'], env);
      expect(revised.code).toBe(10);
      resumed = revised.stderr;
    }
    const done = await runCli(['resume', runId, '--approve', '--json'], env);
    expect(done.code).toBe(0);
    return { runId, draftPrompt, ...(resumed !== undefined ? { resumed } : {}) };
  }

  async function lessonsOf(crew: string): Promise<Lesson[]> {
    const listed = await runCli(['lessons', crew, '--json'], env);
    expect(listed.code).toBe(0);
    return lastJsonLine(listed.stdout) as Lesson[];
  }

  it('learns from a review, offers the lesson to the next run, and forgets it on request', async () => {
    const one = await reviewedRun('support_desk', 'Where is my refund for order 1042?', 'Tell Dana when the money arrives: 5-10 business days.');
    expect(one.resumed).toContain(`crewbot will remember: ${LESSON}`);

    // One distilling call, booked to the Crew Coordinator in the run's own usage.
    const distilling = server.requests.filter(distils);
    expect(distilling).toHaveLength(1);
    expect(textOf(distilling[0]!)).toContain('Tell Dana when the money arrives');
    const shown = await runCli(['show', one.runId], env);
    expect(shown.stdout).toMatch(/Usage: 3 LLM calls/);
    expect(shown.stdout).toMatch(/Crew Coordinator: 1 calls/);

    const [lesson, ...others] = await lessonsOf('support_desk');
    expect(others).toEqual([]);
    expect(lesson).toMatchObject({ crew: 'support_desk', taskId: 'reply_task', text: LESSON, source: 'review', runId: one.runId, by: { userId: expect.any(String) } });
    expect(lesson!.at).toBeGreaterThan(0);
    const listed = await runCli(['lessons', 'support_desk'], env);
    expect(listed.stdout).toContain(`${lesson!.id}  reply_task  ${LESSON}`);
    expect(listed.stdout).toContain(`review in run ${one.runId}`);
    // The person's own words are not kept with the lesson.
    expect(listed.stdout).not.toContain('Dana');

    const two = await reviewedRun('support_desk', 'Can I get my money back for order 2001?');
    expect(two.draftPrompt).toContain(LESSON);

    const forgot = await runCli(['lessons', 'forget', lesson!.id], env);
    expect(forgot.code).toBe(0);
    expect(forgot.stdout).toContain(`Forgot lesson ${lesson!.id}`);
    expect(await lessonsOf('support_desk')).toEqual([]);
    const gone = await runCli(['lessons', 'forget', lesson!.id], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/no lesson/);

    // What a run was offered is kept with it: replaying run two's task still shows the lesson it had.
    const before = server.requests.length;
    server.enqueue({ content: 'Your refund arrives in 5–10 business days.' });
    const replayed = await runCli(['replay', two.runId, '--from', 'reply_task', '--json'], env);
    expect(replayed.code).toBe(10);
    expect(server.requests[before]!.lastUser).toContain(LESSON);
    await runCli(['resume', two.runId, '--approve'], env);

    const three = await reviewedRun('support_desk', 'Refund for order 3003, please?');
    expect(three.draftPrompt).not.toContain(LESSON);
    expect(three.draftPrompt).not.toContain('Lessons from');
  });

  it('takes a lesson added by hand, and checks the crew and the task', async () => {
    const added = await runCli(['lessons', 'add', 'support_desk', 'reply_task', 'Sign every reply as "The Support Team".'], env);
    expect(added.code).toBe(0);
    const [lesson] = await lessonsOf('support_desk');
    expect(lesson).toMatchObject({ taskId: 'reply_task', text: 'Sign every reply as "The Support Team".', source: 'added' });
    const run = await reviewedRun('support_desk', 'Do you ship to Norway?');
    expect(run.draftPrompt).toContain('Sign every reply as "The Support Team".');
    await runCli(['lessons', 'forget', lesson!.id], env);

    const wrongTask = await runCli(['lessons', 'add', 'support_desk', 'ghost_task', 'Be brief.'], env);
    expect(wrongTask.code).toBe(2);
    expect(wrongTask.stderr).toMatch(/has no task "ghost_task"\. Its tasks: reply_task/);
    const noCrew = await runCli(['lessons', 'add', 'nobody', 'reply_task', 'Be brief.'], env);
    expect(noCrew.code).toBe(2);
  });

  it('goes on with the run when the lesson cannot be distilled', async () => {
    distilled = { content: '' };
    const run = await reviewedRun('support_desk', 'Where is my parcel?', 'Mention the tracking link.');
    distilled = { content: LESSON };
    expect(run.resumed).toMatch(/learning from feedback on reply_task failed; the run goes on: the model gave no lesson/);
    expect((await lessonsOf('support_desk')).filter((lesson) => lesson.runId === run.runId)).toEqual([]);
  });

  it('shows the ratings of results in runs and show', async () => {
    const { runId } = await reviewedRun('support_desk', 'Is there a student discount?');
    const store = await openRunStore(env.CREWBOT_STORE!);
    try {
      const ratings = new RatingBook(store);
      const at = Date.now();
      await ratings.record({ runId, crew: 'support_desk', rating: 'down', by: { platform: 'slack', userId: 'U1' }, at });
      await ratings.record({ runId, crew: 'support_desk', rating: 'up', by: { platform: 'slack', userId: 'U1' }, at: at + 1 });
      await ratings.record({ runId, crew: 'support_desk', rating: 'up', by: { platform: 'discord', userId: '42' }, at: at + 2 });
    } finally {
      await store.close();
    }
    const runs = await runCli(['runs'], env);
    expect(runs.stdout).toMatch(new RegExp(`${runId}\\s+completed\\s+support_desk.*👍 2 👎 0`));
    expect(runs.stdout).toContain('Ratings of results, all runs: support_desk 👍 2 👎 0');
    const listed = lastJsonLine((await runCli(['runs', '--json'], env)).stdout) as Array<{ id: string; ratings: unknown }>;
    expect(listed.find((run) => run.id === runId)?.ratings).toEqual({ up: 2, down: 0 });
    expect((await runCli(['show', runId], env)).stdout).toContain('Ratings: 👍 2 👎 0');
    expect((lastJsonLine((await runCli(['show', runId, '--json'], env)).stdout) as { ratings: unknown }).ratings).toEqual({ up: 2, down: 0 });
  });

  it('learns nothing from a crew with learning: false', async () => {
    const before = server.requests.filter(distils).length;
    const run = await reviewedRun('quiet_desk', 'Where is my refund?', 'Give the refund timeline.');
    expect(run.resumed).not.toContain('crewbot will remember');
    expect(server.requests.filter(distils)).toHaveLength(before);
    expect(await lessonsOf('quiet_desk')).toEqual([]);
  });
});
