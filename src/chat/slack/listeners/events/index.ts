import type { App } from '@slack/bolt';
import type { SlackContext } from '../../context.ts';
import { onAssistantThreadStarted } from './assistantThread.ts';
import { onMessage } from './messages.ts';

/**
 * Mentions (app_mention), messages (message.channels, message.groups, message.im) and threads
 * opened in the agent pane (assistant_thread_started). Events are acknowledged by Bolt before these run.
 */
export function register(app: App, ctx: SlackContext): void {
  app.event('app_mention', async ({ event }) => {
    await ctx.safely(() => onMessage(ctx, event, 'app_mention'));
  });
  app.event('message', async ({ event }) => {
    await ctx.safely(() => onMessage(ctx, event, 'message'));
  });
  app.event('assistant_thread_started', async ({ event }) => {
    await ctx.safely(() => onAssistantThreadStarted(ctx, event));
  });
}
