import type { App } from '@slack/bolt';
import { showHelp, slackKickoffReply } from '../../kickoff.ts';
import type { SlackContext } from '../../context.ts';
import { slackPerson } from '../../people.ts';
import { SlashCommandSchema } from '../../types.ts';

export const CREW_COMMAND = '/crew';

/** `/crew <crew> [free text | key=value …]`, `/crew`, `/crew help`. */
export function register(app: App, ctx: SlackContext): void {
  app.command(CREW_COMMAND, async ({ ack, body }) => {
    // Acknowledged before any work, so Slack's 3 seconds are never at risk.
    await ack();
    const command = SlashCommandSchema.parse(body);
    const where = { channel: command.channel_id, user: command.user_id, responseUrl: command.response_url };
    const delivery = `command:${command.trigger_id}`;
    await ctx.safely(async () => {
      const text = command.text.trim();
      if (text === '' || /^help$/i.test(text)) {
        if (await ctx.claim(delivery)) await showHelp(ctx, where);
        return;
      }
      await ctx.inbound.handle(
        {
          type: 'kickoff',
          delivery,
          who: slackPerson(command.user_id, command.user_name),
          place: { channel: command.channel_id, direct: command.channel_id.startsWith('D') },
          what: { text },
        },
        slackKickoffReply(ctx, where, { triggerId: command.trigger_id }),
      );
    }, where, { whenQuiet: true });
  });
}
