import { assertLlmConfigured } from '../llm/configuredLlm.ts';
import type { Runtime } from '../runtime.ts';
import { parseCommandArgs, UsageError } from './cliArgs.ts';
import type { CliIo } from './io.ts';
import { localActor } from './localActor.ts';
import { followQueuedRun } from './followQueuedRun.ts';
import { advanceAndReport } from './runOutcome.ts';

const USAGE = 'crewbot replay <runId> --from <taskId> [--json]';

/** Runs again from a task; outputs of the tasks before it are kept. With a queue, a worker runs it. */
export async function replayCommand(args: string[], runtime: Runtime, io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { from: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
  const [runId, ...extra] = positionals;
  if (!runId || !values.from || extra.length > 0) throw new UsageError(`Name the run and the task to replay from.\nUsage: ${USAGE}`);
  assertLlmConfigured(runtime.config);
  // With a fleet's queue the run continues on a worker, and this command follows it there.
  const viaQueue = Boolean(runtime.config.CREWBOT_QUEUE);
  const { runner, close } = await runtime.openRunner(viaQueue ? {} : { schedule: () => undefined });
  try {
    await runner.replay(runId, values.from, localActor());
    io.err(`Replaying run ${runId} from ${values.from}.`);
    if (!viaQueue) return await advanceAndReport(runner, runtime, runId, io, values.json ?? false, signal);
    io.err(`Run ${runId} continues on a worker; waiting for it (Ctrl-C stops waiting, not the run).`);
    return await followQueuedRun(runner, runtime, runId, io, values.json ?? false, signal);
  } finally {
    await close();
  }
}
