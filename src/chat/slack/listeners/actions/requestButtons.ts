import { answerForAction, describeRequest } from '../../../requestPrompt.ts';
import { giveAnswer, requestFor, runFor } from '../../answering.ts';
import { answerModal, REQUEST_ACTION_PREFIX } from '../../cards.ts';
import type { SlackContext } from '../../slackContext.ts';
import { AnswerModalMetadataSchema, RequestButtonValueSchema } from '../../types.ts';
import { readButtonPress } from './buttonPress.ts';

/**
 * [Approve] answers at once. [Request changes], [Answer] and [Deny] open a modal for the text
 * (views/answerSubmitted.ts takes it from there). Only the requester and the crew's approvers may.
 */
export async function pressRequestButton(ctx: SlackContext, body: unknown): Promise<void> {
  const press = readButtonPress(body);
  const value = RequestButtonValueSchema.safeParse(press?.value);
  if (!press || !value.success) return;
  if (!(await ctx.claim(`action:${press.payload.trigger_id}`))) return;
  const run = await runFor(ctx, value.data.run, press.who);
  if (!run) return;
  const request = await requestFor(ctx, run, value.data.request, press.who);
  if (!request) return;
  const prompt = describeRequest(request);
  const action = prompt.actions.find((candidate) => `${REQUEST_ACTION_PREFIX}${candidate.id}` === press.actionId);
  if (!action) return;
  if (action.text) {
    const metadata = AnswerModalMetadataSchema.parse({
      run: run.id,
      request: request.id,
      action: action.id,
      channel: press.channel,
      ...(press.threadTs ? { threadTs: press.threadTs } : {}),
    });
    await ctx.client.views.open({ trigger_id: press.payload.trigger_id, view: answerModal(prompt, action, metadata) });
    return;
  }
  await giveAnswer(ctx, run, request, answerForAction(prompt, action.id), press.who);
}
