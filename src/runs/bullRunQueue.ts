import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { z } from 'zod';
import { TraceCarrierSchema } from '../telemetry/traceCarrier.ts';

/** The shortest lock on a taken job (see work()). */
export const MIN_JOB_LOCK_MS = 5_000;

/** One BullMQ queue carries every piece of run work; a job only says which run to advance. */
const QUEUE_NAME = 'runs';
const DEFAULT_PREFIX = 'crewbot';
const PREFIX = /^[A-Za-z0-9_.-]+$/;
/**
 * Work on a run that was already under way when its process died or drained goes to the front of
 * the line rather than behind every new kickoff: its people have waited longest.
 */
const FRONT_OF_LINE = /^(takeover|handoff)-/;
/** Finished jobs are kept this long so a repeated enqueue of the same work stays a no-op. */
const KEEP_FINISHED_S = 24 * 3600;

export const RunJobSchema = z.object({
  runId: z.string().min(1),
  /** W3C trace context of the work that enqueued the job, so the run's trace continues in the worker. */
  trace: TraceCarrierSchema.optional(),
  /** A delayed job: this request's crew.yaml request_timeout came due (instead of advancing the run). */
  expire: z.string().min(1).optional(),
});
export type RunJob = z.infer<typeof RunJobSchema>;

export class QueueUrlError extends Error {
  override name = 'QueueUrlError';
  constructor(url: string, problem: string) {
    super(
      `CREWBOT_QUEUE "${url.replace(/\/\/[^@/]*@/, '//***@')}" ${problem}. ` +
        'Use redis://host:port[/db] (rediss:// for TLS), optionally ?prefix=name to keep several crewbots apart, or leave it empty for the in-process queue.',
    );
  }
}

export type QueueLocation = { connection: ConnectionOptions; prefix: string };

/** Parses CREWBOT_QUEUE into BullMQ connection options and a key prefix. */
export function parseQueueUrl(url: string): QueueLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QueueUrlError(url, 'is not a valid URL');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new QueueUrlError(url, 'is not a redis:// URL');
  if (parsed.hostname === '') throw new QueueUrlError(url, 'names no host');
  const db = parsed.pathname.replace(/^\//, '');
  if (!/^\d*$/.test(db)) throw new QueueUrlError(url, 'has a database that is not a number');
  const prefix = parsed.searchParams.get('prefix') ?? DEFAULT_PREFIX;
  if (!PREFIX.test(prefix)) throw new QueueUrlError(url, `has prefix "${prefix}"; use letters, digits, ".", "_" and "-"`);
  return {
    prefix,
    connection: {
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : 6379,
      ...(db ? { db: Number(db) } : {}),
      ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
      ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
      ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  };
}

/**
 * Run work as BullMQ jobs. Each job id names one piece of work (a kickoff, one answer, one takeover
 * of a given record version), so enqueueing the same work twice, from any process, is a no-op.
 * Leases, not the queue, still decide who may advance a run.
 */
export class BullRunQueue {
  readonly #location: QueueLocation;
  readonly #queue: Queue;

  constructor(url: string) {
    this.#location = parseQueueUrl(url);
    this.#queue = new Queue(QUEUE_NAME, {
      connection: this.#location.connection,
      prefix: this.#location.prefix,
      defaultJobOptions: {
        removeOnComplete: { age: KEEP_FINISHED_S },
        removeOnFail: { age: KEEP_FINISHED_S },
      },
    });
  }

  /** Adds the job for `work` on `runId` unless the same work is already queued or recently done. */
  async enqueue(job: RunJob, work: string, options: { delayMs?: number } = {}): Promise<void> {
    await this.#queue.add('advance', RunJobSchema.parse(job), {
      jobId: jobId(job.runId, work),
      ...(options.delayMs ? { delay: options.delayMs } : {}),
      ...(FRONT_OF_LINE.test(work) ? { lifo: true } : {}),
    });
  }

  /** Jobs waiting, delayed or being worked on (for benches and `wait`). */
  async backlog(): Promise<number> {
    return this.#queue.count();
  }

  /**
   * Takes jobs in this process, `concurrency` at a time. A job taken by a worker that died (killed
   * with -9) goes to another worker once its lock lapses: `lockMs` (default 30 s), which workers
   * set to the run lease, so a run whose work had not yet started is not later than its takeover.
   */
  work(handle: (job: RunJob) => Promise<void>, concurrency: number, lockMs = 30_000): Worker {
    // Never shorter than MIN_JOB_LOCK_MS: the lock is renewed by a timer, and a busy event loop must
    // not make a live worker's job look abandoned.
    const lockDuration = Math.max(lockMs, MIN_JOB_LOCK_MS);
    return new Worker(
      QUEUE_NAME,
      async (job: Job) => {
        await handle(RunJobSchema.parse(job.data));
      },
      {
        connection: this.#location.connection,
        prefix: this.#location.prefix,
        concurrency,
        // The lock is renewed while the worker lives; the check for lapsed locks runs as often. The
        // run's lease still guards the run if a job is ever taken twice.
        lockDuration,
        stalledInterval: lockDuration,
      },
    );
  }

  /** Removes every key of this queue (tests and benches with a prefix of their own). */
  async obliterate(): Promise<void> {
    await this.#queue.obliterate({ force: true });
  }

  async close(): Promise<void> {
    await this.#queue.close();
  }
}

/** BullMQ job ids may not contain ":" (its key separator). */
function jobId(runId: string, work: string): string {
  return `${work}.${runId}`.replaceAll(':', '_');
}
