import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type KeyvRedis from '@keyv/redis';
import type KeyvSqlite from '@keyv/sqlite';
import { Keyv } from 'keyv';
import type { Redactor } from '../redactor.ts';
import { KeyvRunStore, type RunStore } from './runStore.ts';
import type { SqliteAtomic } from './sqliteAtomic.ts';

export const DEFAULT_NAMESPACE = 'crewbot';

const SUPPORTED_FORMS =
  'sqlite://relative/path.sqlite (relative to the working directory), sqlite:///absolute/path.sqlite, ' +
  'or redis://host:port[/db] (rediss:// for TLS); add ?namespace=name to keep several crewbots apart';

const SQLITE_HINT = 'Check that the path is a writable SQLite file (or a new one in a writable directory), or fix the URL.';
const REDIS_HINT = 'Check that Redis is running and reachable from here, or fix the URL.';

const NAMESPACE = /^[A-Za-z0-9_.-]+$/;

export class RunStoreUrlError extends Error {
  override name = 'RunStoreUrlError';
  constructor(url: string, problem: string) {
    super(`Run store URL "${redact(url)}" ${problem}. Use ${SUPPORTED_FORMS}.`);
  }
}

export class RunStoreConnectionError extends Error {
  override name = 'RunStoreConnectionError';
  constructor(where: string, cause: unknown, hint: string) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Cannot open the run store at ${where}: ${reason}. ${hint}`, { cause });
  }
}

export type RunStoreLocation =
  | { kind: 'sqlite'; path: string; namespace: string }
  | { kind: 'redis'; url: string; display: string; namespace: string };

export type OpenRunStoreOptions = {
  /** Connection errors the store recovers from by itself (a Redis reconnect); errors of calls still throw. */
  onBackendError?: (error: unknown) => void;
  /** How long SQLite waits for another process's write lock. */
  sqliteBusyTimeoutMs?: number;
  /** Directory relative SQLite paths resolve against (default: the working directory). */
  cwd?: string;
  /** Secrets are removed from every value before it is written. */
  redactor?: Redactor | undefined;
};

/** Parses a run store URL; relative SQLite paths resolve against `cwd`. */
export function parseRunStoreUrl(url: string, cwd: string = process.cwd()): RunStoreLocation {
  if (url.startsWith('sqlite://')) {
    const [rawPath = '', query = ''] = url.slice('sqlite://'.length).split('?', 2);
    if (rawPath === '' || rawPath === '/') throw new RunStoreUrlError(url, 'names no database file');
    const namespace = namespaceFrom(url, new URLSearchParams(query));
    return { kind: 'sqlite', path: isAbsolute(rawPath) ? rawPath : resolve(cwd, rawPath), namespace };
  }
  if (url.startsWith('redis://') || url.startsWith('rediss://')) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new RunStoreUrlError(url, 'is not a valid URL');
    }
    if (parsed.hostname === '') throw new RunStoreUrlError(url, 'names no host');
    if (!/^\/?(\d+)?$/.test(parsed.pathname)) throw new RunStoreUrlError(url, 'has a database that is not a number');
    const namespace = namespaceFrom(url, parsed.searchParams);
    parsed.searchParams.delete('namespace');
    return { kind: 'redis', url: parsed.toString(), display: redact(parsed.toString()), namespace };
  }
  throw new RunStoreUrlError(url, 'is not supported');
}

/**
 * Opens the run store a URL names: `sqlite://…` or `redis://…` (see SUPPORTED_FORMS). Each
 * backend's driver is imported when its URL is opened, so a SQLite user never loads a Redis client.
 */
export async function openRunStore(url: string, opts: OpenRunStoreOptions = {}): Promise<RunStore> {
  const location = parseRunStoreUrl(url, opts.cwd);
  return location.kind === 'sqlite' ? openSqlite(location, opts) : openRedis(location, opts);
}

async function openSqlite(
  location: Extract<RunStoreLocation, { kind: 'sqlite' }>,
  opts: OpenRunStoreOptions,
): Promise<RunStore> {
  const [{ default: KeyvSqlite }, sqlite] = await Promise.all([
    import('@keyv/sqlite'),
    import('./sqliteAtomic.ts'),
  ]);
  const busyTimeout = opts.sqliteBusyTimeoutMs ?? 5000;
  let atomics: SqliteAtomic;
  try {
    await mkdir(dirname(location.path), { recursive: true });
    atomics = await sqlite.SqliteAtomic.open(location.path, location.namespace, { busyTimeoutMs: busyTimeout });
  } catch (error) {
    throw new RunStoreConnectionError(location.path, error, SQLITE_HINT);
  }
  const adapter = new KeyvSqlite({ uri: `sqlite://${location.path}`, table: 'crewbot_kv', busyTimeout });
  const kv = jsonKeyv(adapter, location.namespace, true, opts);
  try {
    // Opens keyv's own connection now, so a bad file fails here rather than on the first read.
    await adapter.query(sqlite.SYNCHRONOUS);
  } catch (error) {
    await Promise.allSettled([atomics.close(), adapter.disconnect()]);
    throw new RunStoreConnectionError(location.path, error, SQLITE_HINT);
  }
  return new KeyvRunStore({
    kv,
    atomics,
    redactor: opts.redactor,
    close: async () => {
      await Promise.all([adapter.disconnect(), atomics.close()]);
    },
  });
}

async function openRedis(
  location: Extract<RunStoreLocation, { kind: 'redis' }>,
  opts: OpenRunStoreOptions,
): Promise<RunStore> {
  const [{ default: KeyvRedis, createClient }, { RedisAtomic }] = await Promise.all([import('@keyv/redis'), import('./redisAtomic.ts')]);
  let ready = false;
  // One client serves keyv and the atomic scripts.
  const client = createClient({
    url: location.url,
    // A call made while Redis is away fails at once instead of hanging a lease renewal.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 5000,
      // Give up quickly on the first connection; once up, keep reconnecting with backoff.
      reconnectStrategy: (retries, cause) => (!ready && retries >= 2 ? cause : Math.min(2 ** retries * 50, 2000)),
    },
  });
  client.on('error', (error: unknown) => opts.onBackendError?.(error));
  client.on('ready', () => {
    ready = true;
  });
  try {
    await client.connect();
  } catch (error) {
    if (client.isOpen) client.destroy();
    throw new RunStoreConnectionError(location.display, error, REDIS_HINT);
  }
  const adapter = new KeyvRedis<string>(client, { namespace: location.namespace, throwOnErrors: true });
  const kv = jsonKeyv(adapter, location.namespace, false, opts);
  return new KeyvRunStore({
    kv,
    atomics: new RedisAtomic(client, location.namespace),
    redactor: opts.redactor,
    close: () => client.close(),
  });
}

/** Plain JSON on disk: the default serializer walks values by hand and is slower on large checkpoints. */
function jsonKeyv(
  store: KeyvSqlite | KeyvRedis<string>,
  namespace: string,
  prefixKeys: boolean,
  opts: OpenRunStoreOptions,
): Keyv<unknown> {
  const kv = new Keyv<unknown>(store, {
    namespace,
    // @keyv/redis prefixes keys itself; keyv prefixes for the SQLite table.
    useKeyPrefix: prefixKeys,
    throwOnErrors: true,
    serialize: JSON.stringify,
    deserialize: JSON.parse,
  });
  kv.on('error', (error: unknown) => opts.onBackendError?.(error));
  return kv;
}

function namespaceFrom(url: string, params: URLSearchParams): string {
  const namespace = params.get('namespace') ?? DEFAULT_NAMESPACE;
  if (!NAMESPACE.test(namespace)) {
    throw new RunStoreUrlError(url, `has namespace "${namespace}"; use letters, digits, ".", "_" and "-"`);
  }
  return namespace;
}

/** Passwords in a URL never reach a message. */
function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
