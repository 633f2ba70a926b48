import type { ModalSubmitInteraction } from 'discord.js';
import { answerForAction, describeRequest, RequestActionError } from '../../../requestPrompt.ts';
import { ANSWER_FIELD, parseCustomId } from '../../customIds.ts';
import type { DiscordContext, Outcome } from '../../discordContext.ts';
import { loadForKickoff, planInputs } from '../../kickoff.ts';
import { answerRequest, findRequest } from './answerRequest.ts';
import { kickoffFromInteraction, placeOf, threadTaken } from './interactionKickoff.ts';
import { refuse } from './replies.ts';

type Result = Outcome | { outcome: Outcome; detail: string };

/** Forms: the inputs /crew run asked for, or the text of an answer (feedback, an answer, a reason to deny). */
export async function modalSubmit(interaction: ModalSubmitInteraction, ctx: DiscordContext): Promise<Result> {
  const id = parseCustomId(interaction.customId);
  if (!id) return 'ignored';
  if (!(await ctx.claim('interaction', interaction.id))) return 'duplicate';
  if (id.type === 'kickoff') return kickoffForm(interaction, ctx, id.crew);
  const target = await findRequest(ctx, id.runId, id.requestId);
  if ('gone' in target) return refuse(interaction, target.gone);
  let answer;
  try {
    answer = answerForAction(describeRequest(target.request), id.action, textField(interaction, ANSWER_FIELD));
  } catch (error) {
    if (error instanceof RequestActionError) return refuse(interaction, error.message);
    throw error;
  }
  return answerRequest(interaction, ctx, target, answer);
}

async function kickoffForm(interaction: ModalSubmitInteraction, ctx: DiscordContext, crew: string): Promise<Result> {
  if (await threadTaken(interaction, ctx)) return refuse(interaction, 'This thread already has a run: start a new one from a channel.');
  const found = await loadForKickoff(ctx, crew, placeOf(interaction));
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
