import type { ButtonInteraction } from 'discord.js';
import { parseCustomId } from '../../customIds.ts';
import type { DiscordContext, Handled } from '../../context.ts';
import { interactionReply } from '../../inboundReply.ts';
import { personOf } from '../../people.ts';

/**
 * [Approve] answers at once; [Request changes], [Answer] and [Deny] open a form for their text.
 * Taken in, the press is acknowledged without a change: the thread reporter then replaces the
 * buttons with who answered, from whichever process recorded the answer.
 */
export async function requestButton(interaction: ButtonInteraction, ctx: DiscordContext): Promise<Handled> {
  const id = parseCustomId(interaction.customId);
  if (id?.type !== 'request') return { outcome: 'ignored' };
  const result = await ctx.inbound.handle(
    { type: 'answer', delivery: `interaction:${interaction.id}`, who: personOf(interaction.user, interaction.member), run: id.runId, request: id.requestId, action: id.action },
    interactionReply(interaction),
  );
  if (result.outcome === 'handled' && !interaction.replied && !interaction.deferred) await interaction.deferUpdate();
  return result;
}
