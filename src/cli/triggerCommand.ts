import { assertLlmConfigured } from '../llm/configuredLlm.ts';
import { readFile } from 'node:fs/promises';
import type { Runtime } from '../runtime.ts';
import { fireTrigger } from '../triggers/fireTrigger.ts';
import { threadOpeners } from '../triggers/threadOpeners.ts';
import { describeTrigger } from '../triggers/triggerFile.ts';
import { parseCommandArgs, UsageError } from './cliArgs.ts';
import type { CliIo } from './io.ts';
import { advanceAndReport } from './runOutcome.ts';

const USAGE = 'crewbot trigger <crew> [--event file.json] [--index N] [--json]';

/**
 * Fires a crew's trigger by hand, through the same path as the real event (inputs from the event's
 * `$.paths`, post_to's thread), then follows the run here as `crewbot run` does.
 */
export async function triggerCommand(args: string[], runtime: Runtime, io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { event: { type: 'string' }, index: { type: 'string' }, json: { type: 'boolean' } },
    USAGE,
  );
  const [crewName, ...extra] = positionals;
  if (!crewName || extra.length > 0) throw new UsageError(`Name one crew.\nUsage: ${USAGE}`);
  const crew = await runtime.loadCrew(crewName);
  const triggers = crew.triggers ?? [];
  if (triggers.length === 0) throw new UsageError(`${crewName} has no triggers: add \`triggers:\` to its crew.yaml (see the README, "Triggers").`);
  const index = values.index === undefined ? 0 : Number(values.index);
  if (!Number.isInteger(index) || index < 0 || index >= triggers.length) {
    throw new UsageError(`--index must be 0 to ${triggers.length - 1}: ${triggers.map((trigger, i) => `${i} ${describeTrigger(trigger)}`).join(', ')}`);
  }
  const event = values.event === undefined ? {} : await readEvent(values.event);
  assertLlmConfigured(runtime.config);
  const { runner, close } = await runtime.openRunner({ schedule: () => undefined });
  try {
    const fired = await fireTrigger({ runner, openers: await threadOpeners(runtime.config) }, { crew, index, event });
    if (fired.threadProblem) io.err(`warning: ${fired.threadProblem}`);
    io.err(`Run ${fired.runId} started by ${describeTrigger(triggers[index]!)}.`);
    return await advanceAndReport(runner, runtime, fired.runId, io, values.json ?? false, signal);
  } finally {
    await close();
  }
}

async function readEvent(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--event ${file}: cannot be read (${error instanceof Error ? error.message : String(error)}).`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--event ${file}: is not JSON; give the event body as a JSON file.`);
  }
}
