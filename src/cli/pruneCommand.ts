import ms from 'ms';
import { z } from 'zod';
import { FINISHED_STATUSES, RunStatusSchema, type RunStatus } from '../runs/runRecord.ts';
import type { Runtime } from '../runtime.ts';
import { parseCommandArgs, UsageError } from './cliArgs.ts';
import { EXIT, type CliIo } from './io.ts';

const USAGE = 'crewbot prune --older-than 30d [--status completed,failed,cancelled] [--dry-run]';
const ALL_RUNS = 1_000_000;

/** Deletes finished runs older than a cut-off; runs that are queued, running or waiting are never touched. */
export async function pruneCommand(args: string[], runtime: Runtime, io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { 'older-than': { type: 'string' }, status: { type: 'string' }, 'dry-run': { type: 'boolean' } },
    USAGE,
  );
  if (positionals.length > 0) throw new UsageError(`Usage: ${USAGE}`);
  const olderThanMs = parseAge(values['older-than']);
  const statuses = parseStatuses(values.status);
  const cutoff = Date.now() - olderThanMs;
  const { store } = await runtime.openRunner({ schedule: () => undefined });
  try {
    const old = (await store.listRuns({ status: statuses, limit: ALL_RUNS })).filter((run) => (run.finishedAt ?? run.updatedAt) < cutoff);
    if (values['dry-run']) {
      for (const run of old) io.out(`${run.id}  ${run.status}  ${run.crew}`);
      io.err(`${old.length} run(s) would be deleted (finished before ${new Date(cutoff).toISOString()}). Nothing was deleted.`);
      return EXIT.ok;
    }
    for (const run of old) await store.deleteRun(run.id);
    io.err(`Deleted ${old.length} run(s) finished before ${new Date(cutoff).toISOString()}.`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

function parseAge(text: string | undefined): number {
  if (text === undefined) throw new UsageError(`Say how old a run must be to go, e.g. --older-than 30d.\nUsage: ${USAGE}`);
  const parsed = ms(text as ms.StringValue);
  if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed <= 0) {
    throw new UsageError(`--older-than "${text}" is not a duration: use e.g. 30d, 12h or 90m.`);
  }
  return parsed;
}

function parseStatuses(text: string | undefined): RunStatus[] {
  if (text === undefined) return [...FINISHED_STATUSES];
  const names = text.split(',').map((name) => name.trim()).filter(Boolean);
  const statuses = z.array(RunStatusSchema).safeParse(names);
  const active = names.filter((name) => !(FINISHED_STATUSES as readonly string[]).includes(name));
  if (!statuses.success || active.length > 0 || names.length === 0) {
    throw new UsageError(`--status takes finished statuses only (completed, failed, cancelled), not "${active.join(', ') || text}": prune never deletes a run that is queued, running or waiting for a person.`);
  }
  return statuses.data;
}
