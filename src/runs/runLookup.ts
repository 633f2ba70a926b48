import type { RunRecord } from './runRecord.ts';
import { RunNotFoundError, type RunStore } from './runStore.ts';

/** A shortened run id that more than one run starts with; names them so the person can pick. */
export class AmbiguousRunIdError extends Error {
  override name = 'AmbiguousRunIdError';
  constructor(
    readonly prefix: string,
    readonly candidates: RunRecord[],
  ) {
    const listed = candidates.map((run) => `  ${run.id}  ${run.crew}  ${run.status}`);
    super([`"${prefix}" starts ${candidates.length} run ids; give more of the id:`, ...listed].join('\n'));
  }
}

/** Every run there is, for matching a prefix: ids are listed from the store's index, newest first. */
const ALL_RUNS = Number.MAX_SAFE_INTEGER;

/**
 * A run by its id or by the start of it (as people copy the first characters of a UUID). Throws
 * RunNotFoundError when nothing matches and AmbiguousRunIdError when several runs do.
 */
export async function findRun(store: RunStore, idOrPrefix: string): Promise<RunRecord> {
  const exact = await store.getRun(idOrPrefix);
  if (exact) return exact;
  const matches = idOrPrefix === '' ? [] : (await store.listRuns({ limit: ALL_RUNS, onDamaged: () => undefined })).filter((run) => run.id.startsWith(idOrPrefix));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new AmbiguousRunIdError(idOrPrefix, matches);
  throw new RunNotFoundError(idOrPrefix);
}
