import { INPUT_BLOCK_PREFIX, INPUT_ELEMENT } from '../../cards.ts';
import { slackKickoffReply } from '../../kickoff.ts';
import type { SlackContext } from '../../context.ts';
import { slackPerson } from '../../people.ts';
import { InputsModalMetadataSchema, parseJson, ViewSubmissionSchema } from '../../types.ts';

/** The inputs modal of /crew submitted: the crew starts with what was typed. */
export async function submitInputs(ctx: SlackContext, body: unknown): Promise<void> {
  const submission = ViewSubmissionSchema.safeParse(body);
  if (!submission.success) return;
  const { view, user } = submission.data;
  const metadata = InputsModalMetadataSchema.safeParse(parseJson(view.private_metadata));
  if (!metadata.success) return;
  const inputs: Record<string, string> = {};
  for (const [blockId, elements] of Object.entries(view.state.values)) {
    const value = elements[INPUT_ELEMENT]?.value;
    if (blockId.startsWith(INPUT_BLOCK_PREFIX) && value && value.trim() !== '') inputs[blockId.slice(INPUT_BLOCK_PREFIX.length)] = value;
  }
  const { crew, channel, threadTs } = metadata.data;
  await ctx.inbound.handle(
    {
      type: 'kickoff',
      delivery: `view:${view.id}`,
      who: slackPerson(user.id, user.username ?? user.name),
      place: { channel, direct: channel.startsWith('D') },
      what: { crew, inputs },
    },
    slackKickoffReply(ctx, { channel, user: user.id }, { runThreadTs: threadTs }),
  );
}
