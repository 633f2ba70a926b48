import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRunStore } from '../../src/runs/openRunStore.ts';
import { runCli } from '../support/runCli.ts';
import { startCliEnvironment, type CliEnvironment } from '../support/cliEnvironment.ts';

describe('crewbot show with the start of a run id', () => {
  let cli: CliEnvironment;
  beforeAll(async () => {
    cli = await startCliEnvironment(path.resolve('test/fixtures/cli-crews'));
    const store = await openRunStore(cli.env.CREWBOT_STORE!);
    const requester = { platform: 'cli' as const, userId: 'ada' };
    await store.createRun({ id: '3c9e2f4a-1111', crew: 'greeter', inputs: { name: 'Ada' }, requester });
    await store.createRun({ id: '3c9e7b1d-2222', crew: 'greeter', inputs: { name: 'Bo' }, requester });
    await store.createRun({ id: '8f01aa42-3333', crew: 'greeter', inputs: { name: 'Cy' }, requester });
    await store.close();
  });
  afterAll(() => cli.close());

  it('shows the one run a unique prefix names', async () => {
    const result = await runCli(['show', '8f01'], cli.env);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Run 8f01aa42-3333 — greeter — queued');
    expect(result.stdout).toContain('Inputs: name="Cy"');
  });

  it('refuses a prefix several runs share (exit 2), listing them', async () => {
    const result = await runCli(['show', '3c9e'], cli.env);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"3c9e" starts 2 run ids; give more of the id:');
    expect(result.stderr).toMatch(/3c9e7b1d-2222 {2}greeter {2}queued/);
    expect(result.stderr).toMatch(/3c9e2f4a-1111 {2}greeter {2}queued/);
  });

  it('still says so when nothing starts with it', async () => {
    const result = await runCli(['show', 'ffff'], cli.env);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Run "ffff" does not exist');
  });
});
