import type { RedisClientType } from '@keyv/redis';
import { z } from 'zod';
import { RunStatusSchema, type RunStatus } from './runRecord.ts';
import type { Fence, LeaseHolder, RunStoreAtomics } from './runStore.ts';

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

// KEYS[2] holds the run's lease epoch; it outlives the lease so every new grant gets a higher one.
// A live grant to the same owner keeps its epoch.
const ACQUIRE_LEASE = `
local holder = redis.call('GET', KEYS[1])
if holder ~= false and holder ~= ARGV[1] then return 0 end
local epoch = tonumber(redis.call('GET', KEYS[2]))
if holder == false or epoch == nil then epoch = redis.call('INCR', KEYS[2]) end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return epoch`;

// The fence check every fenced write starts with: KEYS[1] the lease, KEYS[2] its epoch,
// ARGV[1] the owner, ARGV[2] the epoch. The write follows in the same script, so nothing slips between.
const FENCE_HOLDS = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] or redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end`;

const FENCED_SET = `${FENCE_HOLDS}
redis.call('SET', KEYS[3], ARGV[3])
return 1`;

const FENCED_RPUSH = `${FENCE_HOLDS}
redis.call('RPUSH', KEYS[3], ARGV[3])
return 1`;

const FENCED_HSET = `${FENCE_HOLDS}
redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
return 1`;

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

  async appendEvent(runId: string, json: string, fence?: Fence): Promise<boolean> {
    if (fence) return this.#fenced(FENCED_RPUSH, fence, this.#events(runId), [json]);
    await this.client.rPush(this.#events(runId), json);
    return true;
  }

  async deleteRunData(runId: string, extraEventLogs: string[]): Promise<void> {
    const statusSets = RunStatusSchema.options.map((status) => this.#statusSet(status));
    await this.client
      .multi()
      .zRem(this.#allRuns(), runId)
      .eval(`for i = 1, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end return 1`, { keys: statusSets, arguments: [runId] })
      .del([this.#events(runId), ...extraEventLogs.map((log) => this.#events(log)), this.#outputs(runId), this.#lease(runId), this.#epoch(runId)])
      .exec();
  }

  readEvents(runId: string, since: number): Promise<string[]> {
    return this.client.lRange(this.#events(runId), since, -1);
  }

  async saveTaskOutput(runId: string, taskId: string, json: string, fence?: Fence): Promise<boolean> {
    if (fence) return this.#fenced(FENCED_HSET, fence, this.#outputs(runId), [taskId, json]);
    await this.client.hSet(this.#outputs(runId), taskId, json);
    return true;
  }

  putFenced(key: string, valueJson: string, fence: Fence): Promise<boolean> {
    // @keyv/redis's layout: `<namespace>::<key>`, the value wrapped as {"value": …}.
    return this.#fenced(FENCED_SET, fence, `${this.ns}::${key}`, [`{"value":${valueJson}}`]);
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

  async acquireLease(runId: string, owner: string, ttlMs: number): Promise<number | undefined> {
    const keys = [this.#lease(runId), this.#epoch(runId)];
    const epoch = ScriptFlag.parse(await this.client.eval(ACQUIRE_LEASE, { keys, arguments: [owner, String(ttlMs)] }));
    return epoch === 0 ? undefined : epoch;
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

  async #fenced(script: string, fence: Fence, target: string, args: string[]): Promise<boolean> {
    const keys = [this.#lease(fence.runId), this.#epoch(fence.runId), target];
    const reply = await this.client.eval(script, { keys, arguments: [fence.owner, String(fence.epoch), ...args] });
    return ScriptFlag.parse(reply) === 1;
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

  #epoch(runId: string): string {
    return `${this.ns}:lease-epoch:${runId}`;
  }
}
