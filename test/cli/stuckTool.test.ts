import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRunStore } from '../../src/runs/openRunStore.ts';
import { startCliEnvironment, type CliEnvironment } from '../support/cliEnvironment.ts';
import { lastJsonLine, runCli } from '../support/runCli.ts';

const CREWS = path.resolve('test/fixtures/stuck-crews');

describe('crewbot run with a tool that never returns', () => {
  let cli: CliEnvironment;
  beforeAll(async () => {
    cli = await startCliEnvironment(CREWS);
  });
  afterAll(() => cli.close());

  it('fails the run at max_execution_time, naming the tool and the limit, instead of exiting 13 with the run left running', async () => {
    cli.server.enqueue({ toolCalls: [{ name: 'hang_forever', arguments: {} }] });
    const result = await runCli(['run', 'stuck_tool', '--json'], cli.env);
    expect(result.code, result.stderr).toBe(1);
    const json = lastJsonLine(result.stdout) as { runId: string; status: string; error: string };
    expect(json.status).toBe('failed');
    expect(json.error).toMatch(/Archivist exceeded its max execution time \(1 s\) while tool hang_forever was running/);
    const store = await openRunStore(cli.env.CREWBOT_STORE!);
    try {
      expect((await store.getRun(json.runId))?.status).toBe('failed');
    } finally {
      await store.close();
    }
  });
});
