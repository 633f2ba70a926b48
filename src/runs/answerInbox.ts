import { z } from 'zod';
import { answerRequest, HumanAnswerError } from '../engine/answers.ts';
import { HumanAnswerSchema, ResponderSchema } from '../engine/humanRequest.ts';
import type { RunState } from '../engine/runState.ts';
import type { RunStore } from './runStore.ts';

/**
 * Answers are appended to a log of their own, so a person can answer while another process is
 * advancing the run; the process holding the run applies them to its state before each pass.
 */
export const InboxAnswerSchema = z.object({
  requestId: z.string(),
  answer: HumanAnswerSchema,
  by: ResponderSchema,
  at: z.number(),
  timedOut: z.boolean().optional(),
});
export type InboxAnswer = z.infer<typeof InboxAnswerSchema>;

const inboxId = (runId: string) => `${runId}:answers`;

export async function postAnswer(store: RunStore, runId: string, answer: InboxAnswer): Promise<void> {
  await store.appendEvent(inboxId(runId), InboxAnswerSchema.parse(answer));
}

/** Applies every answer to a request still pending in `state`; returns how many it applied. */
export async function applyInbox(store: RunStore, state: RunState): Promise<number> {
  let applied = 0;
  for (const raw of await store.getEvents(inboxId(state.runId))) {
    const parsed = InboxAnswerSchema.safeParse(raw);
    if (!parsed.success) continue;
    const { requestId, answer, by, at, timedOut } = parsed.data;
    if (!state.pending.some((request) => request.id === requestId)) continue;
    try {
      answerRequest(state, requestId, answer, by, at, { timedOut });
      applied += 1;
    } catch (error) {
      // An answer that does not fit its request was refused when it was given; never apply it here.
      if (!(error instanceof HumanAnswerError)) throw error;
    }
  }
  return applied;
}
