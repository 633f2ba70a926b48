import type { InboundPerson } from '../inbound/inboundEvent.ts';

/** A person acting on Slack, by member id and (where the payload gave one) name. */
export function slackPerson(userId: string, name?: string | undefined): InboundPerson {
  return { platform: 'slack', userId, ...(name ? { name } : {}) };
}
