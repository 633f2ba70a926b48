import type { App } from '@slack/bolt';
import { kickOffFromText, showHelp } from '../../kickoff.ts';
import type { SlackContext } from '../../context.ts';
import { SlashCommandSchema } from '../../types.ts';

export const CREW_COMMAND = '/crew';

/** `/crew <crew> [free text | key=value …]`, `/crew`, `/crew help`. */
export function register(app: App, ctx: SlackContext): void {
  app.command(CREW_COMMAND, async ({ ack, body }) => {
    // Acknowledged before any work, so Slack's 3 seconds are never at risk.
    await ack();
    const command = SlashCommandSchema.parse(body);
    const place = { channel: command.channel_id, responseUrl: command.response_url };
    const by = { userId: command.user_id, name: command.user_name };
    await ctx.safely(async () => {
      if (!(await ctx.claim(`command:${command.trigger_id}`))) return;
      const text = command.text.trim();
      if (text === '' || /^help$/i.test(text)) {
        await showHelp(ctx, place, by);
        return;
      }
      await kickOffFromText(ctx, text, by, place, { idempotencyKey: `command:${command.trigger_id}`, triggerId: command.trigger_id });
    }, { channel: place.channel, user: by.userId, responseUrl: place.responseUrl });
  });
}
