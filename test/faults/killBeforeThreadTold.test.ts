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
 * The process advancing a run dies before its thread has been told how the pass ended: it had the
 * result, the rating under it, or a request for a person on a connection that hung. A run is
 * recorded completed (or waiting for a person) only once its thread has been told, so the dead
 * process leaves it `running`; the process that takes it over ends the pass again from its
 * checkpoint (no model call made twice), waits out the dead one's claim to post, and posts only
 * what never went out.
 */
describe('a runner process killed before its thread was told how the pass ended', () => {
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

  /**
   * Kicks `crew` off in a process of its own, posting into the general channel, where the message
   * `stall` accepts hangs; once the pass has ended with `endedWith` and that message is on the wire,
   * the process is killed with -9 and another takes the run over at once, as when the lease ran out
   * just as the process died (its claim to post still held). Resolves with the run id.
   */
  const killWhileTelling = async (crew: string[], endedWith: string, stall: (body: unknown) => boolean): Promise<string> => {
    discord.stall({ method: 'POST', path: /^\/channels\/\d+\/messages$/, body: stall, times: 1 });
    const first = startRunnerProcess(['kickoff', ...crew], { ...env, thread: discordThread(discord.guildId, discord.channels.general.id) });
    const runId = JSON.parse(await first.waitForLine((line) => line.startsWith('{"runId"'), 'run id')).runId as string;
    await first.waitForLine((line) => line === `event ${endedWith}`, endedWith);
    await vi.waitFor(() => expect(discord.calls.some((call) => call.status === 0 && stall(call.body))).toBe(true), { timeout: 10_000, interval: 20 });
    // The thread is not told yet, so the run is recorded neither ended nor waiting for a person.
    expect((await h.store.getRun(runId))?.status).toBe('running');
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const holder = await h.store.leaseHolder(runId);
    await h.store.releaseLease(runId, holder!.owner);
    const second = startRunnerProcess(['recover'], env);
    const exit = await second.exited;
    expect(exit.code, exit.stderr).toBe(0);
    return runId;
  };

  it.each([
    { hung: 'result', stall: isResult },
    { hung: 'rating', stall: isRating },
  ])('the $hung left hanging is posted by the process that takes over, and nothing is posted twice', async ({ stall }) => {
    const channel = discord.channels.general.id;
    const runId = await killWhileTelling(['three_steps', 'topic=tides'], 'crew_kickoff_completed', stall);

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

  it('a request for a person left hanging is posted by the process that takes over, once, and its answer still counts', async () => {
    const channel = discord.channels.general.id;
    const ada = { platform: 'cli' as const, userId: 'fault-test' };
    h.server.on((req) =>
      req.messages.some((m) => m.role === 'tool')
        ? { content: 'Order 42 refunded.' }
        : { toolCalls: [{ id: 'call_refund', name: 'issue_refund', arguments: { order: 42 } }] },
    );
    const isRequest = (body: unknown) => JSON.stringify(body).includes('issue_refund') && JSON.stringify(body).includes('"components"');
    const runId = await killWhileTelling(['refund_crew'], 'crew_suspended', isRequest);

    const waiting = (await h.store.getRun(runId))!;
    expect(waiting.status).toBe('awaiting_input');
    const requestId = waiting.pending[0]!.id;
    const cards = () => discord.messagesIn(channel).filter((message) => JSON.stringify(message.components).includes(requestId));
    expect(cards()).toHaveLength(1);
    // The takeover asked the model nothing: the request came from the checkpoint.
    expect(h.server.requests).toHaveLength(1);

    // Approved here, where nothing advances runs; the run goes on in a process of its own.
    await h.anotherRunner({ schedule: () => undefined }).answer(runId, { answer: { type: 'approve' }, actor: ada });
    const third = startRunnerProcess(['advance', runId], env);
    const advanced = await third.exited;
    expect(advanced.code, advanced.stderr).toBe(0);
    expect((await h.store.getRun(runId))?.status).toBe('completed');
    expect(h.server.requests).toHaveLength(2);
    expect(cards()).toHaveLength(1);
    expect(posted(channel, isResult)).toHaveLength(1);
  }, 60_000);
});
