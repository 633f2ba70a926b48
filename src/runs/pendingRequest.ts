import type { HumanRequest } from '../engine/humanRequest.ts';
import { RunStateConflictError } from './runErrors.ts';
import type { RunRecord } from './runRecord.ts';

/** The request an answer is for: the one named, or the only one pending; otherwise say which there are. */
export function pickRequest(run: RunRecord, pending: HumanRequest[], requestId: string | undefined): HumanRequest {
  if (requestId) {
    const found = pending.find((request) => request.id === requestId);
    if (found) return found;
    throw new RunStateConflictError(
      `Request ${requestId} is not waiting for an answer in run ${run.id} (already answered, or the run moved on).` +
        (pending.length ? ` Waiting: ${pending.map((request) => request.id).join(', ')}.` : ''),
    );
  }
  if (pending.length === 1) return pending[0]!;
  if (pending.length === 0) throw new RunStateConflictError(`Run ${run.id} is ${run.status}; nothing is waiting for an answer.`);
  throw new RunStateConflictError(
    `Run ${run.id} waits on ${pending.length} requests; say which: ${pending.map((request) => `${request.id} (${request.kind} in ${request.taskId})`).join(', ')}.`,
  );
}
