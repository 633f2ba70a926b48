import { once } from 'node:events';
import { z } from 'zod';
import type { Runtime } from '../runtime.ts';
import { startFleetWorker } from '../runs/fleetWorker.ts';
import { parseCommandArgs, UsageError } from './cliArgs.ts';
import { EXIT, type CliIo } from './io.ts';

const USAGE = 'crewbot worker [--concurrency N]';

export class QueueNotConfiguredError extends UsageError {
  constructor(what: string) {
    super(
      `${what} needs a shared queue: set CREWBOT_QUEUE=redis://host:6379 and, for every process of the fleet, ` +
        'CREWBOT_STORE to the same shared run store (redis://… or one SQLite file on a shared disk).',
    );
  }
}

/** A fleet worker: takes run jobs from BullMQ and advances them until SIGTERM/SIGINT drains it. */
export async function workerCommand(args: string[], runtime: Runtime, io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { concurrency: { type: 'string', short: 'c' } }, USAGE);
  if (positionals.length > 0) throw new UsageError(`Usage: ${USAGE}`);
  const concurrency = z.coerce
    .number()
    .int()
    .positive()
    .safeParse(values.concurrency ?? runtime.config.CREWBOT_MAX_RUNS);
  if (!concurrency.success) throw new UsageError(`--concurrency takes a whole number of runs, at least 1.\nUsage: ${USAGE}`);
  if (!runtime.config.CREWBOT_QUEUE) throw new QueueNotConfiguredError('crewbot worker');
  const { runner, queue, close } = await runtime.openRunner();
  // Progress goes into chat threads through each platform's outgoing half only (its bot token).
  const stopSlack = runtime.config.SLACK_BOT_TOKEN
    ? (await import('../chat/slack/outbound.ts')).startSlackOutbound(runtime, runner, io.err)
    : undefined;
  const stopDiscord = runtime.config.DISCORD_TOKEN
    ? (await import('../chat/discord/outbound.ts')).startDiscordOutbound(runtime, runner, io.err)
    : undefined;
  try {
    const worker = await startFleetWorker({
      runner,
      queue: queue!,
      concurrency: concurrency.data,
      takeoverEveryMs: runtime.config.CREWBOT_LEASE_TTL_MS / 2,
      warn: io.err,
    });
    io.err(`crewbot worker: advancing up to ${concurrency.data} run(s) at once from the queue. SIGTERM drains and leaves.`);
    if (signal && !signal.aborted) await once(signal, 'abort');
    io.err('crewbot worker: draining (current steps checkpoint, leases released, runs handed back to the queue).');
    await worker.stop();
    return EXIT.ok;
  } finally {
    await Promise.all([stopSlack?.(), stopDiscord?.()]);
    await close();
  }
}
