import type { Runtime } from '../runtime.ts';
import { parseCommandArgs, UsageError } from './cliArgs.ts';
import { EXIT, type CliIo } from './io.ts';
import { localActor } from './localActor.ts';

export async function cancelCommand(args: string[], runtime: Runtime, io: CliIo): Promise<number> {
  const { positionals } = parseCommandArgs(args, {}, 'crewbot cancel <runId>');
  const [runId, ...extra] = positionals;
  if (!runId || extra.length > 0) throw new UsageError('Usage: crewbot cancel <runId>');
  const { runner, store } = await runtime.openRunner({ schedule: () => undefined });
  try {
    const run = await runner.cancel(runId, localActor());
    io.out(`Run ${run.id} cancelled. A process working on it stops at its next step.`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
