import { Events, type Client, type Message } from 'discord.js';
import { errorMessage } from '../../../../engine/errors.ts';
import { describeCrewInputs, KickoffTextError, parseKickoffText } from '../../../kickoffText.ts';
import type { DiscordContext, Handled } from '../../context.ts';
import { discordThread } from '../../thread.ts';
import { loadForKickoff, planInputs, startRun, threadName, threadProblem } from '../../kickoff.ts';
import { messageReply } from '../../inboundReply.ts';
import { actorOf, personOf } from '../../people.ts';

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
  if (channel.isThread()) {
    // In a run's thread it answers what the run waits on (the request replied to, or the only one).
    const repliedTo = message.reference?.messageId;
    const result = await ctx.inbound.handle(
      {
        type: 'reply',
        delivery: `message:${message.id}`,
        who: personOf(message.author, message.member),
        thread: discordThread(message.guildId, channel.id),
        text,
        addressed: mentioned,
        ...(repliedTo ? { to: { message: repliedTo } } : {}),
      },
      messageReply(ctx, message, mentioned),
    );
    if (result.outcome !== 'no_run') return result;
  }
  if (!mentioned) return 'ignored';
  return kickoff(message, text, ctx);
}

async function kickoff(message: Message<true>, text: string, ctx: DiscordContext): Promise<Handled> {
  const channel = message.channel;
  const place = { guild: message.guildId, channel: channel.id, parent: channel.isThread() ? channel.parentId : null, direct: false };
  const crews = await ctx.runtime.listCrews();
  let parsed;
  try {
    parsed = parseKickoffText(text, crews.filter((crew) => !crew.error));
  } catch (error) {
    if (!(error instanceof KickoffTextError)) throw error;
    const broken = crews.find((crew) => crew.error && crew.name.toLowerCase() === text.split(/\s+/)[0]?.toLowerCase());
    return refuse(message, broken ? `${broken.name} does not load: ${broken.error}` : error.message, ctx);
  }
  const found = await loadForKickoff(ctx, parsed.crew, personOf(message.author, message.member), place);
  if ('refusal' in found) return refuse(message, found.refusal, ctx);
  const plan = planInputs(parsed.crew, found.loaded, parsed.inputs, undefined);
  if ('refusal' in plan) return refuse(message, plan.refusal, ctx);
  if (plan.missing.length > 0) {
    const listing = { name: plan.crew, inputs: found.loaded.inputs };
    return refuse(message, `${plan.crew} needs ${plan.missing.join(', ')}: give ${plan.missing.length > 1 ? 'them' : 'it'} as key="…", or use /crew run for a form.\n${describeCrewInputs(listing)}`, ctx);
  }
  if (!(await ctx.claim('message', message.id))) return 'duplicate';
  // A mention in a thread without a run starts the run right there.
  let threadId: string;
  try {
    threadId = channel.isThread() ? channel.id : await ctx.port.startThread(channel.id, message.id, threadName(plan));
  } catch (error) {
    const why = threadProblem(error);
    await ctx.port.postText(channel.id, why, { replyTo: message.id });
    return { outcome: 'refused', detail: why };
  }
  const requester = actorOf(message.author, message.member);
  try {
    await startRun(ctx, plan, { guildId: message.guildId, threadId, requester, key: `discord:message:${message.id}` });
  } catch (error) {
    await ctx.port.postText(threadId, `Could not start ${plan.crew}: ${errorMessage(error)}`);
    return { outcome: 'refused', detail: errorMessage(error) };
  }
  return 'handled';
}

async function refuse(message: Message, text: string, ctx: DiscordContext): Promise<Handled> {
  if (!(await ctx.claim('message', message.id))) return { outcome: 'duplicate', detail: text };
  await ctx.port.postText(message.channelId, text, { replyTo: message.id });
  return { outcome: 'refused', detail: text };
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
