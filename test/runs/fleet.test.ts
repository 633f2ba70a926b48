import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@keyv/redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { Queue } from 'bullmq';
import { BullRunQueue, parseQueueUrl } from '../../src/runs/bullRunQueue.ts';
import { openRunStore } from '../../src/runs/openRunStore.ts';
import type { RunStore } from '../../src/runs/runStore.ts';
import type { Requester, ThreadRef } from '../../src/runs/runRecord.ts';
import { createRuntime } from '../../src/runtime.ts';
import { lastJsonLine, runCli, startCli, type CliProcess } from '../support/runCli.ts';
import { startFakeSlackApi } from '../support/fakeSlackApi.ts';
import { startFakeDiscord } from '../support/fakeDiscord.ts';
import { writeCrew } from '../support/crewFiles.ts';
import { discordThread } from '../../src/chat/discord/thread.ts';
import { startScriptedOpenAI, type RecordedRequest, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';

const REDIS = 'redis://127.0.0.1:6379';
const CREWS = path.resolve('test/fixtures/fault-crews');
const HITL_CREWS = path.resolve('test/fixtures/hitl-crews');
const LEASE_TTL_MS = 1_500;
const prefix = `crewbot-fleet-${randomBytes(5).toString('hex')}`;
let n = 0;

const admin = createClient({ url: REDIS, socket: { reconnectStrategy: false } });
admin.on('error', () => undefined);
beforeAll(async () => {
  await admin.connect();
});
afterAll(async () => {
  for await (const keys of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) if (keys.length) await admin.del(keys);
  await admin.close();
});

describe('a fleet: a front end that enqueues, workers in other processes that advance runs (BullMQ on Redis)', () => {
  let server: ScriptedOpenAI;
  let env: Record<string, string>;
  let store: RunStore;
  let workers: CliProcess[];
  beforeEach(async () => {
    server = await startScriptedOpenAI();
    const space = `${prefix}-${++n}`;
    env = {
      OPENAI_BASE_URL: server.url,
      OPENAI_API_KEY: 'sk-test-not-a-real-key',
      CREWBOT_CREWS_DIR: CREWS,
      CREWBOT_STORE: `${REDIS}?namespace=${space}`,
      CREWBOT_QUEUE: `${REDIS}?prefix=${space}-q`,
      CREWBOT_LEASE_TTL_MS: String(LEASE_TTL_MS),
    };
    store = await openRunStore(env.CREWBOT_STORE!);
    workers = [];
  });
  afterEach(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await Promise.all(workers.map((worker) => worker.exited));
    const queue = new BullRunQueue(env.CREWBOT_QUEUE!);
    await queue.obliterate().catch(() => undefined);
    await queue.close();
    await store.close();
    await server.close();
  });

  const worker = async (extra: Record<string, string> = {}) => {
    const started = startCli(['worker', '--concurrency', '2'], { ...env, ...extra });
    workers.push(started);
    await started.waitForStderr('crewbot worker: advancing', 120_000);
    return started;
  };
  const step = (name: string, content: string, delayMs = 0) => (req: RecordedRequest) =>
    req.lastUser.includes(name) ? { content, delayMs } : undefined;
  const calls = (name: string) => server.requests.filter((req) => req.lastUser.includes(name)).length;
  /** Starts three_steps in a chat thread as `npm start` would with CREWBOT_QUEUE set, and waits for a worker to complete it. */
  const completeInThread = async (requester: Requester, thread: ThreadRef) => {
    const frontEnd = await createRuntime(loadConfig({ ...env }, { dotenv: false })).openRunner();
    let runId: string;
    try {
      runId = (await frontEnd.runner.kickoff({ crew: 'three_steps', inputs: { topic: 'tides' }, requester, thread }))!.id;
    } finally {
      await frontEnd.close();
    }
    await vi.waitFor(async () => expect((await store.getRun(runId))?.status).toBe('completed'), { timeout: 120_000, interval: 100 });
  };

  it('run --detach enqueues and returns at once; a worker in another process advances it; wait prints what run --json prints', async () => {
    server.on(step('Step one', 'Outline.'));
    server.on(step('Step two', 'Draft.'));
    server.on(step('Step three', 'Polished.'));
    const detached = await runCli(['run', 'three_steps', '--input', 'topic=tides', '--detach', '--json'], env, { timeoutMs: 120_000 });
    expect(detached.code, detached.stderr).toBe(0);
    const { runId, status } = lastJsonLine(detached.stdout) as { runId: string; status: string };
    expect(status).toBe('queued');
    expect(server.requests).toHaveLength(0); // the front end did no crew work
    expect((await store.getRun(runId))?.status).toBe('queued');

    await worker();
    const waited = await runCli(['wait', runId, '--json'], env, { timeoutMs: 120_000 });
    expect(waited.code, waited.stderr).toBe(0);
    expect(lastJsonLine(waited.stdout)).toMatchObject({ runId, status: 'completed', output: 'Polished.' });
    expect(server.requests).toHaveLength(3);

    // The same work enqueued again (a redelivered kickoff) is a no-op: nothing is paid twice.
    const queue = new BullRunQueue(env.CREWBOT_QUEUE!);
    await queue.enqueue({ runId }, 'kickoff');
    await queue.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.requests).toHaveLength(3);
  }, 300_000);

  it('an answer given at the front end goes through the queue to a worker; wait exits 10 while it waits, 0 once done', async () => {
    env.CREWBOT_CREWS_DIR = HITL_CREWS;
    server.enqueue({ toolCalls: [{ name: 'send_email', arguments: { to: 'c@example.com', body: 'Refund sent' } }] }, { content: 'Emailed.' });
    await worker();
    // The front end: a runner built as `npm start` builds it with CREWBOT_QUEUE set.
    const frontEnd = await createRuntime(loadConfig({ ...env }, { dotenv: false })).openRunner();
    try {
      const run = await frontEnd.runner.kickoff({ crew: 'approval_crew', inputs: {}, requester: { platform: 'cli', userId: 'me' } });
      const waiting = await runCli(['wait', run!.id, '--json'], env, { timeoutMs: 120_000 });
      expect(waiting.code, waiting.stderr).toBe(10);
      expect(lastJsonLine(waiting.stdout)).toMatchObject({ status: 'awaiting_input', pending: [{ kind: 'approval' }] });

      await frontEnd.runner.answer(run!.id, { answer: { type: 'approve' }, actor: { platform: 'cli', userId: 'me' } });
      const done = await runCli(['wait', run!.id, '--json'], env, { timeoutMs: 120_000 });
      expect(done.code, done.stderr).toBe(0);
      expect(lastJsonLine(done.stdout)).toMatchObject({ status: 'completed', output: 'Emailed.' });
      expect(server.requests).toHaveLength(2);
    } finally {
      await frontEnd.close();
    }
  }, 300_000);

  it('a worker posts a Slack run’s progress and result into its thread with the bot token only', async () => {
    const slack = await startFakeSlackApi();
    try {
      server.on(step('Step one', 'Outline.'));
      server.on(step('Step two', 'Draft.'));
      server.on(step('Step three', 'Tides, polished for Slack.'));
      const posting = await worker({ SLACK_BOT_TOKEN: 'xoxb-worker-token', SLACK_API_URL: slack.url });
      await completeInThread({ platform: 'slack', userId: 'U_ADA' }, { platform: 'slack', id: 'slack:C_FLEET:1700000000.0001' });
      await vi.waitFor(
        () =>
          expect(
            slack.messages.some((m) => m.channel === 'C_FLEET' && JSON.stringify(m).includes('Tides, polished for Slack.')),
            `${JSON.stringify(slack.calls.map((c) => [c.method, c.error]))}\n${posting.stderr()}`,
          ).toBe(true),
        { timeout: 30_000, interval: 100 },
      );
      const inThread = slack.messages.filter((m) => m.channel === 'C_FLEET');
      expect(inThread.every((m) => m.threadTs === '1700000000.0001')).toBe(true);
      expect(new Set(inThread.map((m) => m.text)).size).toBe(inThread.length); // nothing posted twice
    } finally {
      await slack.close();
    }
  }, 300_000);

  it('a worker posts a Discord run’s progress and result into its thread over REST, with the bot token and no gateway', async () => {
    const discord = await startFakeDiscord();
    try {
      server.on(step('Step one', 'Outline.'));
      server.on(step('Step two', 'Draft.'));
      server.on(step('Step three', 'Tides, polished for Discord.'));
      const posting = await worker({ DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl });
      const threadId = discord.channels.general.id;
      await completeInThread({ platform: 'discord', userId: discord.users.ada.id }, discordThread(discord.guildId, threadId));
      await vi.waitFor(
        () =>
          expect(
            discord.messagesIn(threadId).some((m) => m.content.includes('Tides, polished for Discord.')),
            `${JSON.stringify(discord.calls.map((c) => [c.method, c.path, c.status]))}\n${posting.stderr()}`,
          ).toBe(true),
        { timeout: 30_000, interval: 100 },
      );
      const posted = discord.messagesIn(threadId);
      expect(posted.every((m) => m.author.id === discord.bot.id)).toBe(true);
      expect(posted.some((m) => m.embeds.length > 0)).toBe(true); // the status message, edited in place
      const texts = posted.filter((m) => m.content).map((m) => m.content);
      expect(new Set(texts).size).toBe(texts.length); // nothing posted twice
      expect(discord.calls.every((call) => call.status < 300)).toBe(true);
      expect(discord.gateway.identifies).toEqual([]); // REST only: the worker never joined the gateway
    } finally {
      await discord.close();
    }
  }, 300_000);

  it('a request nobody answers gets the crew’s request_timeout outcome from a delayed job on the queue', async () => {
    const crewsDir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-fleet-crews-'));
    try {
      await writeCrew(crewsDir, 'quick_review', {
        agents: { writer: { role: 'Writer', goal: 'Write release notes', backstory: 'You write release notes.' } },
        tasks: { draft_task: { description: 'Draft the release notes.', expected_output: 'Notes.', agent: 'writer', human_input: true } },
        crew: { request_timeout: { after: '3s', review: 'approve' } },
      });
      env.CREWBOT_CREWS_DIR = crewsDir;
      server.enqueue({ content: 'Notes, drafted.' });
      await worker();
      const detached = await runCli(['run', 'quick_review', '--detach', '--json'], env, { timeoutMs: 120_000 });
      const { runId } = lastJsonLine(detached.stdout) as { runId: string };
      const waiting = await runCli(['wait', runId, '--json'], env, { timeoutMs: 120_000 });
      expect(waiting.code, waiting.stderr).toBe(10);
      const { pending } = lastJsonLine(waiting.stdout) as { pending: Array<{ id: string; kind: string }> };
      expect(pending).toMatchObject([{ kind: 'review' }]);

      // Nobody answers: the job armed when the run suspended comes due and approves for them.
      const { connection, prefix } = parseQueueUrl(env.CREWBOT_QUEUE!);
      const jobs = new Queue('runs', { connection, prefix });
      await vi.waitFor(async () => expect((await store.getRun(runId))?.status).toBe('completed'), { timeout: 60_000, interval: 100 });
      const received = (await store.getEvents(runId)).filter((event) => (event as { type: string }).type === 'human_input_received');
      expect(received).toMatchObject([{ requestId: pending[0]!.id, answer: expect.any(String), by: 'crewbot (no answer in time)' }]);
      try {
        const job = await jobs.getJob(`timeout-${pending[0]!.id}.${runId}`);
        expect(job?.data).toEqual({ runId, expire: pending[0]!.id });
        expect(job?.opts.delay).toBeGreaterThan(0);
      } finally {
        await jobs.close();
      }
      expect(server.requests).toHaveLength(1);
    } finally {
      await rm(crewsDir, { recursive: true, force: true });
    }
  }, 300_000);

  it('crewbot resume and replay with a queue hand the run to a worker and follow it there', async () => {
    env.CREWBOT_CREWS_DIR = HITL_CREWS;
    server.enqueue(
      { toolCalls: [{ name: 'send_email', arguments: { to: 'c@example.com', body: 'Refund sent' } }] },
      { content: 'Emailed.' },
      { toolCalls: [{ name: 'send_email', arguments: { to: 'c@example.com', body: 'Refund sent again' } }] },
    );
    await worker();
    const detached = await runCli(['run', 'approval_crew', '--detach', '--json'], env, { timeoutMs: 120_000 });
    const { runId } = lastJsonLine(detached.stdout) as { runId: string };
    expect((await runCli(['wait', runId], env, { timeoutMs: 120_000 })).code).toBe(10);

    // This process cannot reach the model: only a worker can have done the work.
    const here = { ...env, OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' };
    const resumed = await runCli(['resume', runId, '--approve', '--json'], here, { timeoutMs: 120_000 });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('continues on a worker');
    expect(lastJsonLine(resumed.stdout)).toMatchObject({ runId, status: 'completed', output: 'Emailed.' });

    const replayed = await runCli(['replay', runId, '--from', 'reply_task', '--json'], here, { timeoutMs: 120_000 });
    expect(replayed.code, replayed.stderr).toBe(10);
    expect(lastJsonLine(replayed.stdout)).toMatchObject({ runId, status: 'awaiting_input', pending: [{ kind: 'approval' }] });
    expect(server.requests).toHaveLength(3);
  }, 300_000);

  it('a worker killed with -9 mid-run: another worker takes the run over once the lease expires', async () => {
    server.on(step('Step one', 'Outline.'));
    server.once(step('Step two', 'never seen', 600_000));
    server.on(step('Step two', 'Draft.'));
    server.on(step('Step three', 'Polished.'));
    const doomed = await worker();
    const detached = await runCli(['run', 'three_steps', '--input', 'topic=tides', '--detach', '--json'], env, { timeoutMs: 120_000 });
    const { runId } = lastJsonLine(detached.stdout) as { runId: string };
    await vi.waitFor(() => expect(calls('Step two')).toBe(1), { timeout: 120_000, interval: 50 });
    doomed.kill('SIGKILL');
    await doomed.exited;
    expect((await store.getRun(runId))?.status).toBe('running');

    await worker();
    const waited = await runCli(['wait', runId, '--json'], env, { timeoutMs: 120_000 });
    expect(waited.code, waited.stderr).toBe(0);
    expect(lastJsonLine(waited.stdout)).toMatchObject({ status: 'completed', output: 'Polished.' });
    expect(calls('Step one')).toBe(1); // checkpointed work is not paid for again
    expect(calls('Step three')).toBe(1);
  }, 300_000);

  it('SIGTERM drains a worker: the step stops, the lease is released, and the next worker finishes the run at once', async () => {
    server.on(step('Step one', 'Outline.'));
    server.once(step('Step two', 'never seen', 600_000));
    server.on(step('Step two', 'Draft.'));
    server.on(step('Step three', 'Polished.'));
    const leaving = await worker();
    const detached = await runCli(['run', 'three_steps', '--input', 'topic=tides', '--detach', '--json'], env, { timeoutMs: 120_000 });
    const { runId } = lastJsonLine(detached.stdout) as { runId: string };
    await vi.waitFor(() => expect(calls('Step two')).toBe(1), { timeout: 120_000, interval: 50 });
    leaving.kill('SIGTERM');
    const exit = await leaving.exited;
    expect(exit.code, exit.stderr).toBe(0);
    expect(exit.stderr).toContain('draining');
    expect(await store.leaseHolder(runId)).toBeUndefined();
    expect((await store.getRun(runId))?.status).toBe('running');

    // A very long lease: only the drain's hand-off (not a takeover after expiry) can pass the run on in time.
    await worker({ CREWBOT_LEASE_TTL_MS: '600000' });
    const waited = await runCli(['wait', runId, '--json'], env, { timeoutMs: 120_000 });
    expect(waited.code, waited.stderr).toBe(0);
    expect(lastJsonLine(waited.stdout)).toMatchObject({ status: 'completed' });
    expect(calls('Step one')).toBe(1);
  }, 300_000);
});
