import type { App } from '@slack/bolt';
import { CANCEL_ACTION, REQUEST_ACTION_PREFIX } from '../../cards.ts';
import type { SlackContext } from '../../context.ts';
import { pressCancel } from './cancelButton.ts';
import { pressRequestButton } from './requestButtons.ts';

/** Buttons: [Approve] [Request changes] [Answer] [Deny] on requests, [Cancel] on the status message. */
export function register(app: App, ctx: SlackContext): void {
  app.action(new RegExp(`^${REQUEST_ACTION_PREFIX}`), async ({ ack, body }) => {
    await ack();
    await ctx.safely(() => pressRequestButton(ctx, body));
  });
  app.action(CANCEL_ACTION, async ({ ack, body }) => {
    await ack();
    await ctx.safely(() => pressCancel(ctx, body));
  });
}
