import { randomUUID } from 'node:crypto';
import type { Keyv } from 'keyv';
import { z } from 'zod';
import type { Redactor } from '../redactor.ts';
import {
  FINISHED_STATUSES,
  NewRunSchema,
  RunRecordSchema,
  type NewRun,
  type RunPatch,
  type RunRecord,
  type RunStatus,
  type ThreadRef,
} from './runRecord.ts';

export type LeaseHolder = { owner: string; expiresAt: number };

/**
 * Proof of one grant of a run's lease (a fencing token). The epoch grows with every new grant, so a
 * write carrying a fence lands only while that very grant is live: a holder whose lease expired or
 * was taken over writes nothing, even if it still believes it owns the run.
 */
export type Fence = { runId: string; owner: string; epoch: number };

/** Told about each run whose record cannot be read, which a listing skips; by default a process warning. */
export type DamagedRunHandler = (damage: StoredRunError) => void;

export type ListRunsOptions = { limit?: number; status?: readonly RunStatus[]; onDamaged?: DamagedRunHandler };

/** Durable home of runs: records, checkpoints, outputs, events, thread links, and the locks around them. */
export interface RunStore {
  /** Throws RunAlreadyExistsError when an explicit id is taken. */
  createRun(input: NewRun): Promise<RunRecord>;
  getRun(id: string): Promise<RunRecord | undefined>;
  /**
   * Merges the patch, bumps `updatedAt` and `version`; stamps `finishedAt` on a finished status.
   * With a fence (here and on every write below) the write lands only while the fence's lease
   * grant is live, checked atomically with the write; otherwise it throws FencedOutError.
   */
  updateRun(id: string, patch: RunPatch, fence?: Fence): Promise<RunRecord>;
  /** Newest first. Reads the index, then only the listed records (never checkpoints). Damaged records are skipped and reported. */
  listRuns(opts?: ListRunsOptions): Promise<RunRecord[]>;
  /** Removes a run with everything kept about it: record, checkpoint, outputs, events, lease. */
  deleteRun(id: string): Promise<void>;

  saveCheckpoint(runId: string, state: unknown, fence?: Fence): Promise<void>;
  getCheckpoint(runId: string): Promise<unknown>;

  saveTaskOutput(runId: string, taskId: string, output: unknown, fence?: Fence): Promise<void>;
  getTaskOutputs(runId: string): Promise<Record<string, unknown>>;

  appendEvent(runId: string, event: unknown, fence?: Fence): Promise<void>;
  /** `since` is how many events the caller already has: events from that 0-based position on. */
  getEvents(runId: string, opts?: { since?: number }): Promise<unknown[]>;

  /** What a chat surface keeps about a run's thread (ids of its status and request messages). */
  saveThreadState(runId: string, state: unknown): Promise<void>;
  getThreadState(runId: string): Promise<unknown>;
  indexThread(thread: ThreadRef, runId: string): Promise<void>;
  runForThread(thread: ThreadRef): Promise<string | undefined>;

  /** True for exactly one caller, across processes, until `ttlMs` has passed. */
  claimIdempotencyKey(key: string, ttlMs: number): Promise<boolean>;

  /**
   * Append-only logs kept beside the runs, by name (lessons, ratings): an append is atomic across
   * processes on every backend, and readers fold the entries, oldest first, into what they need.
   */
  appendToLog(log: string, entry: unknown): Promise<void>;
  readLog(log: string): Promise<unknown[]>;

  /**
   * The fence of `owner`'s grant when it now holds the run's lease (also when it already did: the
   * TTL is restarted and the epoch kept); undefined when another owner holds it.
   */
  acquireLease(runId: string, owner: string, ttlMs: number): Promise<Fence | undefined>;
  /** Extends a live lease held by `owner`; false when it expired or belongs to someone else. */
  renewLease(runId: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Releases the lease only if `owner` holds it. */
  releaseLease(runId: string, owner: string): Promise<void>;
  leaseHolder(runId: string): Promise<LeaseHolder | undefined>;

  /** Runs marked `running` whose lease is gone: their process died, so another may take them over. */
  findExpiredRunning(opts?: { onDamaged?: DamagedRunHandler }): Promise<RunRecord[]>;

  /**
   * Removes a finished run and everything kept about it (record, checkpoint, outputs, events,
   * answers, thread state and link, lease). Refuses (RunStillActiveError) a run that is not finished.
   */
  deleteRun(id: string): Promise<void>;

  close(): Promise<void>;
}

/**
 * What keyv cannot express, one implementation per backend: atomic claims and leases, the
 * ordered run index, and collections that grow or change one entry at a time.
 * Values arrive and leave as JSON text.
 */
export interface RunStoreAtomics {
  /** False when the id is already indexed. */
  insertRunIndex(id: string, status: RunStatus): Promise<boolean>;
  setIndexedStatus(id: string, status: RunStatus): Promise<void>;
  /** Newest first; every status when `statuses` is undefined. */
  listRunIds(limit: number, statuses: readonly RunStatus[] | undefined): Promise<string[]>;
  runningWithoutLease(): Promise<string[]>;
  /** Drops the run from the index and removes its events (also `extraEventLogs`), outputs and lease. */
  deleteRunData(runId: string, extraEventLogs: string[]): Promise<void>;
  /** The fenced writes below return false, having written nothing, when the fence's grant is not live. */
  appendEvent(runId: string, json: string, fence?: Fence): Promise<boolean>;
  readEvents(runId: string, since: number): Promise<string[]>;
  saveTaskOutput(runId: string, taskId: string, json: string, fence?: Fence): Promise<boolean>;
  readTaskOutputs(runId: string): Promise<Array<[taskId: string, json: string]>>;
  /** Writes a keyv value (`{"value": …}` under keyv's own key) only while the fence's grant is live. */
  putFenced(key: string, valueJson: string, fence: Fence): Promise<boolean>;
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** The grant's epoch, or undefined when another owner holds the lease. */
  acquireLease(runId: string, owner: string, ttlMs: number): Promise<number | undefined>;
  renewLease(runId: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLease(runId: string, owner: string): Promise<void>;
  leaseHolder(runId: string): Promise<LeaseHolder | undefined>;
}

export class RunNotFoundError extends Error {
  override name = 'RunNotFoundError';
  constructor(readonly runId: string) {
    super(`Run "${runId}" does not exist in this run store. List the runs to find its id.`);
  }
}

export class RunAlreadyExistsError extends Error {
  override name = 'RunAlreadyExistsError';
  constructor(readonly runId: string) {
    super(`A run with id "${runId}" already exists. Leave the id out to get a fresh one.`);
  }
}

export class StoredRunError extends Error {
  override name = 'StoredRunError';
  constructor(
    readonly runId: string,
    readonly detail: string,
  ) {
    super(`Run "${runId}" in the run store is damaged or from an incompatible crewbot version: ${detail}`);
  }
}

export class FencedOutError extends Error {
  override name = 'FencedOutError';
  constructor(readonly fence: Fence) {
    super(
      `Run "${fence.runId}": "${fence.owner}" no longer holds the lease it was granted (epoch ${fence.epoch}), ` +
        'so its write was refused. Another process owns the run now; this one stops working on it.',
    );
  }
}

export class RunStillActiveError extends Error {
  override name = 'RunStillActiveError';
  constructor(readonly runId: string, status: RunStatus) {
    super(`Run "${runId}" is ${status}; only completed, failed or cancelled runs are deleted. Cancel it first if it should go.`);
  }
}

/** The record itself cannot be read: nothing can act on the run, and listings skip it. */
export class DamagedRunRecordError extends StoredRunError {
  override name = 'DamagedRunRecordError';
  constructor(runId: string, detail: string) {
    super(runId, `its record is not readable (${detail}). Listings and recovery skip it; remove it with: crewbot remove ${runId}`);
  }
}

const warnDamaged: DamagedRunHandler = (damage) => process.emitWarning(damage.message);

export const DEFAULT_LIST_LIMIT = 50;

const runKey = (id: string) => `run:${id}`;
const checkpointKey = (runId: string) => `checkpoint:${runId}`;
const threadStateKey = (runId: string) => `thread-state:${runId}`;
const threadKey = (thread: ThreadRef) => `thread:${thread.platform}|${thread.id}`;
/** Shared logs live in the backends' event lists, under a prefix that sets them apart from runs' event logs. */
const sharedLogKey = (log: string) => `log|${log}`;

const PositiveMsSchema = z.number().positive().finite();

export type KeyvRunStoreParts = {
  /** Values are stored as JSON text (see openRunStore). */
  kv: Keyv<unknown>;
  atomics: RunStoreAtomics;
  close: () => Promise<void>;
  now?: () => number;
  /** Removes secrets from records, checkpoints, outputs, events and thread state before they are written. */
  redactor?: Redactor | undefined;
};

/** The RunStore every backend shares: plain values in keyv, the rest in the backend's atomics. */
export class KeyvRunStore implements RunStore {
  readonly #kv: Keyv<unknown>;
  readonly #atomics: RunStoreAtomics;
  readonly #close: () => Promise<void>;
  readonly #now: () => number;
  readonly #redact: <T>(value: T) => T;
  /** Updates to one run in this process run one after another, so none is lost. */
  readonly #updateChains = new Map<string, Promise<void>>();

  constructor(parts: KeyvRunStoreParts) {
    this.#kv = parts.kv;
    this.#atomics = parts.atomics;
    this.#close = parts.close;
    this.#now = parts.now ?? Date.now;
    const redactor = parts.redactor;
    this.#redact = redactor ? (value) => redactor.redactValue(value) : (value) => value;
  }

  async createRun(input: NewRun): Promise<RunRecord> {
    const { id = randomUUID(), ...fields } = NewRunSchema.parse(this.#redact(input));
    const now = this.#now();
    const record = RunRecordSchema.parse({ ...fields, id, createdAt: now, updatedAt: now, version: 0 });
    if (!(await this.#atomics.insertRunIndex(id, record.status))) throw new RunAlreadyExistsError(id);
    await this.#kv.set(runKey(id), record);
    return record;
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    let value: unknown;
    try {
      value = await this.#kv.get(runKey(id));
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      throw new DamagedRunRecordError(id, `not JSON: ${error.message}`);
    }
    return parseRun(id, value);
  }

  updateRun(id: string, patch: RunPatch, fence?: Fence): Promise<RunRecord> {
    return this.#serially(id, async () => {
      const current = await this.getRun(id);
      if (current === undefined) throw new RunNotFoundError(id);
      const now = this.#now();
      const next = RunRecordSchema.parse({
        ...current,
        ...this.#redact(patch),
        id,
        createdAt: current.createdAt,
        updatedAt: Math.max(now, current.updatedAt),
        version: current.version + 1,
      });
      if (FINISHED_STATUSES.includes(next.status) && next.finishedAt === undefined) next.finishedAt = now;
      if (fence) await this.#fenced(fence, this.#atomics.putFenced(runKey(id), toJson(next, 'run record'), fence));
      else await this.#kv.set(runKey(id), next);
      if (next.status !== current.status) await this.#atomics.setIndexedStatus(id, next.status);
      return next;
    });
  }

  async listRuns(opts: ListRunsOptions = {}): Promise<RunRecord[]> {
    const limit = z.number().int().positive().parse(opts.limit ?? DEFAULT_LIST_LIMIT);
    const statuses = opts.status;
    if (statuses !== undefined && statuses.length === 0) return [];
    const ids = await this.#atomics.listRunIds(limit, statuses);
    const records = await this.#loadRuns(ids, opts.onDamaged ?? warnDamaged);
    // The index and the record are two writes; the record is the truth if a crash split them.
    return statuses === undefined ? records : records.filter((run) => statuses.includes(run.status));
  }

  async saveCheckpoint(runId: string, state: unknown, fence?: Fence): Promise<void> {
    const redacted = this.#redact(state);
    if (fence) await this.#fenced(fence, this.#atomics.putFenced(checkpointKey(runId), toJson(redacted, 'checkpoint'), fence));
    else await this.#kv.set(checkpointKey(runId), redacted);
  }

  async getCheckpoint(runId: string): Promise<unknown> {
    try {
      return await this.#kv.get(checkpointKey(runId));
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      throw new StoredRunError(runId, `its checkpoint is not readable JSON (${error.message}). Replay the run from its first task.`);
    }
  }

  async saveTaskOutput(runId: string, taskId: string, output: unknown, fence?: Fence): Promise<void> {
    const json = toJson(this.#redact(output), `output of task "${taskId}"`);
    await this.#fenced(fence, this.#atomics.saveTaskOutput(runId, taskId, json, fence));
  }

  async getTaskOutputs(runId: string): Promise<Record<string, unknown>> {
    const entries = await this.#atomics.readTaskOutputs(runId);
    return Object.fromEntries(entries.map(([taskId, json]) => [taskId, JSON.parse(json) as unknown]));
  }

  async appendEvent(runId: string, event: unknown, fence?: Fence): Promise<void> {
    await this.#fenced(fence, this.#atomics.appendEvent(runId, toJson(this.#redact(event), 'run event'), fence));
  }

  async getEvents(runId: string, opts: { since?: number } = {}): Promise<unknown[]> {
    const since = z.number().int().nonnegative().parse(opts.since ?? 0);
    const rows = await this.#atomics.readEvents(runId, since);
    return rows.map((json) => JSON.parse(json) as unknown);
  }

  async saveThreadState(runId: string, state: unknown): Promise<void> {
    await this.#kv.set(threadStateKey(runId), this.#redact(state));
  }

  async getThreadState(runId: string): Promise<unknown> {
    return this.#kv.get(threadStateKey(runId));
  }

  async indexThread(thread: ThreadRef, runId: string): Promise<void> {
    await this.#kv.set(threadKey(thread), runId);
  }

  async runForThread(thread: ThreadRef): Promise<string | undefined> {
    return z.string().optional().parse(await this.#kv.get(threadKey(thread)));
  }

  claimIdempotencyKey(key: string, ttlMs: number): Promise<boolean> {
    return this.#atomics.claim(key, wholeMs(ttlMs));
  }

  async appendToLog(log: string, entry: unknown): Promise<void> {
    await this.#atomics.appendEvent(sharedLogKey(log), toJson(this.#redact(entry), `entry of the ${log} log`));
  }

  async readLog(log: string): Promise<unknown[]> {
    const rows = await this.#atomics.readEvents(sharedLogKey(log), 0);
    return rows.map((json) => JSON.parse(json) as unknown);
  }

  async acquireLease(runId: string, owner: string, ttlMs: number): Promise<Fence | undefined> {
    const epoch = await this.#atomics.acquireLease(runId, owner, wholeMs(ttlMs));
    return epoch === undefined ? undefined : { runId, owner, epoch };
  }

  renewLease(runId: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.#atomics.renewLease(runId, owner, wholeMs(ttlMs));
  }

  releaseLease(runId: string, owner: string): Promise<void> {
    return this.#atomics.releaseLease(runId, owner);
  }

  leaseHolder(runId: string): Promise<LeaseHolder | undefined> {
    return this.#atomics.leaseHolder(runId);
  }

  async findExpiredRunning(opts: { onDamaged?: DamagedRunHandler } = {}): Promise<RunRecord[]> {
    const records = await this.#loadRuns(await this.#atomics.runningWithoutLease(), opts.onDamaged ?? warnDamaged);
    return records.filter((run) => run.status === 'running');
  }

  deleteRun(id: string): Promise<void> {
    return this.#serially(id, async () => {
      // A damaged record cannot say its status or thread: it is removed with everything kept about it.
      const run = await this.getRun(id).catch((error: unknown) => {
        if (error instanceof DamagedRunRecordError) return null;
        throw error;
      });
      if (run === undefined) return;
      if (run && !FINISHED_STATUSES.includes(run.status)) throw new RunStillActiveError(id, run.status);
      if (run?.thread && (await this.runForThread(run.thread)) === id) await this.#kv.delete(threadKey(run.thread));
      await this.#kv.deleteMany([checkpointKey(id), threadStateKey(id)]);
      await this.#atomics.deleteRunData(id, [`${id}:answers`]);
      // The record goes last: a prune stopped half-way leaves a run that a second prune finds again.
      await this.#kv.delete(runKey(id));
    });
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#updateChains.values());
    await this.#close();
  }

  async #fenced(fence: Fence | undefined, write: Promise<boolean>): Promise<void> {
    if (!(await write) && fence) throw new FencedOutError(fence);
  }

  /** One damaged record is reported and skipped; it never hides the others. */
  async #loadRuns(ids: string[], onDamaged: DamagedRunHandler): Promise<RunRecord[]> {
    if (ids.length === 0) return [];
    let values: unknown[];
    try {
      values = await this.#kv.getMany(ids.map(runKey));
    } catch (error) {
      // A value that is not JSON fails the whole batch: read one by one to find it.
      if (!(error instanceof SyntaxError)) throw error;
      return (await Promise.all(ids.map((id) => this.#skipDamaged(() => this.getRun(id), onDamaged)))).flatMap((run) => run ?? []);
    }
    return (await Promise.all(ids.map((id, i) => this.#skipDamaged(async () => parseRun(id, values[i]), onDamaged)))).flatMap((run) => run ?? []);
  }

  async #skipDamaged(read: () => Promise<RunRecord | undefined>, onDamaged: DamagedRunHandler): Promise<RunRecord | undefined> {
    try {
      return await read();
    } catch (error) {
      if (!(error instanceof StoredRunError)) throw error;
      onDamaged(error);
      return undefined;
    }
  }

  #serially<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#updateChains.get(id) ?? Promise.resolve();
    const result = previous.then(work);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.#updateChains.set(id, settled);
    void settled.then(() => {
      if (this.#updateChains.get(id) === settled) this.#updateChains.delete(id);
    });
    return result;
  }
}

function parseRun(id: string, value: unknown): RunRecord | undefined {
  if (value === undefined || value === null) return undefined;
  const parsed = RunRecordSchema.safeParse(value);
  if (!parsed.success) throw new DamagedRunRecordError(id, z.prettifyError(parsed.error));
  return parsed.data;
}

function toJson(value: unknown, what: string): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`The ${what} cannot be stored: it is not JSON-serializable.`);
  return json;
}

/** Backends count whole milliseconds; a fraction rounds up so a TTL never shrinks to zero. */
function wholeMs(ttlMs: number): number {
  return Math.ceil(PositiveMsSchema.parse(ttlMs));
}
