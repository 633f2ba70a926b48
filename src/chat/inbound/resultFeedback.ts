import { NotAllowedError, RunStateConflictError } from '../../runs/runErrors.ts';
import type { Runner } from '../../runs/runner.ts';
import type { AccessPolicy } from './accessPolicy.ts';
import type { InboundEvent } from './inboundEvent.ts';
import type { InboundReply, Notice } from './inboundReply.ts';

export const NOT_ALLOWED_TO_RATE = 'Not allowed: only the person who started this run and the crew’s approvers may rate its result or change what crewbot learned from it. Nothing changed.';

type Outcome = { outcome: 'handled' | 'refused'; detail?: string | undefined };

/**
 * 👍 / 👎 on a result. A 👎 without a reason asks for one first (only of someone who may rate, so
 * nobody writes a reason only to be refused); the runner authorises the rating itself.
 */
export async function rateResult(runner: Runner, access: AccessPolicy, event: Extract<InboundEvent, { type: 'rate' }>, reply: InboundReply): Promise<Outcome> {
  const run = await runner.store.getRun(event.run);
  if (!run) return tell(reply, { tone: 'unclear', text: 'That run no longer exists. Nothing changed.' }, 'refused');
  if (event.rating === 'down' && event.reason === undefined && reply.askForReason) {
    if (!(await access.mayAnswer(run, event.who))) return tell(reply, { tone: 'refused', text: NOT_ALLOWED_TO_RATE }, 'refused');
    await reply.askForReason({ run });
    return { outcome: 'handled', detail: 'asked for the reason of a 👎' };
  }
  try {
    const lesson = await runner.rateResult(run.id, { rating: event.rating, reason: event.reason, actor: event.who });
    const thanks = event.rating === 'up' ? 'Thanks for the 👍.' : lesson ? 'Thanks: crewbot will remember that for the next runs.' : 'Thanks for the 👎.';
    return tell(reply, { tone: 'done', text: thanks }, 'handled');
  } catch (error) {
    const refusal = refusalOf(error);
    if (refusal) return tell(reply, refusal, 'refused');
    throw error;
  }
}

/** [Forget] on "crewbot will remember: …": only people who may answer the run may. */
export async function forgetLesson(runner: Runner, event: Extract<InboundEvent, { type: 'forget_lesson' }>, reply: InboundReply): Promise<Outcome> {
  try {
    const forgotten = await runner.forgetLesson(event.run, event.lesson, event.who);
    if (!forgotten) return tell(reply, { tone: 'unclear', text: 'That lesson is already forgotten. Nothing changed.' }, 'refused');
    return tell(reply, { tone: 'done', text: 'Forgotten: later runs will not be told that lesson.' }, 'handled');
  } catch (error) {
    const refusal = refusalOf(error);
    if (refusal) return tell(reply, refusal, 'refused');
    throw error;
  }
}

function refusalOf(error: unknown): Notice | undefined {
  if (error instanceof NotAllowedError) return { tone: 'refused', text: NOT_ALLOWED_TO_RATE };
  if (error instanceof RunStateConflictError) return { tone: 'unclear', text: `${error.message} Nothing changed.` };
  return undefined;
}

async function tell(reply: InboundReply, notice: Notice, outcome: Outcome['outcome']): Promise<Outcome> {
  await reply.tell(notice);
  return { outcome, detail: notice.text };
}
