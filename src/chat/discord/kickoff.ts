import { DiscordAPIError, type ChatInputCommandInteraction, type Message, type ModalSubmitInteraction } from 'discord.js';
import type { KickoffPlace } from '../inbound/inboundEvent.ts';
import type { KickoffReply, NewRun } from '../inbound/inboundReply.ts';
import { clip } from './cards.ts';
import type { DiscordContext } from './context.ts';
import { interactionReply, messageReply } from './inboundReply.ts';
import { escapeMarkdown, NO_MENTIONS } from './markdown.ts';
import { kickoffModal, MODAL_FIELDS } from './modals.ts';
import { discordThread } from './thread.ts';

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

/** Where a message was written, for the crew's `discord:` rules. */
export function placeOfMessage(message: Message<true>): KickoffPlace {
  const channel = message.channel;
  return { guild: message.guildId, channel: channel.id, parent: channel.isThread() ? channel.parentId : null, direct: false };
}

/** The thread an interaction was used in, if it was used in one. */
export function threadOfInteraction(interaction: KickoffInteraction) {
  return interaction.guildId && interaction.channel?.isThread() ? discordThread(interaction.guildId, interaction.channel.id) : undefined;
}

/**
 * The way back to the person behind /crew run or its form. The command may open the inputs form;
 * the kickoff is acknowledged, the reply says what started and the run's thread hangs from it
 * (used in a thread without a run, the run works in that thread).
 */
export function interactionKickoffReply(interaction: KickoffInteraction, ctx: DiscordContext): KickoffReply {
  return {
    ...interactionReply(interaction),
    askForInputs: async ({ crew, given, missing }) => {
      const names = [...missing, ...Object.keys(given)];
      if (!interaction.isChatInputCommand() || names.length > MODAL_FIELDS) return undefined;
      await interaction.showModal(kickoffModal(crew.name, names.map((name) => ({ name, input: crew.inputs[name]!, value: given[name] }))));
      return 'opened';
    },
    openThread: async (run) => {
      const { guildId, channelId } = interaction;
      if (!guildId || !channelId) {
        await interactionReply(interaction).tell({ tone: 'refused', text: 'Start crews in a server channel.' });
        return undefined;
      }
      await interaction.deferReply();
      const inputs = Object.entries(run.inputs).map(([name, value]) => `> **${escapeMarkdown(name)}:** ${clip(value.replace(/\s+/g, ' '), 300)}`);
      const reply = await interaction.editReply({
        content: clip([`**${escapeMarkdown(run.crew)}** started by <@${interaction.user.id}>.`, ...inputs].join('\n'), 2_000),
        allowedMentions: NO_MENTIONS,
      });
      if (interaction.channel?.isThread()) return discordThread(guildId, channelId);
      try {
        return discordThread(guildId, await ctx.port.startThread(channelId, reply.id, threadName(run)));
      } catch (error) {
        await interaction.editReply({ content: threadProblem(error), allowedMentions: NO_MENTIONS });
        return undefined;
      }
    },
  };
}

/** The way back to the person behind `@crewbot <crew> …`: the run's thread is opened on that message. */
export function messageKickoffReply(message: Message<true>, ctx: DiscordContext): KickoffReply {
  return {
    ...messageReply(ctx, message, true),
    // A message cannot open a form; the handler says what is missing.
    askForInputs: async () => undefined,
    openThread: async (run) => {
      const channel = message.channel;
      // A mention in a thread without a run starts the run right there.
      if (channel.isThread()) return discordThread(message.guildId, channel.id);
      try {
        return discordThread(message.guildId, await ctx.port.startThread(channel.id, message.id, threadName(run)));
      } catch (error) {
        await ctx.port.postText(channel.id, threadProblem(error), { replyTo: message.id });
        return undefined;
      }
    },
  };
}

/** "review_crew · 2.0": the crew and what it works on. */
export function threadName(run: Pick<NewRun, 'crew' | 'inputs'>): string {
  const first = Object.values(run.inputs)[0];
  return first ? `${run.crew} · ${first}` : run.crew;
}

/** What to tell people when Discord refuses to open the run's thread (a permission, most often). */
export function threadProblem(error: unknown): string {
  if (!(error instanceof DiscordAPIError)) throw error;
  return (
    `I could not open a thread here (Discord said: ${error.message}), so nothing started. ` +
    'Give me Create Public Threads and Send Messages in Threads in this channel, then try again.'
  );
}
