import { INPUT_BLOCK_PREFIX, INPUT_ELEMENT } from '../../cards.ts';
import { startRun } from '../../kickoff.ts';
import type { SlackContext } from '../../context.ts';
import { InputsModalMetadataSchema, parseJson, ViewSubmissionSchema } from '../../types.ts';

/** The inputs modal of /crew submitted: the crew starts with what was typed. */
export async function submitInputs(ctx: SlackContext, body: unknown): Promise<void> {
  const submission = ViewSubmissionSchema.safeParse(body);
  if (!submission.success) return;
  const { view, user } = submission.data;
  const metadata = InputsModalMetadataSchema.safeParse(parseJson(view.private_metadata));
  if (!metadata.success) return;
  if (!(await ctx.claim(`view:${view.id}`))) return;
  const inputs: Record<string, string> = {};
  for (const [blockId, elements] of Object.entries(view.state.values)) {
    const value = elements[INPUT_ELEMENT]?.value;
    if (blockId.startsWith(INPUT_BLOCK_PREFIX) && value && value.trim() !== '') inputs[blockId.slice(INPUT_BLOCK_PREFIX.length)] = value;
  }
  await startRun(ctx, {
    crew: metadata.data.crew,
    inputs,
    by: { userId: user.id, name: user.username ?? user.name },
    place: { channel: metadata.data.channel, threadTs: metadata.data.threadTs },
    idempotencyKey: `view:${view.id}`,
  });
}
