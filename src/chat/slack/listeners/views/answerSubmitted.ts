import { answerForAction, describeRequest, RequestActionError } from '../../../requestPrompt.ts';
import { giveAnswer, requestFor, runFor, slackActor, type SlackPerson } from '../../answering.ts';
import { ANSWER_BLOCK, ANSWER_ELEMENT } from '../../cards.ts';
import { escapeMrkdwn } from '../../markdown.ts';
import type { SlackContext } from '../../slackContext.ts';
import { AnswerModalMetadataSchema, parseJson, ViewSubmissionSchema } from '../../types.ts';

/** The modal behind [Request changes], [Answer] or [Deny] submitted: its text is the answer. */
export async function submitAnswer(ctx: SlackContext, body: unknown): Promise<void> {
  const submission = ViewSubmissionSchema.safeParse(body);
  if (!submission.success) return;
  const { view, user } = submission.data;
  const metadata = AnswerModalMetadataSchema.safeParse(parseJson(view.private_metadata));
  if (!metadata.success) return;
  if (!(await ctx.claim(`view:${view.id}`))) return;
  const { run: runId, request: requestId, action, channel, threadTs } = metadata.data;
  const who: SlackPerson = { actor: slackActor(user.id, user.username ?? user.name), where: { channel, user: user.id, threadTs } };
  const run = await runFor(ctx, runId, who);
  if (!run) return;
  const request = await requestFor(ctx, run, requestId, who);
  if (!request) return;
  const text = view.state.values[ANSWER_BLOCK]?.[ANSWER_ELEMENT]?.value ?? '';
  let answer;
  try {
    answer = answerForAction(describeRequest(request), action, text);
  } catch (error) {
    if (!(error instanceof RequestActionError)) throw error;
    await ctx.tell(who.where, `:grey_question: ${escapeMrkdwn(error.message)} Nothing changed.`);
    return;
  }
  await giveAnswer(ctx, run, request, answer, who);
}
