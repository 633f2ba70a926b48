import { setTimeout as sleep } from 'node:timers/promises';
import type { Runner } from '../runs/runner.ts';
import { FINISHED_STATUSES, type RunRecord } from '../runs/runRecord.ts';
import { RunNotFoundError } from '../runs/runStore.ts';
import type { Runtime } from '../runtime.ts';
import { commandName } from './commandName.ts';
import type { CliIo } from './io.ts';
import { EXIT_INTERRUPTED, reportRun } from './runOutcome.ts';

/** A store read this often is nothing next to a model call; it keeps waiting simple and backend-neutral. */
const POLL_MS = 250;

/**
 * Waits for a run advanced elsewhere (a fleet worker) to finish or to need a person, then prints
 * what `crewbot run` prints, with its exit codes. Ctrl-C stops the waiting, not the run.
 */
export async function followQueuedRun(runner: Runner, runtime: Runtime, runId: string, io: CliIo, json: boolean, signal?: AbortSignal): Promise<number> {
  let run: RunRecord | undefined;
  for (;;) {
    run = await runner.store.getRun(runId);
    if (!run) throw new RunNotFoundError(runId);
    if (FINISHED_STATUSES.includes(run.status) || run.status === 'awaiting_input') break;
    if (signal?.aborted) {
      io.err(`Stopped waiting. Run ${runId} goes on; wait for it again with: ${commandName()} wait ${runId}`);
      return EXIT_INTERRUPTED;
    }
    await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
  }
  return reportRun(runner, await runtime.loadCrew(run.crewDir ?? run.crew), run, io, json);
}
