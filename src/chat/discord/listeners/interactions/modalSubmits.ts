import type { ModalSubmitInteraction } from 'discord.js';
import { ANSWER_FIELD, parseCustomId } from '../../customIds.ts';
import type { DiscordContext, Handled } from '../../context.ts';
import { interactionReply } from '../../inboundReply.ts';
import { loadForKickoff, planInputs } from '../../kickoff.ts';
import { personOf } from '../../people.ts';
import { kickoffFromInteraction, placeOf, threadTaken } from './interactionKickoff.ts';
import { refuse } from './replies.ts';

/** Forms: the inputs /crew run asked for, or the text of an answer (feedback, an answer, a reason to deny). */
export async function modalSubmit(interaction: ModalSubmitInteraction, ctx: DiscordContext): Promise<Handled> {
  const id = parseCustomId(interaction.customId);
  if (!id) return { outcome: 'ignored' };
  if (id.type === 'kickoff') {
    if (!(await ctx.claim('interaction', interaction.id))) return { outcome: 'duplicate' };
    return kickoffForm(interaction, ctx, id.crew);
  }
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

async function kickoffForm(interaction: ModalSubmitInteraction, ctx: DiscordContext, crew: string): Promise<Handled> {
  if (await threadTaken(interaction, ctx)) return refuse(interaction, 'This thread already has a run: start a new one from a channel.');
  const found = await loadForKickoff(ctx, crew, personOf(interaction.user, interaction.member), placeOf(interaction));
  if ('refusal' in found) return refuse(interaction, found.refusal);
  const given: Record<string, string> = {};
  for (const name of Object.keys(found.loaded.inputs)) {
    const value = textField(interaction, name);
    if (value?.trim()) given[name] = value;
  }
  const plan = planInputs(crew, found.loaded, given, undefined);
  if ('refusal' in plan) return refuse(interaction, plan.refusal);
  if (plan.missing.length > 0) return refuse(interaction, `${crew} still needs ${plan.missing.join(', ')}.`);
  return kickoffFromInteraction(interaction, ctx, plan);
}

function textField(interaction: ModalSubmitInteraction, customId: string): string | undefined {
  return interaction.fields.fields.has(customId) ? interaction.fields.getTextInputValue(customId) : undefined;
}
