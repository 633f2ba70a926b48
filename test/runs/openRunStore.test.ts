import { describe, expect, it } from 'vitest';
import { openRunStore, parseRunStoreUrl, RunStoreUrlError } from '../../src/runs/openRunStore.ts';

describe('run store URLs', () => {
  it('resolves a relative SQLite path against the working directory', () => {
    expect(parseRunStoreUrl('sqlite://.crewbot/crewbot.sqlite', '/srv/bot')).toEqual({
      kind: 'sqlite',
      path: '/srv/bot/.crewbot/crewbot.sqlite',
      namespace: 'crewbot',
    });
  });

  it('keeps an absolute SQLite path and reads a namespace', () => {
    expect(parseRunStoreUrl('sqlite:///var/lib/crewbot/runs.sqlite?namespace=staging', '/srv/bot')).toEqual({
      kind: 'sqlite',
      path: '/var/lib/crewbot/runs.sqlite',
      namespace: 'staging',
    });
  });

  it('reads a Redis host, database and namespace, and keeps the namespace out of the client URL', () => {
    expect(parseRunStoreUrl('redis://cache.internal:6380/2?namespace=team-a')).toEqual({
      kind: 'redis',
      url: 'redis://cache.internal:6380/2',
      display: 'redis://cache.internal:6380/2',
      namespace: 'team-a',
    });
    expect(parseRunStoreUrl('redis://127.0.0.1:6379')).toMatchObject({ kind: 'redis', namespace: 'crewbot' });
  });

  it('never shows a Redis password', () => {
    const location = parseRunStoreUrl('redis://user:hunter2@cache:6379');
    expect(location.kind === 'redis' && location.display).toBe('redis://***@cache:6379');
    expect(() => parseRunStoreUrl('redis://user:hunter2@cache:6379/nope')).toThrow(RunStoreUrlError);
    expect(() => parseRunStoreUrl('redis://user:hunter2@cache:6379/nope')).not.toThrow(/hunter2/);
  });

  it.each([
    ['postgres://db/crewbot', /is not supported/],
    ['./crewbot.sqlite', /is not supported/],
    ['sqlite://', /names no database file/],
    ['redis://cache:6379/zero', /database that is not a number/],
    ['redis://cache:6379?namespace=has space', /namespace "has space"/],
  ])('refuses %s and names the supported forms', (url, problem) => {
    expect(() => parseRunStoreUrl(url)).toThrow(problem);
    expect(() => parseRunStoreUrl(url)).toThrow(/sqlite:\/\/relative\/path\.sqlite.*sqlite:\/\/\/absolute.*redis:\/\/host:port/);
  });

  it('refuses to open an unsupported URL', async () => {
    await expect(openRunStore('mongodb://db')).rejects.toBeInstanceOf(RunStoreUrlError);
  });
});
