import { z } from 'zod';
import type { RequestActionId } from '../requestPrompt.ts';

/**
 * What a button or modal carries back to us in its custom_id (at most 100 characters):
 * `crewbot:<action>:<runId>:<requestId>` for a request, `crewbot:kickoff:<crew>` for the inputs form.
 */
export type CustomId =
  | { type: 'request'; action: RequestActionId; runId: string; requestId: string }
  | { type: 'kickoff'; crew: string }
  /** 👍 / 👎 under a result, and the form that asks why (`reason`). */
  | { type: 'rate'; rating: 'up' | 'down'; runId: string }
  | { type: 'reason'; runId: string }
  /** [Forget] on "crewbot will remember: …". */
  | { type: 'forget'; runId: string; lessonId: string };

const ActionSchema = z.enum(['approve', 'request_changes', 'answer', 'deny']);
const PREFIX = 'crewbot';

export function requestCustomId(action: RequestActionId, runId: string, requestId: string): string {
  return [PREFIX, action, runId, requestId].join(':');
}

export function kickoffCustomId(crew: string): string {
  return [PREFIX, 'kickoff', crew].join(':');
}

export function rateCustomId(rating: 'up' | 'down', runId: string): string {
  return [PREFIX, 'rate', rating, runId].join(':');
}

export function reasonCustomId(runId: string): string {
  return [PREFIX, 'reason', runId].join(':');
}

export function forgetCustomId(runId: string, lessonId: string): string {
  return [PREFIX, 'forget', runId, lessonId].join(':');
}

/** The custom_id of a button that shows who answered; pressing a disabled button sends nothing. */
export function answeredCustomId(requestId: string): string {
  return [PREFIX, 'answered', requestId].join(':');
}

/** Undefined for ids that are not ours (another app's components never reach us, but a stale format might). */
export function parseCustomId(customId: string): CustomId | undefined {
  const [prefix, action, ...rest] = customId.split(':');
  if (prefix !== PREFIX) return undefined;
  if (action === 'kickoff' && rest.length > 0) return { type: 'kickoff', crew: rest.join(':') };
  if (action === 'rate' && (rest[0] === 'up' || rest[0] === 'down') && rest.length === 2 && rest[1]) return { type: 'rate', rating: rest[0], runId: rest[1] };
  if (action === 'reason' && rest.length === 1 && rest[0]) return { type: 'reason', runId: rest[0] };
  if (action === 'forget' && rest.length === 2 && rest[0] && rest[1]) return { type: 'forget', runId: rest[0], lessonId: rest[1] };
  const parsed = ActionSchema.safeParse(action);
  if (!parsed.success || rest.length !== 2 || !rest[0] || !rest[1]) return undefined;
  return { type: 'request', action: parsed.data, runId: rest[0], requestId: rest[1] };
}

/** The modal field that carries an answer's text. */
export const ANSWER_FIELD = 'text';
