import type { Runtime } from '../runtime.ts';
import { parseCommandArgs, parseInputs, UsageError } from './cliArgs.ts';
import type { CliIo } from './io.ts';
import { localActor } from './localActor.ts';
import { advanceAndReport } from './runOutcome.ts';

const USAGE = 'crewbot run <crew|dir> [--input key=value]... [--json]';

/** Starts a run in the store and advances it here; it can be resumed from anywhere later. */
export async function runCommand(args: string[], runtime: Runtime, io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { input: { type: 'string', multiple: true, short: 'i' }, json: { type: 'boolean' } },
    USAGE,
  );
  const [crewName, ...extra] = positionals;
  if (!crewName || extra.length > 0) throw new UsageError(`Name one crew.\nUsage: ${USAGE}`);
  const loaded = await runtime.loadCrew(crewName);
  for (const warning of loaded.warnings) io.err(`warning: ${warning}`);
  const { runner, store } = await runtime.openRunner({ schedule: () => undefined });
  try {
    const actor = localActor();
    const run = await runner.kickoff({
      crew: crewName,
      inputs: parseInputs(values.input ?? []),
      requester: { platform: actor.platform, userId: actor.userId, name: actor.name },
    });
    io.err(`Run ${run!.id} started.`);
    return await advanceAndReport(runner, runtime, run!.id, io, values.json ?? false, signal);
  } finally {
    await store.close();
  }
}
