import type { HumanAnswer, HumanRequest } from '../../engine/humanRequest.ts';
import type { Actor } from '../../runs/answerPolicy.ts';
import { NotAllowedError, RunStateConflictError } from '../../runs/runErrors.ts';
import type { RunRecord } from '../../runs/runRecord.ts';
import type { EphemeralTarget } from './ephemeral.ts';
import { escapeMrkdwn } from './markdown.ts';
import type { SlackContext } from './slackContext.ts';

/** A person acting on a run from Slack, and where to tell them how it went. */
export interface SlackPerson {
  actor: Actor;
  where: EphemeralTarget;
}

export function slackActor(userId: string, name?: string | undefined): Actor {
  return { platform: 'slack', userId, ...(name ? { name } : {}) };
}

export const NOT_ALLOWED = ':no_entry: Not allowed: only the person who started this run and the crew’s approvers may answer it or cancel it. Nothing changed.';

/** The run, if it exists and this person may act on it; otherwise they are told why not. */
export async function runFor(ctx: SlackContext, runId: string, who: SlackPerson): Promise<RunRecord | undefined> {
  const run = await ctx.runner.store.getRun(runId);
  if (!run) {
    await ctx.tell(who.where, ':grey_question: That run no longer exists.');
    return undefined;
  }
  if (!(await ctx.access.mayAnswer(run, who.actor))) {
    await ctx.tell(who.where, NOT_ALLOWED);
    return undefined;
  }
  return run;
}

/** The pending request a button or modal is about; told when it was answered already. */
export async function requestFor(ctx: SlackContext, run: RunRecord, requestId: string, who: SlackPerson): Promise<HumanRequest | undefined> {
  const request = (await ctx.runner.waitingRequests(run)).find((candidate) => candidate.id === requestId);
  if (!request) await ctx.tell(who.where, `:grey_question: This request is no longer waiting for an answer (already answered, or the run is ${run.status}). Nothing changed.`);
  return request;
}

/** Hands the answer to the runner, which refuses a second answer to the same request. */
export async function giveAnswer(ctx: SlackContext, run: RunRecord, request: HumanRequest, answer: HumanAnswer, who: SlackPerson): Promise<void> {
  try {
    await ctx.runner.answer(run.id, { requestId: request.id, answer, actor: who.actor });
  } catch (error) {
    if (error instanceof NotAllowedError) {
      await ctx.tell(who.where, NOT_ALLOWED);
      return;
    }
    if (error instanceof RunStateConflictError) {
      await ctx.tell(who.where, `:grey_question: ${escapeMrkdwn(error.message)} Nothing changed.`);
      return;
    }
    throw error;
  }
}
