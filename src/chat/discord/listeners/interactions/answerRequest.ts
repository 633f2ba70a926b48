import type { ButtonInteraction, ModalSubmitInteraction } from 'discord.js';
import type { HumanAnswer, HumanRequest } from '../../../../engine/humanRequest.ts';
import { NotAllowedError, RunStateConflictError } from '../../../../runs/runErrors.ts';
import type { RunRecord } from '../../../../runs/runRecord.ts';
import type { DiscordContext, Outcome } from '../../discordContext.ts';
import { actorOf } from '../../people.ts';
import { PendingRequestsSchema } from '../../types.ts';
import { refuse } from './replies.ts';

/**
 * Gives the answer to the runner, which checks who may answer and that the request still waits.
 * The press is acknowledged without a change: the thread reporter then replaces the buttons
 * with who answered, from whichever process recorded the answer.
 */
export async function answerRequest(
  interaction: ButtonInteraction | ModalSubmitInteraction,
  ctx: DiscordContext,
  target: { run: RunRecord; request: HumanRequest },
  answer: HumanAnswer,
): Promise<Outcome | { outcome: Outcome; detail: string }> {
  try {
    await ctx.runner.answer(target.run.id, { requestId: target.request.id, answer, actor: actorOf(interaction.user, interaction.member) });
  } catch (error) {
    if (error instanceof NotAllowedError || error instanceof RunStateConflictError) return refuse(interaction, error.message);
    throw error;
  }
  await interaction.deferUpdate();
  return 'handled';
}

/** The run and the request a button or form is about, or what to tell the person when they are gone. */
export async function findRequest(ctx: DiscordContext, runId: string, requestId: string): Promise<{ run: RunRecord; request: HumanRequest } | { gone: string }> {
  const run = await ctx.runner.store.getRun(runId);
  if (!run) return { gone: 'This run no longer exists.' };
  const request = PendingRequestsSchema.parse(run.pending).find((candidate) => candidate.id === requestId);
  if (!request) return { gone: `This request is no longer waiting: it was answered, or the run is ${run.status.replace('_', ' ')}.` };
  return { run, request };
}
