import type { ModalSubmitInteraction } from 'discord.js';
import { ANSWER_FIELD, parseCustomId } from '../../customIds.ts';
import type { DiscordContext, Handled } from '../../context.ts';
import { interactionReply } from '../../inboundReply.ts';
import { interactionKickoffReply, placeOf, threadOfInteraction } from '../../kickoff.ts';
import { personOf } from '../../people.ts';
import { reasonSubmit } from './resultFeedbackButtons.ts';

/** Forms: the inputs /crew run asked for, the text of an answer (feedback, an answer, a reason to deny), or why a result got a 👎. */
export async function modalSubmit(interaction: ModalSubmitInteraction, ctx: DiscordContext): Promise<Handled> {
  const id = parseCustomId(interaction.customId);
  if (!id) return { outcome: 'ignored' };
  if (id.type === 'kickoff') return kickoffForm(interaction, ctx, id.crew);
  if (id.type === 'reason') return reasonSubmit(interaction, ctx, id.runId);
  if (id.type !== 'request') return { outcome: 'ignored' };
  const result = await ctx.inbound.handle(
    {
      type: 'answer',
      delivery: `interaction:${interaction.id}`,
      who: personOf(interaction.user, interaction.member),
      run: id.runId,
      request: id.requestId,
      action: id.action,
      text: textField(interaction, ANSWER_FIELD) ?? '',
    },
    interactionReply(interaction),
  );
  if (result.outcome === 'handled' && !interaction.replied && !interaction.deferred) await interaction.deferUpdate();
  return result;
}

/** The inputs /crew run asked for, filled in: the crew starts with them. */
async function kickoffForm(interaction: ModalSubmitInteraction, ctx: DiscordContext, crew: string): Promise<Handled> {
  const inputs: Record<string, string> = {};
  for (const [customId, field] of interaction.fields.fields) if ('value' in field && typeof field.value === 'string') inputs[customId] = field.value;
  const thread = threadOfInteraction(interaction);
  return ctx.inbound.handle(
    { type: 'kickoff', delivery: `interaction:${interaction.id}`, who: personOf(interaction.user, interaction.member), place: placeOf(interaction), ...(thread ? { thread } : {}), what: { crew, inputs } },
    interactionKickoffReply(interaction, ctx),
  );
}

function textField(interaction: ModalSubmitInteraction, customId: string): string | undefined {
  return interaction.fields.fields.has(customId) ? interaction.fields.getTextInputValue(customId) : undefined;
}
