import { Events, type Client, type Message } from 'discord.js';
import { asksForStatus } from '../../../inbound/inboundEvent.ts';
import type { DiscordContext, Handled } from '../../context.ts';
import { discordThread } from '../../thread.ts';
import { messageKickoffReply, placeOfMessage } from '../../kickoff.ts';
import { messageReply } from '../../inboundReply.ts';
import { personOf } from '../../people.ts';

/**
 * Messages: `@crewbot <crew> …` in a channel starts a run in a thread on that message; in a run's
 * thread a mention (or, with the Message Content intent, any reply) answers what the run waits on.
 * Bots, this one included, are never listened to.
 */
export function register(client: Client, ctx: DiscordContext): void {
  client.on(Events.MessageCreate, (message) => ctx.handle('message', message.id, () => onMessage(message, ctx)));
}

async function onMessage(message: Message, ctx: DiscordContext): Promise<Handled> {
  if (message.author.bot || message.system || message.webhookId) return { outcome: 'ignored', detail: 'from a bot' };
  if (!message.inGuild()) return { outcome: 'ignored', detail: 'not in a server' };
  const { mentioned, text } = readMention(message, ctx.botUserId);
  const channel = message.channel;
  const who = personOf(message.author, message.member);
  const delivery = `message:${message.id}`;
  if (channel.isThread()) {
    const thread = discordThread(message.guildId, channel.id);
    // `@crewbot status` in a run's thread: where it stands.
    if (mentioned && asksForStatus(text) && (await ctx.inbound.runOfThread(thread))) {
      return ctx.inbound.handle({ type: 'status', delivery, who, thread }, messageReply(ctx, message, true));
    }
    // In a run's thread it answers what the run waits on (the request replied to, or the only one).
    const repliedTo = message.reference?.messageId;
    const result = await ctx.inbound.handle(
      { type: 'reply', delivery, who, thread, text, addressed: mentioned, place: placeOfMessage(message), ...(repliedTo ? { to: { message: repliedTo } } : {}) },
      messageReply(ctx, message, mentioned),
    );
    if (result.outcome !== 'no_run') return result;
  }
  if (!mentioned) return 'ignored';
  return ctx.inbound.handle(
    { type: 'kickoff', delivery, who, place: placeOfMessage(message), ...(channel.isThread() ? { thread: discordThread(message.guildId, channel.id) } : {}), what: { text } },
    messageKickoffReply(message, ctx),
  );
}

/**
 * Whether the bot was called, by its user or by its managed role (which people often ping
 * instead), and the text with those mentions taken out.
 */
export function readMention(message: Message, botUserId: string): { mentioned: boolean; text: string } {
  const botRoles = message.mentions.roles.filter((role) => role.tags?.botId === botUserId).map((role) => role.id);
  const mentioned = message.mentions.users.has(botUserId) || botRoles.length > 0;
  let text = message.content.replace(new RegExp(`<@!?${botUserId}>`, 'g'), '');
  for (const id of botRoles) text = text.replace(new RegExp(`<@&${id}>`, 'g'), '');
  return { mentioned, text: text.trim() };
}
