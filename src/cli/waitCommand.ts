import { setTimeout as sleep } from 'node:timers/promises';
import { FINISHED_STATUSES, type RunRecord } from '../runs/runRecord.ts';
import { RunNotFoundError } from '../runs/runStore.ts';
import type { Runtime } from '../runtime.ts';
import { parseCommandArgs, UsageError } from './cliArgs.ts';
import type { CliIo } from './io.ts';
import { EXIT_INTERRUPTED, reportRun } from './runOutcome.ts';
import { commandName } from './commandName.ts';

const USAGE = 'crewbot wait <runId> [--json]';
/** A store read this often is nothing next to a model call; it keeps `wait` simple and backend-neutral. */
const POLL_MS = 250;

/** Waits for a run advanced elsewhere (a worker) to finish or to need a person; prints what `run` prints. */
export async function waitCommand(args: string[], runtime: Runtime, io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } }, USAGE);
  const [runId, ...extra] = positionals;
  if (!runId || extra.length > 0) throw new UsageError(`Name one run.\nUsage: ${USAGE}`);
  const { runner, store } = await runtime.openRunner({ schedule: () => undefined });
  try {
    let run: RunRecord | undefined;
    for (;;) {
      run = await store.getRun(runId);
      if (!run) throw new RunNotFoundError(runId);
      if (FINISHED_STATUSES.includes(run.status) || run.status === 'awaiting_input') break;
      if (signal?.aborted) {
        io.err(`Stopped waiting. Run ${runId} goes on; wait for it again with: ${commandName()} wait ${runId}`);
        return EXIT_INTERRUPTED;
      }
      await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
    }
    return await reportRun(runner, await runtime.loadCrew(run.crewDir ?? run.crew), run, io, values.json ?? false);
  } finally {
    await store.close();
  }
}
