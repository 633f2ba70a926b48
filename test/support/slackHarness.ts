import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LogLevel } from '@slack/bolt';
import { answerPolicyOf } from '../../src/chat/inbound/accessPolicy.ts';
import { createSlackAccess, startSlack, type SlackAccess, type SlackSurface } from '../../src/chat/slack/index.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { openRunStore } from '../../src/runs/openRunStore.ts';
import { Runner, type RunnerOptions } from '../../src/runs/runner.ts';
import type { RunStore } from '../../src/runs/runStore.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { Learning } from '../../src/learning/learning.ts';
import { startFakeSlackApi, type FakeMessage, type FakeSlackApi } from './fakeSlackApi.ts';
import { startScriptedOpenAI, type ScriptedOpenAI } from './scriptedOpenAI.ts';
import { SlackRequests } from './slackRequests.ts';
import { llmFor } from './testLlm.ts';

export const SIGNING_SECRET = 'test-signing-secret-8f14e45fceea167a';

export interface SlackHarness {
  fake: FakeSlackApi;
  openai: ScriptedOpenAI;
  config: Config;
  runtime: Runtime;
  /** The process's Slack access policy, shared by the surface and the runner. */
  access: SlackAccess;
  /** The current process's parts; restart() replaces them. */
  store: RunStore;
  runner: Runner;
  surface: SlackSurface;
  /** Signed requests to the running app's /slack/events. */
  slack: SlackRequests;
  /** The replies in a thread (its root left out), as they read now. */
  replies(channel: string, threadTs: string): FakeMessage[];
  /** The run started in a thread, once there is one. */
  runIn(channel: string, threadTs: string): Promise<string>;
  /** Ephemeral messages sent so far (to one person, when given), by their text. */
  ephemerals(user?: string): string[];
  /** A new run store connection, Runner and Bolt app on the same SQLite file, as after a restart. */
  restart(): Promise<void>;
  /** Every run advanced as far as it goes and every Slack message sent. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The Slack surface as it runs in production — Bolt's HTTP receiver on an ephemeral port, a real
 * Runner on a SQLite file — with the Web API, the LLM and Slack itself played by loopback fakes.
 */
/** `learning`: the runner learns lessons and keeps ratings, as `crewbot start` does (off by default, so scripted replies stay in order). */
export async function startSlackHarness(
  crewsDir: string,
  options: { statusEveryMs?: number; env?: Record<string, string>; learning?: boolean; runner?: Partial<RunnerOptions> } = {},
): Promise<SlackHarness> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-slack-'));
  const storeUrl = `sqlite://${path.join(dir, 'crewbot.sqlite')}`;
  const fake = await startFakeSlackApi();
  const openai = await startScriptedOpenAI();
  const config = loadConfig(
    {
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.url,
      PORT: '0',
      CREWBOT_CREWS_DIR: path.resolve(crewsDir),
      CREWBOT_STORE: storeUrl,
      ...options.env,
    },
    { dotenv: false },
  );
  const runtime = createRuntime(config, { llm: llmFor(openai) });
  const stores: RunStore[] = [];
  // One policy per process, as `crewbot start` has: the surface and the runner ask the same one.
  const access = createSlackAccess(runtime);

  const boot = async () => {
    // As runtime.openRunner does in production: secrets never reach the store or the thread.
    const store = await openRunStore(storeUrl, { redactor: runtime.redactor });
    stores.push(store);
    const runner = new Runner({
      store,
      llm: runtime.llm,
      loadCrew: runtime.loadCrew,
      leaseTtlMs: 2_000,
      answerPolicy: answerPolicyOf([access]),
      redactor: runtime.redactor,
      ...(options.learning ? { learning: new Learning({ store, llm: runtime.llm }) } : {}),
      ...options.runner,
    });
    const surface = await startSlack({ config, runtime, runner, access, statusEveryMs: options.statusEveryMs ?? 50, logLevel: LogLevel.ERROR });
    const slack = new SlackRequests(`http://127.0.0.1:${surface.port}/slack/events`, SIGNING_SECRET, fake.team.id);
    return { store, runner, surface, slack };
  };

  const harness: SlackHarness = {
    fake,
    openai,
    config,
    runtime,
    access,
    ...(await boot()),
    replies: (channel, threadTs) => fake.thread(channel, threadTs).filter((message) => message.ts !== threadTs),
    runIn: (channel, threadTs) => waitFor(`a run in thread ${threadTs}`, () => harness.store.runForThread({ platform: 'slack', id: `slack:${channel}:${threadTs}` })),
    ephemerals: (user) =>
      fake
        .callsTo('chat.postEphemeral')
        .filter((call) => user === undefined || call.args.user === user)
        .map((call) => String(call.args.text)),
    restart: async () => {
      await harness.surface.stop();
      await harness.runner.shutdown();
      Object.assign(harness, await boot());
    },
    settle: async () => {
      // An answer or a finished step may schedule more work and more messages; go round until quiet.
      for (let round = 0; round < 3; round += 1) {
        await harness.runner.idle();
        await harness.surface.idle();
      }
    },
    close: async () => {
      await harness.surface.stop().catch(() => undefined);
      await harness.runner.shutdown();
      for (const store of stores) await store.close();
      await openai.close();
      await fake.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Polls until `check` gives a value (not undefined/false), or fails naming what never happened. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
