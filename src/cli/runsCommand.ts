import { RunStatusSchema } from '../runs/runRecord.ts';
import type { StoredRunError } from '../runs/runStore.ts';
import type { Runtime } from '../runtime.ts';
import { parseCommandArgs, UsageError } from './cliArgs.ts';
import { runTable } from '../chat/runTable.ts';
import { EXIT, type CliIo } from './io.ts';
import { NO_RATINGS, RatingBook, ratingText } from '../learning/ratings.ts';
import { commandName } from './commandName.ts';

const USAGE = 'crewbot runs [--status STATUS]... [--limit N] [--json]';

/** Recent runs, newest first: status, crew, age, tokens, cost. */
export async function runsCommand(args: string[], runtime: Runtime, io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    { status: { type: 'string', multiple: true }, limit: { type: 'string' }, json: { type: 'boolean' } },
    USAGE,
  );
  const statuses = (values.status ?? []).map((status) => {
    const parsed = RunStatusSchema.safeParse(status);
    if (!parsed.success) throw new UsageError(`--status ${status} is not one of ${RunStatusSchema.options.join(', ')}.`);
    return parsed.data;
  });
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit takes a whole number.\nUsage: ${USAGE}`);
  const { store } = await runtime.openRunner({ schedule: () => undefined });
  try {
    const damaged: string[] = [];
    const onDamaged = (damage: StoredRunError) => damaged.push(damage.message);
    const runs = await store.listRuns({ limit, onDamaged, ...(statuses.length ? { status: statuses } : {}) });
    // People's text goes to stderr, so --json stays one parseable line.
    for (const message of damaged) io.err(`Skipped: ${message}`);
    const ratingBook = new RatingBook(store);
    const ratings = await ratingBook.byRun();
    if (values.json) {
      io.out(JSON.stringify(runs.map((run) => ({ ...run, ratings: ratings.get(run.id) ?? NO_RATINGS }))));
      return EXIT.ok;
    }
    if (runs.length === 0) {
      io.out(`No runs yet. Start one with: ${commandName()} run <crew>`);
      return EXIT.ok;
    }
    for (const line of runTable(runs, Date.now(), { note: (run) => ratingText(ratings.get(run.id)) })) io.out(line);
    const byCrew = await ratingBook.byCrew();
    const rated = [...new Set(runs.map((run) => run.crew))].filter((crew) => ratingText(byCrew.get(crew)));
    if (rated.length > 0) io.out(`\nRatings of results, all runs: ${rated.map((crew) => `${crew} ${ratingText(byCrew.get(crew))}`).join(', ')}`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
