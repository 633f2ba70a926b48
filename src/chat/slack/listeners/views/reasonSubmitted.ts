import { ANSWER_BLOCK, ANSWER_ELEMENT } from '../../cards.ts';
import type { SlackContext } from '../../context.ts';
import { slackReply } from '../../inboundReply.ts';
import { slackPerson } from '../../people.ts';
import { parseJson, ReasonModalMetadataSchema, ViewSubmissionSchema } from '../../types.ts';

/** The :-1: modal submitted: the rating with its reason, which becomes a lesson. */
export async function submitReason(ctx: SlackContext, body: unknown): Promise<void> {
  const submission = ViewSubmissionSchema.safeParse(body);
  if (!submission.success) return;
  const { view, user } = submission.data;
  const metadata = ReasonModalMetadataSchema.safeParse(parseJson(view.private_metadata));
  if (!metadata.success) return;
  const { run, channel, threadTs } = metadata.data;
  const reason = view.state.values[ANSWER_BLOCK]?.[ANSWER_ELEMENT]?.value ?? '';
  await ctx.inbound.handle(
    { type: 'rate', delivery: `view:${view.id}`, who: slackPerson(user.id, user.username ?? user.name), run, rating: 'down', reason },
    slackReply(ctx, { channel, user: user.id, threadTs }),
  );
}
