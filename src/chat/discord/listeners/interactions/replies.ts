import { MessageFlags, type RepliableInteraction } from 'discord.js';
import type { Outcome } from '../../discordContext.ts';
import { clip } from '../../cards.ts';
import { NO_MENTIONS } from '../../markdown.ts';

/** Only the person who acted sees it; nothing changes for anyone else. */
export async function replyPrivately(interaction: RepliableInteraction, text: string): Promise<void> {
  const message = { content: clip(text, 2_000), flags: MessageFlags.Ephemeral as const, allowedMentions: NO_MENTIONS };
  if (interaction.deferred || interaction.replied) await interaction.followUp(message);
  else await interaction.reply(message);
}

export async function refuse(interaction: RepliableInteraction, text: string): Promise<{ outcome: Outcome; detail: string }> {
  await replyPrivately(interaction, text);
  return { outcome: 'refused', detail: text };
}
