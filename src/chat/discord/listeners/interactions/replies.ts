import type { RepliableInteraction } from 'discord.js';
import type { Outcome } from '../../context.ts';
import { replyPrivately } from '../../inboundReply.ts';

export async function refuse(interaction: RepliableInteraction, text: string): Promise<{ outcome: Outcome; detail: string }> {
  await replyPrivately(interaction, text);
  return { outcome: 'refused', detail: text };
}
