import type { HumanAnswer, HumanRequest, Responder } from '../engine/humanRequest.ts';
import type { RequestTimeout } from '../engine/spec.ts';

/** Who "answered" when crew.yaml request_timeout applied its outcome. */
export const TIMEOUT_RESPONDER: Responder = { userId: 'crewbot', name: 'crewbot (no answer in time)' };

/** The crew's default outcome for a request of this kind, if it set one. */
export function timeoutOutcome(kind: HumanRequest['kind'], timeout: RequestTimeout): HumanAnswer | undefined {
  switch (kind) {
    case 'review':
      return timeout.review ? { type: 'approve' } : undefined;
    case 'approval':
      return timeout.approval ? (timeout.approval === 'approve' ? { type: 'approve' } : { type: 'deny', reason: 'nobody approved it in time' }) : undefined;
    case 'question':
      return timeout.question ? { type: 'answer', text: timeout.question } : undefined;
    case 'budget':
      // Money is spent only with a person's yes: an unanswered budget keeps waiting.
      return undefined;
    default: {
      const never: never = kind;
      return never;
    }
  }
}
