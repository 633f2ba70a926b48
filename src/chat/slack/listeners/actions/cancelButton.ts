import type { CrewEvent } from '../../../../engine/events.ts';
import { NotAllowedError, RunStateConflictError } from '../../../../runs/runErrors.ts';
import { FINISHED_STATUSES, type RunRecord } from '../../../../runs/runRecord.ts';
import { applyEvent, initialProgress } from '../../../progressView.ts';
import { NOT_ALLOWED, pendingRequests, runFor, type SlackPerson } from '../../answering.ts';
import { escapeMrkdwn } from '../../markdown.ts';
import type { SlackContext } from '../../slackContext.ts';
import { CancelButtonValueSchema, ReportedThreadStateSchema } from '../../types.ts';
import { readButtonPress } from './buttonPress.ts';

/** [Cancel] on the status message: the requester or an approver stops the run. */
export async function pressCancel(ctx: SlackContext, body: unknown): Promise<void> {
  const press = readButtonPress(body);
  const value = CancelButtonValueSchema.safeParse(press?.value);
  if (!press || !value.success) return;
  if (!(await ctx.claim(`action:${press.payload.trigger_id}`))) return;
  const before = await runFor(ctx, value.data.run, press.who);
  if (!before) return;
  if (FINISHED_STATUSES.includes(before.status)) {
    await ctx.tell(press.who.where, `:grey_question: This run is already ${before.status}.`);
    return;
  }
  let cancelled: RunRecord;
  try {
    cancelled = await ctx.runner.cancel(before.id, press.who.actor);
  } catch (error) {
    if (!(error instanceof NotAllowedError || error instanceof RunStateConflictError)) throw error;
    await ctx.tell(press.who.where, error instanceof NotAllowedError ? NOT_ALLOWED : `:grey_question: ${escapeMrkdwn(error.message)}`);
    return;
  }
  // A running run reports its own end; a waiting or queued one emits nothing, so its messages are brought up to date here.
  if (before.status !== 'running') await showCancelled(ctx, before, cancelled, press.who);
}

async function showCancelled(ctx: SlackContext, before: RunRecord, cancelled: RunRecord, who: SlackPerson): Promise<void> {
  const thread = cancelled.thread;
  if (thread?.platform !== 'slack') return;
  const by = who.actor.name ?? who.actor.userId;
  const [saved, loaded, events] = await Promise.all([
    ctx.runner.store.getThreadState(cancelled.id),
    ctx.loadCrewForRun(cancelled),
    ctx.runner.store.getEvents(cancelled.id),
  ]);
  const state = ReportedThreadStateSchema.safeParse(saved ?? {});
  const messages = state.success ? state.data : { status: undefined, requests: {} };
  if (messages.status) {
    let view = initialProgress(loaded.spec.name, loaded.spec.tasks.map((task) => task.id), cancelled.createdAt);
    for (const event of events) view = applyEvent(view, event as CrewEvent);
    await ctx.port.updateStatus(thread, messages.status, { run: cancelled, view: { ...view, step: undefined, updatedAt: Date.now() } });
  }
  for (const request of pendingRequests(before)) {
    const message = messages.requests[request.id];
    if (message) await ctx.port.closeRequest(thread, message, { requestId: request.id, kind: request.kind, taskId: request.taskId, by: who.actor.userId, answer: 'cancelled the run' });
  }
  await ctx.port.postNotice(thread, `${by} cancelled the run.`);
}
