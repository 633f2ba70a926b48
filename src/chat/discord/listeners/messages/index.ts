import { Events, type Client, type Message } from 'discord.js';
import { errorMessage } from '../../../../engine/errors.ts';
import type { HumanRequest } from '../../../../engine/humanRequest.ts';
import { NotAllowedError, RunStateConflictError } from '../../../../runs/runErrors.ts';
import type { RunRecord } from '../../../../runs/runRecord.ts';
import { describeCrewInputs, KickoffTextError, parseKickoffText } from '../../../kickoffText.ts';
import type { DiscordContext, Outcome } from '../../discordContext.ts';
import { discordThread } from '../../discordThread.ts';
import { loadForKickoff, planInputs, startRun, threadName, threadProblem } from '../../kickoff.ts';
import { actorOf, rolesOf } from '../../people.ts';
import { answerFromReply } from '../../replyAnswer.ts';
import { PendingRequestsSchema, ReporterThreadStateSchema } from '../../types.ts';

/**
 * Messages: `@crewbot <crew> …` in a channel starts a run in a thread on that message; in a run's
 * thread a mention (or, with the Message Content intent, any reply) answers what the run waits on.
 * Bots, this one included, are never listened to.
 */
export function register(client: Client, ctx: DiscordContext): void {
  client.on(Events.MessageCreate, (message) => ctx.handle('message', message.id, () => onMessage(message, ctx)));
}

async function onMessage(message: Message, ctx: DiscordContext): Promise<Outcome | { outcome: Outcome; detail: string }> {
  if (message.author.bot || message.system || message.webhookId) return { outcome: 'ignored', detail: 'from a bot' };
  if (!message.inGuild()) return { outcome: 'ignored', detail: 'not in a server' };
  const { mentioned, text } = readMention(message, ctx.botUserId);
  const channel = message.channel;
  if (channel.isThread()) {
    const runId = await ctx.runner.store.runForThread(discordThread(message.guildId, channel.id));
    const run = runId ? await ctx.runner.store.getRun(runId) : undefined;
    if (run) return toRun(message, run, { mentioned, text }, ctx);
  }
  if (!mentioned) return 'ignored';
  return kickoff(message, text, ctx);
}

async function kickoff(message: Message<true>, text: string, ctx: DiscordContext): Promise<Outcome | { outcome: Outcome; detail: string }> {
  const channel = message.channel;
  const place = { guildId: message.guildId, channelId: channel.id, parentId: channel.isThread() ? channel.parentId : null, roles: rolesOf(message.member) };
  const crews = await ctx.runtime.listCrews();
  let parsed;
  try {
    parsed = parseKickoffText(text, crews.filter((crew) => !crew.error));
  } catch (error) {
    if (!(error instanceof KickoffTextError)) throw error;
    const broken = crews.find((crew) => crew.error && crew.name.toLowerCase() === text.split(/\s+/)[0]?.toLowerCase());
    return refuse(message, broken ? `${broken.name} does not load: ${broken.error}` : error.message, ctx);
  }
  const found = await loadForKickoff(ctx, parsed.crew, place);
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

/** A message in a run's thread: an answer to the request it replies to, or to the only one waiting. */
async function toRun(message: Message<true>, run: RunRecord, said: { mentioned: boolean; text: string }, ctx: DiscordContext): Promise<Outcome | { outcome: Outcome; detail: string }> {
  // Without the Message Content intent, replies that do not mention the bot arrive empty.
  if (!said.mentioned && !said.text) return 'ignored';
  const pending = PendingRequestsSchema.parse(run.pending);
  if (pending.length === 0) {
    if (!said.mentioned) return 'ignored';
    return refuse(message, `This run is ${run.status.replace('_', ' ')}; nothing is waiting for an answer. /crew status shows where it stands.`, ctx);
  }
  const request = await requestRepliedTo(message, run, pending, ctx);
  if (!request) {
    if (!said.mentioned) return 'ignored';
    return refuse(message, `${pending.length} requests are waiting: reply to the one you mean, or use its buttons.`, ctx);
  }
  const reading = answerFromReply(request, said.text);
  if ('hint' in reading) return said.mentioned ? refuse(message, reading.hint, ctx) : 'ignored';
  if (!(await ctx.claim('message', message.id))) return 'duplicate';
  try {
    await ctx.runner.answer(run.id, { requestId: request.id, answer: reading.answer, actor: actorOf(message.author, message.member) });
  } catch (error) {
    if (!(error instanceof NotAllowedError || error instanceof RunStateConflictError)) throw error;
    // People chatting in the thread are not told off; someone who called the bot is told why not.
    if (said.mentioned) await ctx.port.postText(message.channelId, error.message, { replyTo: message.id });
    return { outcome: 'refused', detail: error.message };
  }
  return 'handled';
}

async function requestRepliedTo(message: Message, run: RunRecord, pending: HumanRequest[], ctx: DiscordContext): Promise<HumanRequest | undefined> {
  const repliedTo = message.reference?.messageId;
  if (repliedTo) {
    const state = ReporterThreadStateSchema.safeParse((await ctx.runner.store.getThreadState(run.id)) ?? {});
    const requestId = state.success ? Object.entries(state.data.requests).find(([, posted]) => posted.id === repliedTo)?.[0] : undefined;
    const request = pending.find((candidate) => candidate.id === requestId);
    if (request) return request;
  }
  return pending.length === 1 ? pending[0] : undefined;
}

async function refuse(message: Message, text: string, ctx: DiscordContext): Promise<{ outcome: Outcome; detail: string }> {
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
