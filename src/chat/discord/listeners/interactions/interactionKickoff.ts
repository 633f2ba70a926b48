import type { ChatInputCommandInteraction, ModalSubmitInteraction } from 'discord.js';
import { errorMessage } from '../../../../engine/errors.ts';
import { clip } from '../../cards.ts';
import type { DiscordContext, Handled } from '../../context.ts';
import { discordThread } from '../../thread.ts';
import { startRun, threadName, threadProblem, type KickoffPlan } from '../../kickoff.ts';
import { escapeMarkdown, NO_MENTIONS } from '../../markdown.ts';
import { actorOf } from '../../people.ts';
import type { KickoffPlace } from '../../../inbound/accessPolicy.ts';
import { refuse } from './replies.ts';

type KickoffInteraction = ChatInputCommandInteraction | ModalSubmitInteraction;

/** Where an interaction happens, for the crew's `discord:` rules. */
export function placeOf(interaction: KickoffInteraction): KickoffPlace {
  const channel = interaction.channel;
  return {
    guild: interaction.guildId,
    channel: interaction.channelId ?? '',
    parent: channel?.isThread() ? channel.parentId : null,
    direct: !interaction.guildId,
  };
}

/** A thread has one run; /crew run in a thread that has one is refused. */
export async function threadTaken(interaction: KickoffInteraction, ctx: DiscordContext): Promise<boolean> {
  if (!interaction.channel?.isThread() || !interaction.guildId) return false;
  return (await ctx.runner.store.runForThread(discordThread(interaction.guildId, interaction.channel.id))) !== undefined;
}

/**
 * Acknowledged at once (Discord allows 3 s), then the reply says what started and the run gets a
 * thread on that reply; used in a thread without a run, the run works in that thread.
 */
export async function kickoffFromInteraction(interaction: KickoffInteraction, ctx: DiscordContext, plan: KickoffPlan): Promise<Handled> {
  const guildId = interaction.guildId;
  const channelId = interaction.channelId;
  if (!guildId || !channelId) return refuse(interaction, 'Start crews in a server channel.');
  const inThread = interaction.channel?.isThread() ?? false;
  await interaction.deferReply();
  const inputs = Object.entries(plan.inputs).map(([name, value]) => `> **${escapeMarkdown(name)}:** ${clip(value.replace(/\s+/g, ' '), 300)}`);
  const reply = await interaction.editReply({
    content: clip([`**${escapeMarkdown(plan.crew)}** started by <@${interaction.user.id}>.`, ...inputs].join('\n'), 2_000),
    allowedMentions: NO_MENTIONS,
  });
  let threadId: string;
  try {
    threadId = inThread ? channelId : await ctx.port.startThread(channelId, reply.id, threadName(plan));
  } catch (error) {
    const why = threadProblem(error);
    await interaction.editReply({ content: why, allowedMentions: NO_MENTIONS });
    return { outcome: 'refused', detail: why };
  }
  try {
    await startRun(ctx, plan, { guildId, threadId, requester: actorOf(interaction.user, interaction.member), key: `discord:interaction:${interaction.id}` });
  } catch (error) {
    await interaction.editReply({ content: clip(`Could not start ${plan.crew}: ${errorMessage(error)}`, 2_000), allowedMentions: NO_MENTIONS });
    return { outcome: 'refused', detail: errorMessage(error) };
  }
  return 'handled';
}
