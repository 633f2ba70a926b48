import type { App } from '@slack/bolt';
import type { SlackContext } from '../../context.ts';
import { onMessage } from './messages.ts';

/**
 * Mentions (app_mention) and messages (message.channels, message.groups, message.im). Events are
 * acknowledged by Bolt before these run.
 */
export function register(app: App, ctx: SlackContext): void {
  app.event('app_mention', async ({ event }) => {
    await ctx.safely(() => onMessage(ctx, event, 'app_mention'));
  });
  app.event('message', async ({ event }) => {
    await ctx.safely(() => onMessage(ctx, event, 'message'));
  });
}
