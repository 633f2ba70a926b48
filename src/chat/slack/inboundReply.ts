import type { InboundReply, Notice } from '../inbound/inboundReply.ts';
import { answerModal, reasonModal, statusMessage } from './cards.ts';
import type { SlackContext } from './context.ts';
import type { EphemeralTarget } from './ephemeral.ts';
import { escapeMrkdwn } from './markdown.ts';
import { AnswerModalMetadataSchema, ReasonModalMetadataSchema } from './types.ts';

const TONE: Record<Notice['tone'], string> = { refused: ':no_entry:', unclear: ':grey_question:', failed: ':warning:', done: ':white_check_mark:' };

/** The notice as one person sees it in Slack. */
export function noticeText(notice: Notice): string {
  return `${TONE[notice.tone]} ${notice.markup ? notice.text : escapeMrkdwn(notice.text)}`;
}

/**
 * The way back to the person behind one Slack payload: ephemeral messages where they acted, the
 * answer modal opened with the press's trigger_id.
 */
export function slackReply(ctx: SlackContext, where: EphemeralTarget, triggerId?: string | undefined): InboundReply {
  return {
    tell: (notice) => ctx.tell(where, noticeText(notice)),
    askForText: async ({ run, request, prompt, action }) => {
      if (!triggerId) throw new Error('Slack gave no trigger_id to open the answer modal with.');
      const metadata = AnswerModalMetadataSchema.parse({
        run: run.id,
        request: request.id,
        action: action.id,
        channel: where.channel,
        ...(where.threadTs ? { threadTs: where.threadTs } : {}),
      });
      await ctx.client.views.open({ trigger_id: triggerId, view: answerModal(prompt, action, metadata) });
    },
    askForReason: async ({ run }) => {
      if (!triggerId) throw new Error('Slack gave no trigger_id to open the reason modal with.');
      const metadata = ReasonModalMetadataSchema.parse({ run: run.id, channel: where.channel, ...(where.threadTs ? { threadTs: where.threadTs } : {}) });
      await ctx.client.views.open({ trigger_id: triggerId, view: reasonModal(metadata) });
    },
    showStatus: async (status) => {
      const message = statusMessage(status, Date.now());
      await ctx.client.chat.postEphemeral({
        channel: where.channel,
        user: where.user,
        text: message.text,
        blocks: message.blocks,
        ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
      });
    },
  };
}
