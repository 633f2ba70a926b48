import { ANSWER_BLOCK, ANSWER_ELEMENT } from '../../cards.ts';
import type { SlackContext } from '../../context.ts';
import { slackReply } from '../../inboundReply.ts';
import { slackPerson } from '../../people.ts';
import { AnswerModalMetadataSchema, parseJson, ViewSubmissionSchema } from '../../types.ts';

/** The modal behind [Request changes], [Answer] or [Deny] submitted: its text is the answer. */
export async function submitAnswer(ctx: SlackContext, body: unknown): Promise<void> {
  const submission = ViewSubmissionSchema.safeParse(body);
  if (!submission.success) return;
  const { view, user } = submission.data;
  const metadata = AnswerModalMetadataSchema.safeParse(parseJson(view.private_metadata));
  if (!metadata.success) return;
  const { run, request, action, channel, threadTs } = metadata.data;
  const text = view.state.values[ANSWER_BLOCK]?.[ANSWER_ELEMENT]?.value ?? '';
  await ctx.inbound.handle(
    { type: 'answer', delivery: `view:${view.id}`, who: slackPerson(user.id, user.username ?? user.name), run, request, action, text },
    slackReply(ctx, { channel, user: user.id, threadTs }),
  );
}
