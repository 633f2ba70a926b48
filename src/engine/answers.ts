import {
  HumanAnswerSchema,
  allowedAnswers,
  answerFits,
  type HumanAnswer,
  type HumanRequest,
  type Responder,
} from './humanRequest.ts';
import type { RunState } from './runState.ts';

export class HumanAnswerError extends Error {
  override name = 'HumanAnswerError';
}

/**
 * Records a person's answer to a pending request in the run state; the run then continues with
 * Crew.run. A request that is not pending (already answered, or from an earlier pass) is refused.
 */
export function answerRequest(
  state: RunState,
  requestId: string,
  answer: HumanAnswer,
  by: Responder,
  at: number = Date.now(),
  options: { timedOut?: boolean } = {},
): HumanRequest {
  const parsed = HumanAnswerSchema.parse(answer);
  const request = state.pending.find((candidate) => candidate.id === requestId);
  if (!request) {
    const open = state.pending.map((candidate) => candidate.id);
    throw new HumanAnswerError(
      `Request ${requestId} is not waiting for an answer (it was already answered, or the run has moved on). ` +
        (open.length ? `Open requests: ${open.join(', ')}.` : 'Nothing is waiting for an answer in this run.'),
    );
  }
  if (!answerFits(request.kind, parsed)) {
    throw new HumanAnswerError(`A ${request.kind} request takes ${allowedAnswers(request.kind)}, not ${parsed.type}.`);
  }
  state.pending = state.pending.filter((candidate) => candidate.id !== requestId);
  state.answers[request.slot] = { answer: parsed, by, at, ...(options.timedOut ? { timedOut: true } : {}) };
  return request;
}

/** One line for logs and threads: what the person said. */
export function describeAnswer(answer: HumanAnswer): string {
  switch (answer.type) {
    case 'approve':
      return 'approved';
    case 'deny':
      return answer.reason ? `denied: ${answer.reason}` : 'denied';
    case 'feedback':
      return `asked for changes: ${answer.text}`;
    case 'answer':
      return `answered: ${answer.text}`;
    default: {
      const never: never = answer;
      return String(never);
    }
  }
}
