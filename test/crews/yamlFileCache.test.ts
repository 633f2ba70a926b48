import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readYamlFile } from '../../src/crews/yamlFile.ts';

describe('crew files read again and again by a long-running process', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-yaml-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('sees an edit at the next read, even one that keeps the size', async () => {
    await writeFile(path.join(dir, 'agents.yaml'), 'writer:\n  role: Writer A\n');
    expect(await readYamlFile(dir, 'agents.yaml')).toEqual({ status: 'ok', entries: [['writer', { role: 'Writer A' }]] });
    await writeFile(path.join(dir, 'agents.yaml'), 'writer:\n  role: Writer B\n');
    expect(await readYamlFile(dir, 'agents.yaml')).toEqual({ status: 'ok', entries: [['writer', { role: 'Writer B' }]] });
    await writeFile(path.join(dir, 'agents.yaml'), 'writer:\n  role: [Writer\n');
    expect(await readYamlFile(dir, 'agents.yaml')).toMatchObject({ status: 'invalid' });
  });

  it("gives each caller its own entries: one caller's change does not reach the next load", async () => {
    await writeFile(path.join(dir, 'tasks.yaml'), 'write:\n  description: Write it\n  expected_output: A line\n');
    const first = await readYamlFile(dir, 'tasks.yaml');
    if (first.status !== 'ok') throw new Error('expected the file to parse');
    (first.entries[0]![1] as Record<string, unknown>).description = 'changed by a caller';
    first.entries.push(['extra', {}]);
    expect(await readYamlFile(dir, 'tasks.yaml')).toEqual({
      status: 'ok',
      entries: [['write', { description: 'Write it', expected_output: 'A line' }]],
    });
  });

  it('knows a file that was deleted is missing', async () => {
    await writeFile(path.join(dir, 'crew.yaml'), 'process: sequential\n');
    expect(await readYamlFile(dir, 'crew.yaml')).toMatchObject({ status: 'ok' });
    await rm(path.join(dir, 'crew.yaml'));
    expect(await readYamlFile(dir, 'crew.yaml')).toEqual({ status: 'missing' });
  });
});
