import { vi } from 'vitest';
import { startDiscord, type DiscordSurface } from '../../src/chat/discord/index.ts';
import type { DiscordTrace } from '../../src/chat/discord/context.ts';
import { DiscordAccess } from '../../src/chat/discord/policy.ts';
import { answerPolicyOf } from '../../src/chat/inbound/accessPolicy.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Runner, RunnerOptions } from '../../src/runs/runner.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { startFakeDiscord, type FakeDiscord, type FakeDiscordOptions, type FakeMessage } from './fakeDiscord.ts';
import { startRunnerHarness, type RunnerHarness } from './runnerHarness.ts';
import { llmFor } from './testLlm.ts';

/**
 * The Discord surface as it runs in production — discord.js's Client, a Runner on a real SQLite
 * store, the real OpenAI client — with the fake Discord and the scripted OpenAI server on loopback.
 */
export interface DiscordHarness {
  fake: FakeDiscord;
  runner: Runner;
  runnerHarness: RunnerHarness;
  surface: DiscordSurface;
  config: Config;
  runtime: Runtime;
  traces: DiscordTrace[];
  errors: unknown[];
  /** Waits until the surface has handled an event with this id (and outcome, if given). */
  traced(id: string, outcome?: DiscordTrace['outcome']): Promise<DiscordTrace>;
  /** As after a deploy: the surface and runner stop, a new Client and Runner start on the same store. */
  restart(): Promise<void>;
  /** A second process on the same store and bot token (a rolling deploy): both get every event. */
  startAnother(): Promise<DiscordSurface>;
  close(): Promise<void>;
}

export async function startDiscordHarness(
  crewsDir: string,
  options: { fake?: FakeDiscordOptions; statusEveryMs?: number; messageContent?: boolean; learning?: boolean; runner?: Partial<Omit<RunnerOptions, 'learning'>> } = {},
): Promise<DiscordHarness> {
  const fake = await startFakeDiscord(options.fake);
  const config = loadConfig(
    {
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
      CREWBOT_CREWS_DIR: crewsDir,
      OPENAI_MODEL: 'test-model',
    },
    { dotenv: false },
  );
  let runtime: Runtime | undefined;
  const loadCrew = (name: string) => runtime!.loadCrew(name);
  // One policy per process, as `crewbot start` has: the surface and the runner ask the same one.
  const access = new DiscordAccess({ config, loadCrew });
  const answerPolicy = answerPolicyOf([access]);
  const runnerHarness = await startRunnerHarness(crewsDir, { answerPolicy, learning: options.learning, ...options.runner });
  runtime = createRuntime(config, { llm: llmFor(runnerHarness.server) });
  const traces: DiscordTrace[] = [];
  const errors: unknown[] = [];
  const others: DiscordSurface[] = [];
  const start = (runner: Runner) =>
    startDiscord({
      config,
      runtime: runtime!,
      runner,
      access,
      statusEveryMs: options.statusEveryMs ?? 20,
      messageContent: options.messageContent,
      onTrace: (trace) => traces.push(trace),
      onError: (error) => errors.push(error),
    });
  const harness: DiscordHarness = {
    fake,
    runner: runnerHarness.runner,
    runnerHarness,
    surface: await start(runnerHarness.runner),
    config,
    runtime,
    traces,
    errors,
    traced: async (id, outcome) =>
      vi.waitFor(
        () => {
          const found = traces.find((trace) => trace.id === id && (outcome === undefined || trace.outcome === outcome));
          if (!found) throw new Error(`no ${outcome ?? ''} trace for ${id} yet; traces: ${JSON.stringify(traces)}`);
          return found;
        },
        { timeout: 10_000, interval: 10 },
      ),
    restart: async () => {
      await harness.surface.stop();
      await harness.runner.shutdown();
      harness.runner = runnerHarness.anotherRunner({ answerPolicy });
      harness.surface = await start(harness.runner);
    },
    startAnother: async () => {
      const other = await start(runnerHarness.anotherRunner({ answerPolicy }));
      others.push(other);
      return other;
    },
    close: async () => {
      for (const other of others) await other.stop();
      await harness.surface.stop();
      await runnerHarness.close();
      await fake.close();
    },
  };
  return harness;
}

/** The custom_id of the button with this label on a message. */
export function buttonId(message: FakeMessage, label: string): string {
  for (const row of message.components) {
    for (const component of (row['components'] as Array<Record<string, unknown>> | undefined) ?? []) {
      if (component['label'] === label) return String(component['custom_id']);
    }
  }
  throw new Error(`no "${label}" button on message ${message.id}: ${JSON.stringify(message.components)}`);
}

/** Every button on a message, as people see them. */
export function buttonsOf(message: FakeMessage): Array<{ label: string; disabled: boolean }> {
  return message.components.flatMap((row) =>
    ((row['components'] as Array<Record<string, unknown>> | undefined) ?? []).map((component) => ({
      label: String(component['label']),
      disabled: component['disabled'] === true,
    })),
  );
}

/** Messages the bot posted in a thread, and the first embed's title of each (for status and requests). */
export function embedTitle(message: FakeMessage): string {
  return String(message.embeds[0]?.['title'] ?? '');
}
