import type { Client } from 'discord.js';
import type { Config } from '../../config.ts';
import { errorMessage } from '../../engine/errors.ts';
import type { Runner } from '../../runs/runner.ts';
import type { RunRecord } from '../../runs/runRecord.ts';
import type { Runtime } from '../../runtime.ts';
import type { ChatSurface } from '../chatSurface.ts';
import { InboundHandler } from '../inbound/inboundHandler.ts';
import { ThreadReporter } from '../threadReporter.ts';
import { CLAIM_TTL_MS, type DiscordContext, type DiscordTrace, type Outcome } from './context.ts';
import { DiscordThreadPort } from './threadPort.ts';
import { DiscordConfigError } from './errors.ts';
import { connect, registerListeners } from './app.ts';
import type { DiscordAccess } from './policy.ts';

export interface StartDiscordOptions {
  config: Config;
  runtime: Runtime;
  runner: Runner;
  /** The process's one Discord policy, the same instance the runner's answer policy asks. */
  access: DiscordAccess;
  /** At most one status edit per thread in this many ms (Discord limits edits per channel). */
  statusEveryMs?: number | undefined;
  /**
   * Ask for the privileged Message Content intent, so plain replies in a run's thread count as
   * answers. When the application has not enabled it, the bot connects without it: mentions,
   * buttons, forms and /crew work all the same.
   */
  messageContent?: boolean | undefined;
  onTrace?: ((trace: DiscordTrace) => void) | undefined;
  onError?: ((error: unknown) => void) | undefined;
}

export interface DiscordSurface extends ChatSurface {
  client: Client;
  /** Whether the Message Content intent was granted. */
  messageContent: boolean;
}

/**
 * The Discord surface: a discord.js Client on the gateway for mentions, /crew and buttons, and
 * the thread reporter posting progress, requests and results over REST.
 */
export async function startDiscord(options: StartDiscordOptions): Promise<DiscordSurface> {
  const { config, runtime, runner, access } = options;
  if (!config.DISCORD_TOKEN) throw new DiscordConfigError('DISCORD_TOKEN is not set: add the bot token from the Discord Developer Portal (Bot → Reset Token) to .env.');
  const report = options.onError ?? ((error: unknown) => process.emitWarning(`discord: ${errorMessage(error)}`));
  const wantsContent = options.messageContent ?? true;
  let client: Client;
  let messageContent = wantsContent;
  try {
    client = await connect(config, wantsContent);
  } catch (error) {
    if (!wantsContent || !/disallowed intents/i.test(errorMessage(error))) throw error;
    process.emitWarning(
      'discord: the Message Content intent is not enabled for this application, so replies in threads that do not mention the bot are not read. ' +
        'Enable it under Bot → Privileged Gateway Intents to use them; mentions, buttons, forms and /crew work without it.',
    );
    messageContent = false;
    client = await connect(config, false);
  }

  const statusEveryMs = options.statusEveryMs ?? 1_500;
  // Edits in a channel go out no closer than status edits do: Discord limits edits per channel.
  const port = new DiscordThreadPort({ rest: client.rest, editEveryMs: Math.min(statusEveryMs, 1_000) });
  const loadCrewForRun = (run: RunRecord) => runtime.loadCrew(run.crewDir ?? run.crew);
  const reporter = new ThreadReporter({
    runner,
    port,
    loadCrew: loadCrewForRun,
    statusEveryMs,
    onError: report,
  });
  const stopReporter = reporter.start();
  const inFlight = new Set<Promise<void>>();
  const ctx: DiscordContext = {
    runtime,
    runner,
    port,
    access,
    inbound: new InboundHandler({ runner, access, loadCrew: loadCrewForRun, crews: runtime }),
    botUserId: client.user!.id,
    claim: (source, id) => runner.store.claimIdempotencyKey(`discord:${source}:${id}`, CLAIM_TTL_MS),
    handle: (source, id, work) => {
      const done = work()
        .then((result) => {
          const traced = typeof result === 'string' ? { outcome: result } : result;
          options.onTrace?.({ source, id, outcome: traced.outcome, ...(traced.detail ? { detail: traced.detail } : {}) });
        })
        .catch((error: unknown) => {
          options.onTrace?.({ source, id, outcome: 'failed' satisfies Outcome, detail: errorMessage(error) });
          report(error);
        })
        .finally(() => inFlight.delete(done));
      inFlight.add(done);
    },
    report,
  };
  registerListeners(client, ctx);

  return {
    client,
    messageContent,
    idle: async () => {
      do {
        await Promise.allSettled([...inFlight]);
        await runner.idle();
        await reporter.flush();
      } while (inFlight.size > 0);
    },
    stop: async () => {
      stopReporter();
      await Promise.allSettled([...inFlight]);
      await reporter.flush();
      await client.destroy();
    },
  };
}

export { registerDiscordCommands, crewCommand, type RegisteredCommands } from './commands.ts';
export { DiscordAccess, discordSettings, DiscordSettingsSchema, type DiscordSettings } from './policy.ts';
export { DiscordThreadPort, discordRest } from './threadPort.ts';
export { discordThread } from './thread.ts';
export { DiscordConfigError, DiscordSettingsError } from './errors.ts';
export type { DiscordTrace } from './context.ts';
