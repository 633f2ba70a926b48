import type { Runtime } from '../runtime.ts';
import { parseCommandArgs, UsageError } from './cliArgs.ts';
import { followQueuedRun } from './followQueuedRun.ts';
import type { CliIo } from './io.ts';

const USAGE = 'crewbot wait <runId> [--json]';

/** Waits for a run advanced elsewhere (a worker) to finish or to need a person; prints what `run` prints. */
export async function waitCommand(args: string[], runtime: Runtime, io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } }, USAGE);
  const [runId, ...extra] = positionals;
  if (!runId || extra.length > 0) throw new UsageError(`Name one run.\nUsage: ${USAGE}`);
  const { runner, store } = await runtime.openRunner({ schedule: () => undefined });
  try {
    return await followQueuedRun(runner, runtime, runId, io, values.json ?? false, signal);
  } finally {
    await store.close();
  }
}
