import type { SlackContext } from '../../context.ts';
import { slackReply } from '../../inboundReply.ts';
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
  await ctx.inbound.handle(
    { type: 'cancel', delivery: `action:${press.payload.trigger_id}`, who: press.who, run: { id: value.data.run } },
    slackReply(ctx, press.where),
  );
}
