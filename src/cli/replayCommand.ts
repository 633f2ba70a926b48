import { assertLlmConfigured } from '../llm/configuredLlm.ts';
import type { Runtime } from '../runtime.ts';
import { parseCommandArgs, UsageError } from './cliArgs.ts';
import type { CliIo } from './io.ts';
import { localActor } from './localActor.ts';
import { advanceAndReport } from './runOutcome.ts';

const USAGE = 'crewbot replay <runId> --from <taskId> [--json]';

/** Runs again from a task; outputs of the tasks before it are kept. */
export async function replayCommand(args: string[], runtime: Runtime, io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { from: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
  const [runId, ...extra] = positionals;
  if (!runId || !values.from || extra.length > 0) throw new UsageError(`Name the run and the task to replay from.\nUsage: ${USAGE}`);
  assertLlmConfigured(runtime.config);
  const { runner, store } = await runtime.openRunner({ schedule: () => undefined });
  try {
    await runner.replay(runId, values.from, localActor());
    io.err(`Replaying run ${runId} from ${values.from}.`);
    return await advanceAndReport(runner, runtime, runId, io, values.json ?? false, signal);
  } finally {
    await store.close();
  }
}
