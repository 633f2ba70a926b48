import type { SlackBot, SlackContext } from '../../context.ts';
import { slackReply } from '../../inboundReply.ts';
import { kickOffFromText, showHelp } from '../../kickoff.ts';
import { slackPerson } from '../../people.ts';
import { slackThread } from '../../thread.ts';
import { MessageEventSchema, type MessageEvent } from '../../types.ts';

/** Message subtypes that are still a person writing; every other subtype (bots, edits, joins) is ignored. */
const PEOPLE_SUBTYPES = new Set(['thread_broadcast', 'file_share']);

/**
 * One message for the bot: a kickoff (a mention, a DM) or, in a thread that has a run, an answer to
 * that run. Slack sends a mention twice (app_mention and message); the message's channel and ts
 * are claimed once, which also absorbs Slack's retries of either.
 */
export async function onMessage(ctx: SlackContext, raw: unknown, via: 'app_mention' | 'message'): Promise<void> {
  const parsed = MessageEventSchema.safeParse(raw);
  if (!parsed.success) return;
  const message = parsed.data;
  if (!fromAPerson(message, ctx.bot) || !message.user) return;
  const user = message.user;
  const direct = message.channel_type === 'im' || message.channel.startsWith('D');
  const text = withoutBotMention(message.text, ctx.bot.userId);
  const key = `message:${message.channel}:${message.ts}`;
  const inThread = message.thread_ts !== undefined && message.thread_ts !== message.ts;

  if (inThread) {
    // In a run's thread it is a reply to that run (never a second kickoff); the shared handler reads it.
    const handled = await ctx.inbound.handle(
      { type: 'reply', delivery: key, who: slackPerson(user), thread: slackThread(message.channel, message.thread_ts!), text, addressed: via === 'app_mention' || direct },
      slackReply(ctx, { channel: message.channel, user, threadTs: message.thread_ts }),
    );
    if (handled.outcome !== 'no_run') return;
  }
  // In channels only a mention starts a crew; other talk is not for the bot.
  if (via === 'message' && !direct) return;
  if (!(await ctx.claim(key))) return;
  const place = { channel: message.channel, threadTs: inThread ? message.thread_ts! : message.ts, inThread };
  const by = { userId: user };
  if (text === '' || /^help$/i.test(text)) {
    await showHelp(ctx, place, by);
    return;
  }
  await kickOffFromText(ctx, text, by, place, { idempotencyKey: key });
}

function fromAPerson(message: MessageEvent, bot: SlackBot): boolean {
  if (message.bot_id || (message.subtype && !PEOPLE_SUBTYPES.has(message.subtype))) return false;
  return message.user !== undefined && message.user !== bot.userId;
}

/** "<@UBOT> research_writer …" → "research_writer …". */
function withoutBotMention(text: string, botUserId: string | undefined): string {
  if (!botUserId) return text.trim();
  return text.replaceAll(new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g'), ' ').trim();
}
