import type { KickoffReply } from '../inbound/inboundReply.ts';
import { helpText, inputsModal, rootMessage } from './cards.ts';
import type { SlackContext } from './context.ts';
import type { EphemeralTarget } from './ephemeral.ts';
import { slackReply } from './inboundReply.ts';
import { slackThread } from './thread.ts';
import { slackErrorCode } from './types.ts';

/** `/crew help`, `@crewbot help`: every crew and its inputs, to the person who asked. */
export async function showHelp(ctx: SlackContext, where: EphemeralTarget): Promise<void> {
  await ctx.tell(where, helpText(await ctx.crews.list()));
}

/**
 * The way back to the person behind a Slack kickoff. A command (it has a trigger_id) may open the
 * inputs form; the run works in `runThreadTs` (a mention's thread) or under a new root message.
 */
export function slackKickoffReply(ctx: SlackContext, where: EphemeralTarget, options: { triggerId?: string | undefined; runThreadTs?: string | undefined }): KickoffReply {
  return {
    ...slackReply(ctx, where, options.triggerId),
    askForInputs: async ({ crew, given }) => {
      if (!options.triggerId) return undefined;
      const metadata = { crew: crew.name, channel: where.channel, ...(options.runThreadTs ? { threadTs: options.runThreadTs } : {}) };
      await ctx.client.views.open({ trigger_id: options.triggerId, view: inputsModal(crew, given, metadata) });
      return 'opened';
    },
    openThread: async (run) => {
      if (options.runThreadTs) return slackThread(where.channel, options.runThreadTs);
      const root = rootMessage(run.crew, run.requester, run.inputs);
      try {
        const posted = await ctx.client.chat.postMessage({ channel: where.channel, text: root.text, blocks: root.blocks, unfurl_links: false });
        if (!posted.ts) throw new Error(`Slack did not return the ts of the root message in ${where.channel}.`);
        return slackThread(where.channel, posted.ts);
      } catch (error) {
        const code = slackErrorCode(error);
        if (code !== 'not_in_channel' && code !== 'channel_not_found') throw error;
        await ctx.tell(where, ':wave: I am not in this conversation, so nothing started. Invite me first (`/invite @crewbot`), or mention me where I am.');
        return undefined;
      }
    },
  };
}
