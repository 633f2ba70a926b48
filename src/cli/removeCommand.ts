import { FINISHED_STATUSES } from '../runs/runRecord.ts';
import { DamagedRunRecordError, RunNotFoundError } from '../runs/runStore.ts';
import { RunStateConflictError } from '../runs/runErrors.ts';
import type { Runtime } from '../runtime.ts';
import { parseCommandArgs, UsageError } from './cliArgs.ts';
import { EXIT, type CliIo } from './io.ts';
import { commandName } from './commandName.ts';

const USAGE = 'crewbot remove <runId>';

/** Removes a finished run, or one whose record is damaged, with everything kept about it. */
export async function removeCommand(args: string[], runtime: Runtime, io: CliIo): Promise<number> {
  const { positionals } = parseCommandArgs(args, {}, USAGE);
  const [runId, ...extra] = positionals;
  if (!runId || extra.length > 0) throw new UsageError(`Usage: ${USAGE}`);
  const { store } = await runtime.openRunner({ schedule: () => undefined });
  try {
    let damaged = false;
    try {
      const run = await store.getRun(runId);
      if (!run) throw new RunNotFoundError(runId);
      if (!FINISHED_STATUSES.includes(run.status)) {
        throw new RunStateConflictError(`Run ${runId} is ${run.status}; cancel it first (${commandName()} cancel ${runId}), then remove it.`);
      }
    } catch (error) {
      if (!(error instanceof DamagedRunRecordError)) throw error;
      damaged = true;
    }
    await store.deleteRun(runId);
    io.out(`Removed ${damaged ? 'damaged ' : ''}run ${runId}.`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
