import type { RedisClientType } from '@keyv/redis';
import { z } from 'zod';
import { RunStatusSchema, type RunStatus } from './runRecord.ts';
import type { LeaseHolder, RunStoreAtomics } from './runStore.ts';

export type RedisClient = RedisClientType;

// The run index: one sorted set of every run and one per status, all scored by an insertion
// counter so "newest first" is exact even for runs created in the same millisecond.
const INSERT_INDEX = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
local seq = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[1], seq, ARGV[1])
redis.call('ZADD', KEYS[3], seq, ARGV[1])
return 1`;

const SET_STATUS = `
local seq = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not seq then
  seq = redis.call('INCR', KEYS[2])
  redis.call('ZADD', KEYS[1], seq, ARGV[1])
end
for i = 4, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
redis.call('ZADD', KEYS[3], seq, ARGV[1])
return 1`;

const ACQUIRE_LEASE = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

const RENEW_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;

const RELEASE_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const LEASE_HOLDER = `
local holder = redis.call('GET', KEYS[1])
if not holder then return false end
return { holder, redis.call('PTTL', KEYS[1]) }`;

const ScriptFlag = z.number();
const HolderReply = z.union([z.null(), z.tuple([z.string(), z.number()])]);

/**
 * Redis side of the run store. Claims are `SET NX PX`; leases are compare-and-set Lua scripts,
 * which Redis runs atomically; events are lists (RPUSH) and task outputs hashes (HSET).
 */
export class RedisAtomic implements RunStoreAtomics {
  constructor(
    private readonly client: RedisClient,
    private readonly ns: string,
  ) {}

  async insertRunIndex(id: string, status: RunStatus): Promise<boolean> {
    const keys = [this.#allRuns(), this.#seq(), this.#statusSet(status)];
    return ScriptFlag.parse(await this.client.eval(INSERT_INDEX, { keys, arguments: [id] })) === 1;
  }

  async setIndexedStatus(id: string, status: RunStatus): Promise<void> {
    const others = RunStatusSchema.options.filter((s) => s !== status).map((s) => this.#statusSet(s));
    const keys = [this.#allRuns(), this.#seq(), this.#statusSet(status), ...others];
    await this.client.eval(SET_STATUS, { keys, arguments: [id] });
  }

  async listRunIds(limit: number, statuses: readonly RunStatus[] | undefined): Promise<string[]> {
    if (statuses === undefined) return this.client.zRange(this.#allRuns(), 0, limit - 1, { REV: true });
    const perStatus = await Promise.all(
      statuses.map((status) => this.client.zRangeWithScores(this.#statusSet(status), 0, limit - 1, { REV: true })),
    );
    return perStatus
      .flat()
      .sort((a, b) => b.score - a.score)
      .slice(0, limit)
      .map((entry) => entry.value);
  }

  async runningWithoutLease(): Promise<string[]> {
    const running = await this.client.zRange(this.#statusSet('running'), 0, -1, { REV: true });
    const leased = await Promise.all(running.map((id) => this.client.exists(this.#lease(id))));
    return running.filter((_, i) => leased[i] === 0);
  }

  async removeRun(id: string): Promise<void> {
    const indexes = [this.#allRuns(), ...RunStatusSchema.options.map((status) => this.#statusSet(status))];
    await Promise.all(indexes.map((key) => this.client.zRem(key, id)));
    await this.client.del([this.#events(id), this.#outputs(id), this.#lease(id)]);
  }

  async appendEvent(runId: string, json: string): Promise<void> {
    await this.client.rPush(this.#events(runId), json);
  }

  readEvents(runId: string, since: number): Promise<string[]> {
    return this.client.lRange(this.#events(runId), since, -1);
  }

  async saveTaskOutput(runId: string, taskId: string, json: string): Promise<void> {
    await this.client.hSet(this.#outputs(runId), taskId, json);
  }

  async readTaskOutputs(runId: string): Promise<Array<[string, string]>> {
    const fields = await this.client.hGetAll(this.#outputs(runId));
    return Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const reply = await this.client.set(this.#claim(key), '1', {
      condition: 'NX',
      expiration: { type: 'PX', value: ttlMs },
    });
    return reply === 'OK';
  }

  async acquireLease(runId: string, owner: string, ttlMs: number): Promise<boolean> {
    const reply = await this.client.eval(ACQUIRE_LEASE, { keys: [this.#lease(runId)], arguments: [owner, String(ttlMs)] });
    return ScriptFlag.parse(reply) === 1;
  }

  async renewLease(runId: string, owner: string, ttlMs: number): Promise<boolean> {
    const reply = await this.client.eval(RENEW_LEASE, { keys: [this.#lease(runId)], arguments: [owner, String(ttlMs)] });
    return ScriptFlag.parse(reply) === 1;
  }

  async releaseLease(runId: string, owner: string): Promise<void> {
    await this.client.eval(RELEASE_LEASE, { keys: [this.#lease(runId)], arguments: [owner] });
  }

  async leaseHolder(runId: string): Promise<LeaseHolder | undefined> {
    const reply = HolderReply.parse(await this.client.eval(LEASE_HOLDER, { keys: [this.#lease(runId)] }));
    if (reply === null) return undefined;
    const [owner, remainingMs] = reply;
    return { owner, expiresAt: Date.now() + remainingMs };
  }

  #allRuns(): string {
    return `${this.ns}:idx:runs`;
  }

  #seq(): string {
    return `${this.ns}:idx:seq`;
  }

  #statusSet(status: RunStatus): string {
    return `${this.ns}:idx:status:${status}`;
  }

  #events(runId: string): string {
    return `${this.ns}:events:${runId}`;
  }

  #outputs(runId: string): string {
    return `${this.ns}:outputs:${runId}`;
  }

  #claim(key: string): string {
    return `${this.ns}:claim:${key}`;
  }

  #lease(runId: string): string {
    return `${this.ns}:lease:${runId}`;
  }
}
