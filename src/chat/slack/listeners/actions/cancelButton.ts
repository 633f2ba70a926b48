import { NotAllowedError, RunStateConflictError } from '../../../../runs/runErrors.ts';
import { FINISHED_STATUSES } from '../../../../runs/runRecord.ts';
import { NOT_ALLOWED, runFor } from '../../answering.ts';
import { escapeMrkdwn } from '../../markdown.ts';
import type { SlackContext } from '../../slackContext.ts';
import { CancelButtonValueSchema } from '../../types.ts';
import { readButtonPress } from './buttonPress.ts';

/**
 * [Cancel] on the status message: the requester or an approver stops the run. The thread then
 * shows it through the runner's crew_cancelled event, rendered by the ThreadReporter.
 */
export async function pressCancel(ctx: SlackContext, body: unknown): Promise<void> {
  const press = readButtonPress(body);
  const value = CancelButtonValueSchema.safeParse(press?.value);
  if (!press || !value.success) return;
  if (!(await ctx.claim(`action:${press.payload.trigger_id}`))) return;
  const before = await runFor(ctx, value.data.run, press.who);
  if (!before) return;
  if (FINISHED_STATUSES.includes(before.status)) {
    await ctx.tell(press.who.where, `:grey_question: This run is already ${before.status}.`);
    return;
  }
  try {
    await ctx.runner.cancel(before.id, press.who.actor);
  } catch (error) {
    if (!(error instanceof NotAllowedError || error instanceof RunStateConflictError)) throw error;
    await ctx.tell(press.who.where, error instanceof NotAllowedError ? NOT_ALLOWED : `:grey_question: ${escapeMrkdwn(error.message)}`);
  }
}
