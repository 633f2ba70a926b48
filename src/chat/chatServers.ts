import { once } from 'node:events';
import type { Runtime } from '../runtime.ts';
import { DiscordAccess, startDiscord } from './discord/index.ts';
import { answerPolicyOf } from './inbound/accessPolicy.ts';
import { createSlackAccess, startSlack } from './slack/index.ts';

export interface ChatServersIo {
  err(text: string): void;
}

/** Whether npm start should run chat surfaces rather than the terminal session. */
export function chatSurfacesConfigured(runtime: Runtime): boolean {
  return Boolean(runtime.config.SLACK_BOT_TOKEN || runtime.config.DISCORD_TOKEN);
}

/**
 * Slack and Discord in one process, on one run store and one runner: runs left behind by a
 * stopped process are taken over, overdue requests get their crew's default outcome, and the
 * surfaces run until `signal` aborts (Ctrl-C, SIGTERM).
 */
export async function runChatServers(runtime: Runtime, io: ChatServersIo, signal: AbortSignal): Promise<void> {
  const { config } = runtime;
  // One access policy per platform for the whole process: the surface and the runner ask the same one.
  const slackAccess = config.SLACK_BOT_TOKEN ? createSlackAccess(runtime) : undefined;
  const discordAccess = config.DISCORD_TOKEN ? new DiscordAccess({ config, loadCrew: runtime.loadCrew }) : undefined;
  const answerPolicy = answerPolicyOf([slackAccess, discordAccess].filter((access) => access !== undefined));
  const { runner, store } = await runtime.openRunner({ answerPolicy });
  const stops: Array<() => Promise<void>> = [];
  try {
    if (slackAccess) {
      const slack = await startSlack({ config, runtime, runner, access: slackAccess });
      stops.push(() => slack.stop());
      io.err(slack.mode === 'socket' ? 'Slack: connected in Socket Mode.' : `Slack: listening on :${slack.port}/slack/events.`);
    }
    if (discordAccess) {
      const discord = await startDiscord({ config, runtime, runner, access: discordAccess });
      stops.push(() => discord.stop());
      io.err(`Discord: connected${discord.messageContent ? '' : ' (without the Message Content intent: replies in threads are not read; buttons, forms and mentions work)'}.`);
    }
    const taken = await runner.recover();
    if (taken.length) io.err(`Took over ${taken.length} run(s) left by a stopped process.`);
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
