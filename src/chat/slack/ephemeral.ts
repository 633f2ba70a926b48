import type { webApi } from '@slack/bolt';
import { errorMessage } from '../../engine/errors.ts';

/** Where a person is told something only they see. */
export interface EphemeralTarget {
  channel: string;
  user: string;
  threadTs?: string | undefined;
  /** A slash command's or a button's response_url: it works even where the bot is not a member. */
  responseUrl?: string | undefined;
}

/**
 * Tells one person something (usage, "not allowed", an error) with chat.postEphemeral; where the
 * bot cannot post (a channel it is not in) and Slack gave a response_url, through that instead.
 */
export async function tellUser(client: webApi.WebClient, target: EphemeralTarget, mrkdwn: string, trustedOrigins: string[]): Promise<void> {
  try {
    await client.chat.postEphemeral({
      channel: target.channel,
      user: target.user,
      text: mrkdwn,
      ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
    });
    return;
  } catch (error) {
    if (!target.responseUrl || !trusted(target.responseUrl, trustedOrigins)) {
      process.emitWarning(`could not tell ${target.user} in ${target.channel}: ${errorMessage(error)}`);
      return;
    }
  }
  const response = await fetch(target.responseUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text: mrkdwn }),
  });
  if (!response.ok) process.emitWarning(`could not tell ${target.user} through the response_url: HTTP ${response.status}`);
}

/** response_urls come from signed payloads; still, only Slack's hooks (or the configured API host) are called. */
function trusted(url: string, origins: string[]): boolean {
  try {
    return origins.includes(new URL(url).origin);
  } catch {
    return false;
  }
}
