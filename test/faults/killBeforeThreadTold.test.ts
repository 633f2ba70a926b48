import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { discordThread } from '../../src/chat/discord/thread.ts';
import { startFakeDiscord, type FakeDiscord, type FakeMessage } from '../support/fakeDiscord.ts';
import { startRunnerHarness, type RunnerHarness } from '../support/runnerHarness.ts';
import { discordRunnerEnv, startRunnerProcess, type RunnerProcessEnv } from '../support/runnerProcess.ts';
import type { RecordedRequest } from '../support/scriptedOpenAI.ts';

const CREWS = path.resolve('test/fixtures/fault-crews');

const contentOf = (body: unknown): string => (typeof body === 'object' && body !== null && 'content' in body && typeof body.content === 'string' ? body.content : '');
const isResult = (body: unknown) => contentOf(body).includes('— result');
const isRating = (body: unknown) => contentOf(body).startsWith('How was this result?');

/**
 * The process that finished a run dies before its thread has been told: it had the result (or the
 * rating under it) on a connection that hung. The run is recorded as completed only once the thread
 * has been told, so the dead process leaves it `running`; the process that takes it over ends it
 * again from its checkpoint (no model call made twice), waits out the dead one's claim to post, and
 * posts only what never went out.
 */
describe('a runner process killed after its run ended but before its thread was told', () => {
  let h: RunnerHarness;
  let discord: FakeDiscord;
  let env: RunnerProcessEnv;
  beforeEach(async () => {
    h = await startRunnerHarness(CREWS);
    discord = await startFakeDiscord();
    // Claims to post last as long as the lease, 5 s: longer than the next process takes to start.
    env = { ...discordRunnerEnv(h, discord), leaseTtlMs: 5_000 };
    const answer = (step: string, content: string) => (req: RecordedRequest) => (req.lastUser.includes(step) ? { content } : undefined);
    h.server.on(answer('Step one', 'Outline: tides rise, tides fall.'));
    h.server.on(answer('Step two', 'Draft: the moon pulls the sea.'));
    h.server.on(answer('Step three', 'Tides, polished.'));
  });
  afterEach(async () => {
    await h.close();
    await discord.close();
  });

  const posted = (channel: string, matches: (body: unknown) => boolean): FakeMessage[] =>
    discord.messagesIn(channel).filter((message) => matches({ content: message.content }));

  it.each([
    { hung: 'result', stall: isResult },
    { hung: 'rating', stall: isRating },
  ])('the $hung left hanging is posted by the process that takes over, and nothing is posted twice', async ({ stall }) => {
    const channel = discord.channels.general.id;
    discord.stall({ method: 'POST', path: /^\/channels\/\d+\/messages$/, body: stall, times: 1 });

    const first = startRunnerProcess(['kickoff', 'three_steps', 'topic=tides'], { ...env, thread: discordThread(discord.guildId, channel) });
    const runId = JSON.parse(await first.waitForLine((line) => line.startsWith('{"runId"'), 'run id')).runId as string;
    await first.waitForLine((line) => line === 'event crew_kickoff_completed', 'the run ending');
    await vi.waitFor(() => expect(discord.calls.some((call) => call.status === 0 && stall(call.body))).toBe(true), { timeout: 10_000, interval: 20 });
    // Its thread is not told yet, so the run is not recorded as ended.
    expect((await h.store.getRun(runId))?.status).toBe('running');
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    // Taken over at once, as when the lease ran out just as the process died: its claim to post is still held.
    const holder = await h.store.leaseHolder(runId);
    await h.store.releaseLease(runId, holder!.owner);
    const second = startRunnerProcess(['recover'], env);
    const exit = await second.exited;
    expect(exit.code, exit.stderr).toBe(0);

    expect((await h.store.getRun(runId))?.status).toBe('completed');
    // One call per task: the takeover ended the run from its checkpoint.
    expect(h.server.requests).toHaveLength(3);
    expect(posted(channel, isResult)).toHaveLength(1);
    expect(posted(channel, isResult)[0]!.content).toContain('Tides, polished.');
    expect(posted(channel, isRating)).toHaveLength(1);
    // Every message in the thread says something once.
    const texts = discord.messagesIn(channel).map((message) => message.content);
    expect(new Set(texts).size).toBe(texts.length);
  }, 60_000);
});
