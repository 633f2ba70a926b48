import type { App } from '@slack/bolt';
import { CANCEL_ACTION, FORGET_LESSON_ACTION, RATE_ACTION_PREFIX, REQUEST_ACTION_PREFIX } from '../../cards.ts';
import type { SlackContext } from '../../context.ts';
import { pressCancel } from './cancelButton.ts';
import { pressRequestButton } from './requestButtons.ts';
import { pressForgetLesson, pressRate } from './resultFeedbackButtons.ts';

/**
 * Buttons: [Approve] [Request changes] [Answer] [Deny] on requests, [Cancel] on the status message,
 * :+1: / :-1: under a final result, [Forget] on a lesson.
 */
export function register(app: App, ctx: SlackContext): void {
  app.action(new RegExp(`^${REQUEST_ACTION_PREFIX}`), async ({ ack, body }) => {
    await ack();
    await ctx.safely(() => pressRequestButton(ctx, body));
  });
  app.action(CANCEL_ACTION, async ({ ack, body }) => {
    await ack();
    await ctx.safely(() => pressCancel(ctx, body));
  });
  app.action(new RegExp(`^${RATE_ACTION_PREFIX}`), async ({ ack, body }) => {
    await ack();
    await ctx.safely(() => pressRate(ctx, body));
  });
  app.action(FORGET_LESSON_ACTION, async ({ ack, body }) => {
    await ack();
    await ctx.safely(() => pressForgetLesson(ctx, body));
  });
}
