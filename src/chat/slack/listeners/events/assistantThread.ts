import type { SlackContext } from '../../context.ts';
import { clip } from '../../cards.ts';
import { AssistantThreadStartedSchema } from '../../types.ts';

/** Slack shows at most four suggested prompts. */
const PROMPTS = 4;

/** A thread opened in the agent pane: the crews that load are offered as suggested prompts. */
export async function onAssistantThreadStarted(ctx: SlackContext, payload: unknown): Promise<void> {
  const event = AssistantThreadStartedSchema.safeParse(payload);
  if (!event.success) return;
  const crews = (await ctx.crews.list()).filter((crew) => !crew.error).slice(0, PROMPTS);
  if (crews.length === 0) return;
  const { channel_id, thread_ts } = event.data.assistant_thread;
  await ctx.client.assistant.threads.setSuggestedPrompts({
    channel_id,
    thread_ts,
    title: 'Start a crew',
    prompts: crews.map((crew) => ({ title: clip(crew.description ? `${crew.name} — ${crew.description}` : crew.name, 75), message: crew.name })),
  });
}
