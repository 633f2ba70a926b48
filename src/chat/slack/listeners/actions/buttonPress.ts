import type { InboundPerson } from '../../../inbound/inboundEvent.ts';
import type { EphemeralTarget } from '../../ephemeral.ts';
import { slackPerson } from '../../people.ts';
import { BlockActionsSchema, parseJson, type BlockActions } from '../../types.ts';

/** A button press read once: the button, its value, the person and where to answer them. */
export interface ButtonPress {
  payload: BlockActions;
  actionId: string;
  value: unknown;
  who: InboundPerson;
  where: EphemeralTarget;
}

export function readButtonPress(body: unknown): ButtonPress | undefined {
  const parsed = BlockActionsSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const payload = parsed.data;
  const [action] = payload.actions;
  const channel = payload.channel?.id ?? payload.container?.channel_id;
  if (!action || !channel) return undefined;
  const threadTs = payload.message?.thread_ts ?? payload.container?.thread_ts;
  return {
    payload,
    actionId: action.action_id,
    value: parseJson(action.value),
    who: slackPerson(payload.user.id, payload.user.username ?? payload.user.name),
    where: { channel, user: payload.user.id, threadTs, responseUrl: payload.response_url },
  };
}
