import { once } from 'node:events';
import type { Runtime } from '../runtime.ts';
import { policyByPlatform } from '../runs/answerPolicy.ts';
import { discordAnswerPolicy, startDiscord } from './discord/index.ts';
import { slackAnswerPolicy, startSlack } from './slack/index.ts';
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
export async function runChatServers(runtime: Runtime, io: ChatServersIo, signal: AbortSignal): Promise<void> {
  const { config } = runtime;
  const answerPolicy = policyByPlatform({
    ...(config.SLACK_BOT_TOKEN ? { slack: slackAnswerPolicy(runtime) } : {}),
    ...(config.DISCORD_TOKEN ? { discord: discordAnswerPolicy({ config, loadCrew: runtime.loadCrew }) } : {}),
  });
  const { runner, store } = await runtime.openRunner({ answerPolicy });
  const stops: Array<() => Promise<void>> = [];
  try {
    const triggers = await createTriggerService({ runtime, runner, openers: await threadOpeners(config), log: (text) => io.err(text) });
    const webhookRoute = triggers.webhooks && { path: `${WEBHOOK_PATH_PREFIX}:crew`, method: 'POST', handler: triggers.webhooks };
    let webhookPort: number | undefined;
    if (config.SLACK_BOT_TOKEN) {
      const slack = await startSlack({ config, runtime, runner, customRoutes: webhookRoute ? [webhookRoute] : undefined });
      stops.push(() => slack.stop());
      io.err(slack.mode === 'socket' ? 'Slack: connected in Socket Mode.' : `Slack: listening on :${slack.port}/slack/events.`);
      if (slack.mode === 'http') webhookPort = slack.port;
    }
    if (config.DISCORD_TOKEN) {
      const discord = await startDiscord({ config, runtime, runner });
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
    const taken = await runner.recover();
    if (taken.length) io.err(`Took over ${taken.length} run(s) left by a stopped process.`);
    triggers.start();
    stops.push(async () => triggers.stop());
    const stopSweep = runner.startTimeoutSweep();
    stops.push(async () => stopSweep());
    io.err('crewbot is running. Ctrl-C stops it; runs in progress are saved and continue at the next start.');
    if (!signal.aborted) await once(signal, 'abort');
  } finally {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => io.err(`while stopping: ${String(error)}`));
    await runner.shutdown();
    await store.close();
  }
}
