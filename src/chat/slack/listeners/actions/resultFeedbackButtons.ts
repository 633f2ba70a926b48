import type { SlackContext } from '../../context.ts';
import { slackReply } from '../../inboundReply.ts';
import { RATE_ACTION_PREFIX } from '../../cards.ts';
import { CancelButtonValueSchema, ForgetLessonValueSchema } from '../../types.ts';
import { readButtonPress } from './buttonPress.ts';

/** :+1: / :-1: under a final result; a :-1: opens the reason modal (its trigger_id is needed for that). */
export async function pressRate(ctx: SlackContext, body: unknown): Promise<void> {
  const press = readButtonPress(body);
  const value = CancelButtonValueSchema.safeParse(press?.value);
  if (!press || !value.success) return;
  const rating = press.actionId === `${RATE_ACTION_PREFIX}up` ? 'up' : press.actionId === `${RATE_ACTION_PREFIX}down` ? 'down' : undefined;
  if (!rating) return;
  await ctx.inbound.handle(
    { type: 'rate', delivery: `action:${press.payload.trigger_id}`, who: press.who, run: value.data.run, rating },
    slackReply(ctx, press.where, press.payload.trigger_id),
  );
}

/** [Forget] on "crewbot will remember: …". */
export async function pressForgetLesson(ctx: SlackContext, body: unknown): Promise<void> {
  const press = readButtonPress(body);
  const value = ForgetLessonValueSchema.safeParse(press?.value);
  if (!press || !value.success) return;
  await ctx.inbound.handle(
    { type: 'forget_lesson', delivery: `action:${press.payload.trigger_id}`, who: press.who, run: value.data.run, lesson: value.data.lesson },
    slackReply(ctx, press.where),
  );
}
