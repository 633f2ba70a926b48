import { slackActor, type SlackPerson } from '../../answering.ts';
import { BlockActionsSchema, parseJson, type BlockActions } from '../../types.ts';

/** A button press read once: the button, its value, the person and where to answer them. */
export interface ButtonPress {
  payload: BlockActions;
  actionId: string;
  value: unknown;
  who: SlackPerson;
  channel: string;
  threadTs: string | undefined;
}

export function readButtonPress(body: unknown): ButtonPress | undefined {
  const parsed = BlockActionsSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const payload = parsed.data;
  const [action] = payload.actions;
  const channel = payload.channel?.id ?? payload.container?.channel_id;
  if (!action || !channel) return undefined;
  const value = parseJson(action.value);
  const threadTs = payload.message?.thread_ts ?? payload.container?.thread_ts;
  return {
    payload,
    actionId: action.action_id,
    value,
    channel,
    threadTs,
    who: {
      actor: slackActor(payload.user.id, payload.user.username ?? payload.user.name),
      where: { channel, user: payload.user.id, threadTs, responseUrl: payload.response_url },
    },
  };
}
