import { errorMessage } from '../engine/errors.ts';
import type { BullRunQueue } from './bullRunQueue.ts';
import type { Runner } from './runner.ts';

export interface FleetWorkerOptions {
  runner: Runner;
  queue: BullRunQueue;
  concurrency: number;
  /** How often to look for runs whose process died (their lease expired). */
  takeoverEveryMs?: number;
  warn?: (text: string) => void;
}

export interface FleetWorker {
  /**
   * Drains: runs advancing here stop at their next step (checkpointed, lease released), each is
   * handed back to the queue for another worker, and the worker leaves BullMQ.
   */
  stop(): Promise<void>;
}

/** Takes run jobs from BullMQ and advances them with `runner`; takes over runs of dead workers. */
export async function startFleetWorker(options: FleetWorkerOptions): Promise<FleetWorker> {
  const { runner, queue } = options;
  const warn = options.warn ?? ((text: string) => process.emitWarning(text));
  let stopping = false;
  const worker = queue.work(async ({ runId, trace, expire }) => {
    if (expire) return void (await runner.expireRequest(runId, expire));
    const run = await runner.advance(runId, trace);
    // Stopped mid-run by a drain: the next worker continues from the checkpoint at once.
    if (stopping && run.status === 'running') await queue.enqueue({ runId }, `handoff-${run.version}`);
    // A job taken by a worker that died goes to another as soon as that worker's runs would.
  }, options.concurrency, runner.leaseTtlMs);
  worker.on('error', (error) => warn(`queue: ${errorMessage(error)}`));
  await worker.waitUntilReady();

  const takeOver = () =>
    runner.recover({ queued: false }).catch((error: unknown) => warn(`takeover sweep: ${errorMessage(error)}`));
  await takeOver();
  const sweep = setInterval(() => void takeOver(), options.takeoverEveryMs ?? 10_000);
  sweep.unref();
  // Request timeouts are delayed jobs; runs that suspended without one (an older release, a lost job) get theirs now.
  await runner.scheduleRequestTimeouts().catch((error: unknown) => warn(`request timeouts: ${errorMessage(error)}`));

  return {
    stop: async () => {
      stopping = true;
      clearInterval(sweep);
      await runner.shutdown();
      await worker.close();
    },
  };
}
