import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRunStore } from '../../src/runs/openRunStore.ts';
import { describeRunStoreConformance } from '../support/runStoreConformance.ts';
import { overwriteStoredValue } from '../support/storedValues.ts';

let dir: string;
let fileNumber = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crewbot-sqlite-store-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeRunStoreConformance('SQLite', async () => {
  const url = `sqlite://${join(dir, `store-${++fileNumber}.sqlite`)}`;
  return {
    store: await openRunStore(url),
    reopen: () => openRunStore(url),
    cleanup: async () => {},
    overwrite: (key: string, text: string) => overwriteStoredValue(url, key, text),
  };
});

describe('SQLite run store file', () => {
  it('is created, with its directory, from a path relative to the working directory', async () => {
    const target = join(dir, 'nested', 'deeper', 'crewbot.sqlite');
    const store = await openRunStore(`sqlite://${relative(process.cwd(), target)}`);
    await store.createRun({ crew: 'c', inputs: {}, requester: { platform: 'cli', userId: 'me' } });
    await store.close();
    expect((await stat(target)).isFile()).toBe(true);
  });

  it('is in WAL mode so several processes can share it', async () => {
    const path = join(dir, 'wal.sqlite');
    await (await openRunStore(`sqlite://${path}`)).close();
    const db = new sqlite3.Database(path);
    const rows = await new Promise<unknown[]>((resolve, reject) =>
      db.all('PRAGMA journal_mode', (error: Error | null, result: unknown[]) => (error ? reject(error) : resolve(result))),
    );
    await new Promise((resolve) => db.close(resolve));
    expect(rows).toEqual([{ journal_mode: 'wal' }]);
  });

  it('keeps namespaces apart within one file', async () => {
    const path = join(dir, 'namespaces.sqlite');
    const first = await openRunStore(`sqlite://${path}?namespace=team-a`);
    const second = await openRunStore(`sqlite://${path}?namespace=team-b`);
    const run = await first.createRun({ crew: 'c', inputs: {}, requester: { platform: 'cli', userId: 'me' } });
    expect(await first.claimIdempotencyKey('k', 60_000)).toBe(true);
    expect(await second.claimIdempotencyKey('k', 60_000)).toBe(true);
    expect(await second.getRun(run.id)).toBeUndefined();
    expect(await second.listRuns()).toEqual([]);
    await Promise.all([first.close(), second.close()]);
  });

  it('opens a file made before leases had epochs, and fences writes on it', async () => {
    const path = join(dir, 'before-epochs.sqlite');
    const db = new sqlite3.Database(path);
    await new Promise<void>((resolve, reject) =>
      db.exec(
        `CREATE TABLE crewbot_leases (ns TEXT NOT NULL, run_id TEXT NOT NULL, owner TEXT NOT NULL, expires_at INTEGER NOT NULL,
         PRIMARY KEY (ns, run_id)) WITHOUT ROWID;
         INSERT INTO crewbot_leases VALUES ('crewbot', 'run-old', 'gone-process', 0);`,
        (error) => (error ? reject(error) : resolve()),
      ),
    );
    await new Promise((resolve) => db.close(resolve));
    const store = await openRunStore(`sqlite://${path}`);
    try {
      const fence = await store.acquireLease('run-old', 'new-process', 60_000);
      expect(fence?.epoch).toBe(1);
      await store.appendEvent('run-old', { n: 1 }, fence);
      await expect(store.appendEvent('run-old', { n: 2 }, { runId: 'run-old', owner: 'gone-process', epoch: 0 })).rejects.toThrow(/no longer holds/);
      expect(await store.getEvents('run-old')).toEqual([{ n: 1 }]);
    } finally {
      await store.close();
    }
  });

  it('grants each idempotency key to one of two real processes racing for it', async () => {
    const url = `sqlite://${join(dir, 'processes.sqlite')}`;
    await (await openRunStore(url)).close();
    // Each child claims the same 40 keys and prints the ones it won.
    const script = `
      import { openRunStore } from ${JSON.stringify(new URL('../../src/runs/openRunStore.ts', import.meta.url).href)};
      const store = await openRunStore(${JSON.stringify(url)});
      const keys = Array.from({ length: 40 }, (_, i) => 'event-' + i);
      const won = await Promise.all(keys.map((key) => store.claimIdempotencyKey(key, 60000)));
      await store.close();
      console.log(JSON.stringify(keys.filter((_, i) => won[i])));`;
    const run = () =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: process.cwd(),
      });
    const outputs = await Promise.all([run(), run()]);
    const won = outputs.flatMap((output) => JSON.parse(output.stdout) as string[]);
    expect(won.sort()).toEqual(Array.from({ length: 40 }, (_, i) => `event-${i}`).sort());
  });
});
