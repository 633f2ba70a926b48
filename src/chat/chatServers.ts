import { once } from 'node:events';
import type { Runtime } from '../runtime.ts';
import { policyByPlatform } from '../runs/answerPolicy.ts';
import { discordAnswerPolicy, startDiscord } from './discord/index.ts';
import { slackAnswerPolicy, startSlack } from './slack/index.ts';

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
export async function runChatServers(
  runtime: Runtime,
  io: ChatServersIo,
  signal: AbortSignal,
  options: { work?: boolean } = {},
): Promise<void> {
  const { config } = runtime;
  const answerPolicy = policyByPlatform({
    ...(config.SLACK_BOT_TOKEN ? { slack: slackAnswerPolicy(runtime) } : {}),
    ...(config.DISCORD_TOKEN ? { discord: discordAnswerPolicy({ config, loadCrew: runtime.loadCrew }) } : {}),
  });
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
    if (config.SLACK_BOT_TOKEN) {
      const slack = await startSlack({ config, runtime, runner });
      stops.push(() => slack.stop());
      io.err(slack.mode === 'socket' ? 'Slack: connected in Socket Mode.' : `Slack: listening on :${slack.port}/slack/events.`);
    }
    if (config.DISCORD_TOKEN) {
      const discord = await startDiscord({ config, runtime, runner });
      stops.push(() => discord.stop());
      io.err(`Discord: connected${discord.messageContent ? '' : ' (without the Message Content intent: replies in threads are not read; buttons, forms and mentions work)'}.`);
    }
    if (!queue) {
      const taken = await runner.recover();
      if (taken.length) io.err(`Took over ${taken.length} run(s) left by a stopped process.`);
      const stopSweep = runner.startTimeoutSweep();
      stops.push(async () => stopSweep());
    }
    io.err('crewbot is running. Ctrl-C stops it; runs in progress are saved and continue at the next start.');
    if (!signal.aborted) await once(signal, 'abort');
  } finally {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => io.err(`while stopping: ${String(error)}`));
    await runner.shutdown();
    await close();
  }
}
