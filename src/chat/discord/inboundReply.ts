import { MessageFlags, type Message, type RepliableInteraction } from 'discord.js';
import type { InboundReply } from '../inbound/inboundReply.ts';
import { clip, statusEmbed } from './cards.ts';
import type { DiscordContext } from './context.ts';
import { NO_MENTIONS } from './markdown.ts';
import { answerModal, reasonModal } from './modals.ts';

/** Only the person who acted sees it; nothing changes for anyone else. */
export async function replyPrivately(interaction: RepliableInteraction, text: string): Promise<void> {
  const message = { content: clip(text, 2_000), flags: MessageFlags.Ephemeral as const, allowedMentions: NO_MENTIONS };
  if (interaction.deferred || interaction.replied) await interaction.followUp(message);
  else await interaction.reply(message);
}

/** The way back to the person behind an interaction (a button, a form, /crew): private replies, forms. */
export function interactionReply(interaction: RepliableInteraction): InboundReply {
  return {
    tell: (notice) => replyPrivately(interaction, notice.text),
    askForText: async ({ prompt, action }) => {
      if (!interaction.isButton()) throw new Error('Only a button can open the form for an answer.');
      await interaction.showModal(answerModal(action, interaction.customId, prompt.title));
    },
    askForReason: async ({ run }) => {
      if (!interaction.isButton()) throw new Error('Only a button can open the form for a reason.');
      await interaction.showModal(reasonModal(run.id));
    },
    showStatus: async (status) => {
      await interaction.reply({ embeds: [statusEmbed(status, Date.now())], flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    },
  };
}

/**
 * The way back to the person behind a message: Discord has no private reply to a message, so only
 * someone who called the bot is answered (in the thread); people chatting are not told off.
 */
export function messageReply(ctx: DiscordContext, message: Message, addressed: boolean): InboundReply {
  const answer = async (text: string) => {
    if (addressed) await ctx.port.postText(message.channelId, text, { replyTo: message.id });
  };
  return {
    tell: (notice) => answer(notice.text),
    askForText: () => answer('Use the buttons on the request to answer it with a form.'),
    // Discord has no private reply to a message: the status goes into the thread for everyone.
    showStatus: async (status) => {
      if (addressed && status.run.thread) await ctx.port.postStatus(status.run.thread, status);
    },
  };
}
