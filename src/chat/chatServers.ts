import { once } from 'node:events';
import type { Runtime } from '../runtime.ts';
import { answerPolicyOf } from './inbound/accessPolicy.ts';
import { threadOpeners } from '../triggers/threadOpeners.ts';
import { createTriggerService } from '../triggers/triggerService.ts';
import { WEBHOOK_PATH_PREFIX } from '../triggers/webhookEndpoint.ts';
import { startWebhookServer } from '../triggers/webhookServer.ts';

export interface ChatServersIo {
  err(text: string): void;
}

/** Whether npm start should run chat surfaces rather than the terminal session. */
export function chatSurfacesConfigured(runtime: Runtime): boolean {
  return Boolean(runtime.config.SLACK_BOT_TOKEN || runtime.config.DISCORD_TOKEN);
}

/**
 * Slack and Discord in one process, on one run store and one runner, with every crew's triggers
 * (schedules, chains, the webhook endpoint on PORT): runs left behind by a stopped process are
 * taken over, overdue requests get their crew's default outcome, and it all runs until `signal`
 * aborts (Ctrl-C, SIGTERM). `crewbot serve` and `npm start` with chat tokens run this.
 */
export async function runChatServers(
  runtime: Runtime,
  io: ChatServersIo,
  signal: AbortSignal,
  options: { work?: boolean } = {},
): Promise<void> {
  const { config } = runtime;
  // A crew whose tools lack their configuration still starts; people hear why its tools fail before it does.
  for (const crew of await runtime.listCrews()) for (const warning of crew.setupWarnings ?? []) io.err(`warning: ${warning}`);
  // Only the configured surfaces are loaded: Bolt and discord.js are the slowest imports crewbot has.
  const [slackSurface, discordSurface] = await Promise.all([
    config.SLACK_BOT_TOKEN ? import('./slack/index.ts') : undefined,
    config.DISCORD_TOKEN ? import('./discord/index.ts') : undefined,
  ]);
  // One access policy per platform for the whole process: the surface and the runner ask the same one.
  const slackAccess = slackSurface?.createSlackAccess(runtime);
  const discordAccess = discordSurface && new discordSurface.DiscordAccess({ config, loadCrew: runtime.loadCrew });
  const answerPolicy = answerPolicyOf([slackAccess, discordAccess].filter((access) => access !== undefined));
  const { runner, queue, close } = await runtime.openRunner({ answerPolicy });
  const stops: Array<() => Promise<void>> = [];
  try {
    // With a queue this process only acknowledges, claims and enqueues; workers advance the runs.
    if (queue && options.work) {
      const { startFleetWorker } = await import('../runs/fleetWorker.ts');
      const worker = await startFleetWorker({ runner, queue, concurrency: config.CREWBOT_MAX_RUNS, warn: io.err });
      stops.push(() => worker.stop());
      io.err(`Queue: this process also works runs (--work), up to ${config.CREWBOT_MAX_RUNS} at once.`);
    } else if (queue) {
      io.err('Queue: runs are enqueued for `crewbot worker` processes.');
    }
    const triggers = await createTriggerService({ runtime, runner, openers: await threadOpeners(config), log: (text) => io.err(text) });
    const webhookRoute = triggers.webhooks && { path: `${WEBHOOK_PATH_PREFIX}:crew`, method: 'POST', handler: triggers.webhooks };
    let webhookPort: number | undefined;
    if (slackSurface && slackAccess) {
      const slack = await slackSurface.startSlack({ config, runtime, runner, access: slackAccess, customRoutes: webhookRoute ? [webhookRoute] : undefined });
      stops.push(() => slack.stop());
      io.err(slack.mode === 'socket' ? 'Slack: connected in Socket Mode.' : `Slack: listening on :${slack.port}/slack/events.`);
      if (slack.mode === 'http') webhookPort = slack.port;
    }
    if (discordSurface && discordAccess) {
      const discord = await discordSurface.startDiscord({ config, runtime, runner, access: discordAccess });
      stops.push(() => discord.stop());
      io.err(`Discord: connected${discord.messageContent ? '' : ' (without the Message Content intent: replies in threads are not read; buttons, forms and mentions work)'}.`);
    }
    if (triggers.webhooks) {
      if (webhookPort === undefined) {
        const server = await startWebhookServer(config.PORT, triggers.webhooks);
        stops.push(() => server.close());
        webhookPort = server.port;
      }
      io.err(`Webhooks: listening on :${webhookPort}${WEBHOOK_PATH_PREFIX}<crew>.`);
    }
    // With a queue, workers take over dead processes' runs and apply request timeouts.
    if (!queue) {
      const taken = await runner.recover();
      if (taken.length) io.err(`Took over ${taken.length} run(s) left by a stopped process.`);
      const stopSweep = runner.startTimeoutSweep();
      stops.push(async () => stopSweep());
    }
    triggers.start();
    stops.push(async () => triggers.stop());
    io.err('crewbot is running. Ctrl-C stops it; runs in progress are saved and continue at the next start.');
    if (!signal.aborted) await once(signal, 'abort');
  } finally {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => io.err(`while stopping: ${String(error)}`));
    await runner.shutdown();
    await close();
  }
}
