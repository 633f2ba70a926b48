import type { ButtonInteraction } from 'discord.js';
import { errorMessage } from '../../../../engine/errors.ts';
import { answerForAction, describeRequest } from '../../../requestPrompt.ts';
import { parseCustomId } from '../../customIds.ts';
import type { DiscordContext, Outcome } from '../../discordContext.ts';
import { answerModal } from '../../modals.ts';
import { rolesOf } from '../../people.ts';
import { discordSettings, mayAnswer, type DiscordSettings } from '../../policy.ts';
import { answerRequest, findRequest } from './answerRequest.ts';
import { refuse } from './replies.ts';

/** [Approve] answers at once; [Request changes], [Answer] and [Deny] open a form for their text. */
export async function requestButton(interaction: ButtonInteraction, ctx: DiscordContext): Promise<Outcome | { outcome: Outcome; detail: string }> {
  const id = parseCustomId(interaction.customId);
  if (id?.type !== 'request') return 'ignored';
  if (!(await ctx.claim('interaction', interaction.id))) return 'duplicate';
  const target = await findRequest(ctx, id.runId, id.requestId);
  if ('gone' in target) return refuse(interaction, target.gone);
  const prompt = describeRequest(target.request);
  const action = prompt.actions.find((candidate) => candidate.id === id.action);
  if (!action) return refuse(interaction, `This ${prompt.kind} request takes ${prompt.actions.map((a) => a.label).join(' or ')}.`);
  if (!action.text) return answerRequest(interaction, ctx, target, answerForAction(prompt, action.id));
  // Checked before the form opens, so nobody types feedback only to be refused; the runner checks again.
  const settings = await settingsOf(ctx, target.run.crewDir ?? target.run.crew);
  if (!mayAnswer(settings, target.run, { userId: interaction.user.id, roles: rolesOf(interaction.member) })) {
    return refuse(interaction, 'Only the person who started this run and its approvers may answer it.');
  }
  await interaction.showModal(answerModal(action, interaction.customId, prompt.title));
  return { outcome: 'handled', detail: `opened the ${action.id} form` };
}

async function settingsOf(ctx: DiscordContext, crew: string): Promise<DiscordSettings> {
  try {
    return discordSettings(await ctx.runtime.loadCrew(crew));
  } catch (error) {
    // A crew that no longer loads keeps its requester as the only one who may answer.
    ctx.report(new Error(`crew ${crew}: ${errorMessage(error)}`));
    return { approvers: { roles: [], users: [] } };
  }
}
