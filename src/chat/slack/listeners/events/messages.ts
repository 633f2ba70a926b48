import type { SlackBot, SlackContext } from '../../context.ts';
import { slackReply } from '../../inboundReply.ts';
import { asksForStatus } from '../../../inbound/inboundEvent.ts';
import { showHelp, slackKickoffReply } from '../../kickoff.ts';
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

  const addressed = via === 'app_mention' || direct;
  const place = { channel: message.channel, direct };
  if (inThread) {
    const thread = slackThread(message.channel, message.thread_ts!);
    const where = { channel: message.channel, user, threadTs: message.thread_ts };
    // `@crewbot status` in a run's thread: where it stands, to that person.
    if (addressed && asksForStatus(text) && (await ctx.inbound.runOfThread(thread))) {
      await ctx.inbound.handle({ type: 'status', delivery: key, who: slackPerson(user), thread }, slackReply(ctx, where));
      return;
    }
    // In a run's thread it is a reply to that run (never a second kickoff); the shared handler reads it.
    const handled = await ctx.inbound.handle({ type: 'reply', delivery: key, who: slackPerson(user), thread, text, addressed, place }, slackReply(ctx, where));
    if (handled.outcome !== 'no_run') return;
  }
  // In channels only a mention starts a crew; other talk is not for the bot.
  if (via === 'message' && !direct) return;
  const where = { channel: message.channel, user, threadTs: inThread ? message.thread_ts : undefined };
  if (text === '' || /^help$/i.test(text)) {
    if (await ctx.claim(key)) await showHelp(ctx, where);
    return;
  }
  await ctx.inbound.handle(
    { type: 'kickoff', delivery: key, who: slackPerson(user), place, ...(inThread ? { thread: slackThread(message.channel, message.thread_ts!) } : {}), what: { text } },
    slackKickoffReply(ctx, where, { runThreadTs: inThread ? message.thread_ts! : message.ts }),
  );
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
