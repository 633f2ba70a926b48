import { createClient } from '@keyv/redis';
import sqlite3 from 'sqlite3';

/**
 * Writes raw text where a run store keeps the value of `key` (e.g. `run:<id>`), as a damaged file
 * or a stray writer would leave it. Returns how many stored values were replaced.
 */
export async function overwriteStoredValue(storeUrl: string, key: string, text: string): Promise<number> {
  const url = new URL(storeUrl);
  const namespace = url.searchParams.get('namespace') ?? 'crewbot';
  return url.protocol === 'redis:' ? overwriteRedis(storeUrl, `${namespace}::${key}`, text) : overwriteSqlite(storeUrl, `${namespace}:${key}`, text);
}

async function overwriteSqlite(storeUrl: string, key: string, text: string): Promise<number> {
  const file = storeUrl.slice('sqlite://'.length).split('?')[0]!;
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened: sqlite3.Database = new sqlite3.Database(file, (error) => (error ? reject(error) : resolve(opened)));
  });
  try {
    return await new Promise<number>((resolve, reject) =>
      db.run('UPDATE crewbot_kv SET value = ? WHERE key = ?', [text, key], function (this: sqlite3.RunResult, error: Error | null) {
        if (error) reject(error);
        else resolve(this.changes);
      }),
    );
  } finally {
    await new Promise<void>((resolve, reject) => db.close((error) => (error ? reject(error) : resolve())));
  }
}

async function overwriteRedis(storeUrl: string, key: string, text: string): Promise<number> {
  const client = createClient({ url: storeUrl.split('?')[0] });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.set(key, text, { condition: 'XX' })) === 'OK' ? 1 : 0;
  } finally {
    await client.close();
  }
}
