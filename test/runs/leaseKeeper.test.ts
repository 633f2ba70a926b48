import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import sqlite3 from 'sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LeaseKeeper, LeaseLostError } from '../../src/runs/leaseKeeper.ts';
import { openRunStore } from '../../src/runs/openRunStore.ts';
import type { RunStore } from '../../src/runs/runStore.ts';

let dir: string;
let path: string;
let store: RunStore;
let fileNumber = 0;
const keepers: LeaseKeeper[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crewbot-lease-keeper-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  path = join(dir, `leases-${++fileNumber}.sqlite`);
  store = await openRunStore(`sqlite://${path}`, { sqliteBusyTimeoutMs: 20 });
});
afterEach(async () => {
  await Promise.all(keepers.splice(0).map((keeper) => keeper.stop()));
  await store.close();
});

async function keep(owner: string, ttlMs: number, onLost?: (error: LeaseLostError) => void): Promise<LeaseKeeper> {
  const keeper = await LeaseKeeper.acquire({ store, runId: 'run-1', owner, ttlMs, ...(onLost ? { onLost } : {}) });
  if (!keeper) throw new Error(`${owner} did not get the lease`);
  keepers.push(keeper);
  return keeper;
}

function aborted(signal: AbortSignal, withinMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`signal not aborted within ${withinMs} ms`)), withinMs);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve(signal.reason);
    });
  });
}

describe('LeaseKeeper', () => {
  it('keeps a working run’s lease alive past several TTLs, then releases it on stop', async () => {
    const keeper = await keep('worker-a', 150);
    await sleep(700);
    expect(keeper.signal.aborted).toBe(false);
    expect((await store.leaseHolder('run-1'))?.owner).toBe('worker-a');
    expect(await store.acquireLease('run-1', 'worker-b', 150)).toBeUndefined();

    await keeper.stop();
    expect(await store.leaseHolder('run-1')).toBeUndefined();
    expect(keeper.signal.aborted).toBe(false);
  });

  it('is not handed out while another owner holds the lease', async () => {
    await keep('worker-a', 60_000);
    expect(await LeaseKeeper.acquire({ store, runId: 'run-1', owner: 'worker-b', ttlMs: 60_000 })).toBeUndefined();
  });

  it('aborts its signal and reports when another owner takes the run over', async () => {
    const lost: LeaseLostError[] = [];
    const keeper = await keep('worker-a', 300, (error) => lost.push(error));
    // The lease is forced out from under the keeper, and another worker takes the run.
    await store.releaseLease('run-1', 'worker-a');
    expect(await store.acquireLease('run-1', 'worker-b', 60_000)).toBeDefined();

    const reason = await aborted(keeper.signal, 2_000);
    expect(reason).toBeInstanceOf(LeaseLostError);
    expect(String(reason)).toMatch(/run-1.*worker-a/);
    expect(lost).toEqual([reason]);
    expect(keeper.lost).toBe(true);

    await keeper.stop();
    expect((await store.leaseHolder('run-1'))?.owner).toBe('worker-b');
  });

  it('rides out a store that is briefly unavailable while the lease still has time left', async () => {
    const keeper = await keep('worker-a', 900);
    // Another connection holds the write lock past the first renewal (due at ttl/3 = 300 ms).
    const blocker = new sqlite3.Database(path);
    const exec = (sql: string) =>
      new Promise<void>((resolve, reject) => blocker.exec(sql, (error) => (error ? reject(error) : resolve())));
    await exec('BEGIN IMMEDIATE');
    await expect(store.renewLease('run-1', 'worker-a', 900)).rejects.toThrow(/SQLITE_BUSY/);
    await sleep(420);
    await exec('COMMIT');
    await new Promise((resolve) => blocker.close(resolve));

    // Past the original expiry only a renewal made after the outage keeps the lease.
    await sleep(800);
    expect(keeper.signal.aborted).toBe(false);
    expect((await store.leaseHolder('run-1'))?.owner).toBe('worker-a');
  });
});
