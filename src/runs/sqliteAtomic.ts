import sqlite3 from 'sqlite3';
import { z } from 'zod';
import type { RunStatus } from './runRecord.ts';
import type { LeaseHolder, RunStoreAtomics } from './runStore.ts';

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
  PRIMARY KEY (ns, run_id)
) WITHOUT ROWID;
`;

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

  async removeRun(id: string): Promise<void> {
    for (const table of ['crewbot_runs', 'crewbot_events', 'crewbot_task_outputs', 'crewbot_leases']) {
      await this.#run(`DELETE FROM ${table} WHERE ns = ? AND ${table === 'crewbot_runs' ? 'id' : 'run_id'} = ?`, [this.ns, id]);
    }
  }

  async appendEvent(runId: string, json: string): Promise<void> {
    // One statement: the next position is read under the same write lock that inserts it.
    await this.#run(
      `INSERT INTO crewbot_events (ns, run_id, seq, body)
       SELECT ?, ?, COALESCE(MAX(seq) + 1, 0), ? FROM crewbot_events WHERE ns = ? AND run_id = ?`,
      [this.ns, runId, json, this.ns, runId],
    );
  }

  async readEvents(runId: string, since: number): Promise<string[]> {
    const rows = await this.#all(
      'SELECT body FROM crewbot_events WHERE ns = ? AND run_id = ? AND seq >= ? ORDER BY seq',
      [this.ns, runId, since],
    );
    return BodyRows.parse(rows).map((row) => row.body);
  }

  async saveTaskOutput(runId: string, taskId: string, json: string): Promise<void> {
    await this.#run(
      `INSERT INTO crewbot_task_outputs (ns, run_id, task_id, body) VALUES (?, ?, ?, ?)
       ON CONFLICT (ns, run_id, task_id) DO UPDATE SET body = excluded.body`,
      [this.ns, runId, taskId, json],
    );
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

  async acquireLease(runId: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const changes = await this.#run(
      `INSERT INTO crewbot_leases (ns, run_id, owner, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (ns, run_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
       WHERE crewbot_leases.expires_at <= ? OR crewbot_leases.owner = excluded.owner`,
      [this.ns, runId, owner, now + ttlMs, now],
    );
    return changes === 1;
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
    await this.#run('DELETE FROM crewbot_leases WHERE ns = ? AND run_id = ? AND owner = ?', [this.ns, runId, owner]);
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
