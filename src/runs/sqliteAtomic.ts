import sqlite3 from 'sqlite3';
import { z } from 'zod';
import type { RunStatus } from './runRecord.ts';
import type { Fence, LeaseHolder, RunStoreAtomics } from './runStore.ts';

type SqlParam = string | number | null;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS crewbot_runs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  ns TEXT NOT NULL,
  id TEXT NOT NULL,
  status TEXT NOT NULL,
  UNIQUE (ns, id)
);
CREATE INDEX IF NOT EXISTS crewbot_runs_newest ON crewbot_runs (ns, seq);
CREATE INDEX IF NOT EXISTS crewbot_runs_by_status ON crewbot_runs (ns, status, seq);
CREATE TABLE IF NOT EXISTS crewbot_events (
  ns TEXT NOT NULL, run_id TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (ns, run_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS crewbot_task_outputs (
  ns TEXT NOT NULL, run_id TEXT NOT NULL, task_id TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (ns, run_id, task_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS crewbot_claims (
  ns TEXT NOT NULL, key TEXT NOT NULL, expires_at INTEGER NOT NULL,
  PRIMARY KEY (ns, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS crewbot_leases (
  ns TEXT NOT NULL, run_id TEXT NOT NULL, owner TEXT NOT NULL, expires_at INTEGER NOT NULL,
  epoch INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (ns, run_id)
) WITHOUT ROWID;
`;

/** Files made before leases had epochs gain the column; a lease row is then kept (expired) on release. */
const LEASE_EPOCH_COLUMN = 'ALTER TABLE crewbot_leases ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0';

/** keyv's table in the same file (see openRunStore): fenced writes of records and checkpoints go there. */
export const KV_TABLE = 'crewbot_kv';

/** True while the fence's grant is live; `?`s: ns, run_id, owner, epoch, now. */
const FENCE_HOLDS = `EXISTS (SELECT 1 FROM crewbot_leases
  WHERE ns = ? AND run_id = ? AND owner = ? AND epoch = ? AND expires_at > ?)`;

/**
 * In WAL mode NORMAL survives any process crash and never corrupts the file; only a power cut can
 * drop the last commits. It saves an fsync per write. Every connection to the file sets it.
 */
export const SYNCHRONOUS = 'PRAGMA synchronous = NORMAL;';

/** Expired claims are only garbage; sweeping them every this many claims keeps the table small. */
const CLAIM_SWEEP_EVERY = 256;

const IdRows = z.array(z.object({ id: z.string() }));
const BodyRows = z.array(z.object({ body: z.string() }));
const OutputRows = z.array(z.object({ task_id: z.string(), body: z.string() }));
const LeaseRows = z.array(z.object({ owner: z.string(), expires_at: z.number() }));
const EpochRows = z.array(z.object({ epoch: z.number() }));
const ColumnRows = z.array(z.object({ name: z.string() }));

/**
 * SQLite side of the run store. Every check-and-set is one INSERT/UPDATE statement, which SQLite
 * runs under its write lock, so it is atomic across connections and processes sharing the file.
 */
export class SqliteAtomic implements RunStoreAtomics {
  #claimsSinceSweep = 0;

  private constructor(
    private readonly db: sqlite3.Database,
    private readonly ns: string,
    private readonly now: () => number,
  ) {}

  /** Opens the file in WAL mode with a busy timeout, so several processes can share it. */
  static async open(
    path: string,
    ns: string,
    opts: { busyTimeoutMs: number; now?: () => number },
  ): Promise<SqliteAtomic> {
    const db = await openDatabase(path);
    db.configure('busyTimeout', opts.busyTimeoutMs);
    const atomic = new SqliteAtomic(db, ns, opts.now ?? Date.now);
    try {
      await atomic.#exec(`PRAGMA journal_mode = WAL; ${SYNCHRONOUS}`);
      await atomic.#exec(SCHEMA);
      await atomic.#addEpochColumn();
      await atomic.#sweepClaims();
    } catch (error) {
      await atomic.close();
      throw error;
    }
    return atomic;
  }

  async insertRunIndex(id: string, status: RunStatus): Promise<boolean> {
    const changes = await this.#run(
      'INSERT INTO crewbot_runs (ns, id, status) VALUES (?, ?, ?) ON CONFLICT (ns, id) DO NOTHING',
      [this.ns, id, status],
    );
    return changes === 1;
  }

  async setIndexedStatus(id: string, status: RunStatus): Promise<void> {
    await this.#run(
      `INSERT INTO crewbot_runs (ns, id, status) VALUES (?, ?, ?)
       ON CONFLICT (ns, id) DO UPDATE SET status = excluded.status`,
      [this.ns, id, status],
    );
  }

  async listRunIds(limit: number, statuses: readonly RunStatus[] | undefined): Promise<string[]> {
    const rows =
      statuses === undefined
        ? await this.#all('SELECT id FROM crewbot_runs WHERE ns = ? ORDER BY seq DESC LIMIT ?', [this.ns, limit])
        : await this.#all(
            `SELECT id FROM crewbot_runs WHERE ns = ? AND status IN (SELECT value FROM json_each(?))
             ORDER BY seq DESC LIMIT ?`,
            [this.ns, JSON.stringify(statuses), limit],
          );
    return IdRows.parse(rows).map((row) => row.id);
  }

  async runningWithoutLease(): Promise<string[]> {
    const rows = await this.#all(
      `SELECT r.id FROM crewbot_runs r
       WHERE r.ns = ? AND r.status = 'running' AND NOT EXISTS (
         SELECT 1 FROM crewbot_leases l WHERE l.ns = r.ns AND l.run_id = r.id AND l.expires_at > ?)
       ORDER BY r.seq DESC`,
      [this.ns, this.now()],
    );
    return IdRows.parse(rows).map((row) => row.id);
  }

  async appendEvent(runId: string, json: string, fence?: Fence): Promise<boolean> {
    // One statement: the next position is read, and the fence checked, under the same write lock that inserts it.
    const changes = await this.#run(
      `INSERT INTO crewbot_events (ns, run_id, seq, body)
       SELECT * FROM (SELECT ?, ?, COALESCE(MAX(seq) + 1, 0), ? FROM crewbot_events WHERE ns = ? AND run_id = ?)
       WHERE ${fence ? FENCE_HOLDS : 'true'}`,
      [this.ns, runId, json, this.ns, runId, ...this.#fenceParams(fence)],
    );
    return changes === 1;
  }

  async deleteRunData(runId: string, extraEventLogs: string[]): Promise<void> {
    const logs = JSON.stringify([runId, ...extraEventLogs]);
    // Each delete stands alone; the caller removes the run record last, so a repeat finishes the job.
    await this.#run('DELETE FROM crewbot_events WHERE ns = ? AND run_id IN (SELECT value FROM json_each(?))', [this.ns, logs]);
    await this.#run('DELETE FROM crewbot_task_outputs WHERE ns = ? AND run_id = ?', [this.ns, runId]);
    await this.#run('DELETE FROM crewbot_leases WHERE ns = ? AND run_id = ?', [this.ns, runId]);
    await this.#run('DELETE FROM crewbot_runs WHERE ns = ? AND id = ?', [this.ns, runId]);
  }

  async readEvents(runId: string, since: number): Promise<string[]> {
    const rows = await this.#all(
      'SELECT body FROM crewbot_events WHERE ns = ? AND run_id = ? AND seq >= ? ORDER BY seq',
      [this.ns, runId, since],
    );
    return BodyRows.parse(rows).map((row) => row.body);
  }

  async saveTaskOutput(runId: string, taskId: string, json: string, fence?: Fence): Promise<boolean> {
    const changes = await this.#run(
      `INSERT INTO crewbot_task_outputs (ns, run_id, task_id, body) SELECT ?, ?, ?, ? WHERE ${fence ? FENCE_HOLDS : 'true'}
       ON CONFLICT (ns, run_id, task_id) DO UPDATE SET body = excluded.body`,
      [this.ns, runId, taskId, json, ...this.#fenceParams(fence)],
    );
    return changes === 1;
  }

  async putFenced(key: string, valueJson: string, fence: Fence): Promise<boolean> {
    // keyv's layout: the key prefixed with the namespace, the value wrapped as {"value": …}.
    const changes = await this.#run(
      `INSERT INTO ${KV_TABLE} (key, value) SELECT ?, ? WHERE ${FENCE_HOLDS}
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [`${this.ns}:${key}`, `{"value":${valueJson}}`, ...this.#fenceParams(fence)],
    );
    return changes === 1;
  }

  async readTaskOutputs(runId: string): Promise<Array<[string, string]>> {
    const rows = await this.#all(
      'SELECT task_id, body FROM crewbot_task_outputs WHERE ns = ? AND run_id = ? ORDER BY task_id',
      [this.ns, runId],
    );
    return OutputRows.parse(rows).map((row) => [row.task_id, row.body]);
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    if (++this.#claimsSinceSweep >= CLAIM_SWEEP_EVERY) await this.#sweepClaims();
    const now = this.now();
    const changes = await this.#run(
      `INSERT INTO crewbot_claims (ns, key, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (ns, key) DO UPDATE SET expires_at = excluded.expires_at
       WHERE crewbot_claims.expires_at <= ?`,
      [this.ns, key, now + ttlMs, now],
    );
    return changes === 1;
  }

  async acquireLease(runId: string, owner: string, ttlMs: number): Promise<number | undefined> {
    const now = this.now();
    // A live grant to the same owner keeps its epoch; any other grant is a new epoch.
    const rows = await this.#all(
      `INSERT INTO crewbot_leases (ns, run_id, owner, expires_at, epoch) VALUES (?, ?, ?, ?, 1)
       ON CONFLICT (ns, run_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at,
         epoch = CASE WHEN crewbot_leases.owner = excluded.owner AND crewbot_leases.expires_at > ?
                 THEN crewbot_leases.epoch ELSE crewbot_leases.epoch + 1 END
       WHERE crewbot_leases.expires_at <= ? OR crewbot_leases.owner = excluded.owner
       RETURNING epoch`,
      [this.ns, runId, owner, now + ttlMs, now, now],
    );
    return EpochRows.parse(rows)[0]?.epoch;
  }

  async renewLease(runId: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const changes = await this.#run(
      `UPDATE crewbot_leases SET expires_at = ?
       WHERE ns = ? AND run_id = ? AND owner = ? AND expires_at > ?`,
      [now + ttlMs, this.ns, runId, owner, now],
    );
    return changes === 1;
  }

  async releaseLease(runId: string, owner: string): Promise<void> {
    // The row stays, expired, so the next grant's epoch is still higher than every earlier one.
    await this.#run('UPDATE crewbot_leases SET expires_at = 0 WHERE ns = ? AND run_id = ? AND owner = ?', [this.ns, runId, owner]);
  }

  async leaseHolder(runId: string): Promise<LeaseHolder | undefined> {
    const rows = await this.#all(
      'SELECT owner, expires_at FROM crewbot_leases WHERE ns = ? AND run_id = ? AND expires_at > ?',
      [this.ns, runId, this.now()],
    );
    const row = LeaseRows.parse(rows)[0];
    return row && { owner: row.owner, expiresAt: row.expires_at };
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.db.close((error) => (error ? reject(error) : resolve())));
  }

  #fenceParams(fence: Fence | undefined): SqlParam[] {
    return fence ? [this.ns, fence.runId, fence.owner, fence.epoch, this.now()] : [];
  }

  async #addEpochColumn(): Promise<void> {
    const columns = ColumnRows.parse(await this.#all('PRAGMA table_info(crewbot_leases)', []));
    if (!columns.some((column) => column.name === 'epoch')) await this.#exec(LEASE_EPOCH_COLUMN);
  }

  async #sweepClaims(): Promise<void> {
    this.#claimsSinceSweep = 0;
    await this.#run('DELETE FROM crewbot_claims WHERE ns = ? AND expires_at <= ?', [this.ns, this.now()]);
  }

  #exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.db.exec(sql, (error) => (error ? reject(error) : resolve())));
  }

  /** Runs a write; resolves with the number of rows it changed. */
  #run(sql: string, params: SqlParam[]): Promise<number> {
    return new Promise((resolve, reject) =>
      this.db.run(sql, params, function (this: sqlite3.RunResult, error: Error | null) {
        if (error) reject(error);
        else resolve(this.changes);
      }),
    );
  }

  #all(sql: string, params: SqlParam[]): Promise<unknown[]> {
    return new Promise((resolve, reject) =>
      this.db.all(sql, params, (error: Error | null, rows: unknown[]) => (error ? reject(error) : resolve(rows))),
    );
  }
}

function openDatabase(path: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db: sqlite3.Database = new sqlite3.Database(path, (error) => (error ? reject(error) : resolve(db)));
  });
}
