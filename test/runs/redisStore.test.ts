import { randomBytes } from 'node:crypto';
import { createClient } from '@keyv/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRunStore, RunStoreConnectionError } from '../../src/runs/openRunStore.ts';
import { describeRunStoreConformance } from '../support/runStoreConformance.ts';
import { overwriteStoredValue } from '../support/storedValues.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
/** Every key this file writes starts with this, so afterAll can remove them all. */
const prefix = `crewbot-test-${randomBytes(6).toString('hex')}`;
let storeNumber = 0;

const admin = createClient({ url: REDIS_URL, socket: { connectTimeout: 2000, reconnectStrategy: false } });
admin.on('error', () => undefined);

beforeAll(async () => {
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `These tests need a real Redis at ${REDIS_URL} and could not reach it (${String(error)}). ` +
        'Start one (e.g. `redis-server --daemonize yes`); CI provides it.',
    );
  }
});

afterAll(async () => {
  if (!admin.isOpen) return;
  for await (const keys of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    if (keys.length > 0) await admin.del(keys);
  }
  await admin.close();
});

const nextUrl = () => `${REDIS_URL}?namespace=${prefix}-${++storeNumber}`;

describeRunStoreConformance('Redis', async () => {
  const url = nextUrl();
  return {
    store: await openRunStore(url),
    reopen: () => openRunStore(url),
    cleanup: async () => {},
    overwrite: (key: string, text: string) => overwriteStoredValue(url, key, text),
  };
});

describe('Redis run store', () => {
  it('writes only keys inside its namespace', async () => {
    const url = nextUrl();
    const namespace = new URL(url).searchParams.get('namespace');
    const store = await openRunStore(url);
    const run = await store.createRun({ crew: 'c', inputs: {}, requester: { platform: 'slack', userId: 'U1' } });
    await store.saveCheckpoint(run.id, { step: 1 });
    await store.saveTaskOutput(run.id, 't', { raw: 'x' });
    await store.appendEvent(run.id, { n: 1 });
    await store.indexThread({ platform: 'slack', id: 'slack:C1:1.2' }, run.id);
    await store.claimIdempotencyKey('ev', 60_000);
    await store.acquireLease(run.id, 'w', 60_000);
    await store.close();

    const everything: string[] = [];
    for await (const keys of admin.scanIterator({ MATCH: `${namespace}*`, COUNT: 500 })) everything.push(...keys);
    expect(everything.length).toBeGreaterThanOrEqual(8);
    expect(everything.every((key) => key.startsWith(`${namespace}:`))).toBe(true);
  });

  it('selects the database named in the URL', async () => {
    const url = `${REDIS_URL}/3?namespace=${prefix}-db3`;
    const store = await openRunStore(url);
    await store.claimIdempotencyKey('ev', 60_000);
    await store.close();
    const db3 = createClient({ url: `${REDIS_URL}/3` });
    db3.on('error', () => undefined);
    await db3.connect();
    try {
      expect(await db3.exists(`${prefix}-db3:claim:ev`)).toBe(1);
      expect(await admin.exists(`${prefix}-db3:claim:ev`)).toBe(0);
      await db3.del(`${prefix}-db3:claim:ev`);
    } finally {
      await db3.close();
    }
  });

  it('fails to open with a clear error when Redis cannot be reached', async () => {
    const opening = openRunStore('redis://:s3cret@127.0.0.1:1');
    await expect(opening).rejects.toBeInstanceOf(RunStoreConnectionError);
    await expect(opening).rejects.toThrow(/Cannot open the run store at redis:\/\/\*\*\*@127\.0\.0\.1:1/);
    await expect(opening).rejects.not.toThrow(/s3cret/);
  });
});
