import { REQUEST_ACTION_PREFIX } from '../../cards.ts';
import type { SlackContext } from '../../context.ts';
import { slackReply } from '../../inboundReply.ts';
import { RequestActionIdSchema, RequestButtonValueSchema } from '../../types.ts';
import { readButtonPress } from './buttonPress.ts';

/**
 * [Approve] answers at once. [Request changes], [Answer] and [Deny] open a modal for the text
 * (views/answerSubmitted.ts takes it from there).
 */
export async function pressRequestButton(ctx: SlackContext, body: unknown): Promise<void> {
  const press = readButtonPress(body);
  const value = RequestButtonValueSchema.safeParse(press?.value);
  const action = RequestActionIdSchema.safeParse(press?.actionId.slice(REQUEST_ACTION_PREFIX.length));
  if (!press || !value.success || !action.success) return;
  await ctx.inbound.handle(
    { type: 'answer', delivery: `action:${press.payload.trigger_id}`, who: press.who, run: value.data.run, request: value.data.request, action: action.data },
    slackReply(ctx, press.where, press.payload.trigger_id),
  );
}
