import type { ThreadRef } from '../../runs/runRecord.ts';
import { threadParts, threadRef } from '../threadRef.ts';

/** A Slack thread is a channel and the ts of its root message: `slack:C123:1700000000.000100`. */
export function slackThread(channel: string, threadTs: string): ThreadRef {
  return threadRef('slack', channel, threadTs);
}

export class SlackThreadError extends Error {
  override name = 'SlackThreadError';
}

export function slackThreadParts(thread: ThreadRef): { channel: string; threadTs: string } {
  const [channel, threadTs, ...rest] = threadParts(thread);
  if (thread.platform !== 'slack' || !channel || !threadTs || rest.length > 0) {
    throw new SlackThreadError(`${thread.id} is not a Slack thread id (slack:<channel>:<thread ts>).`);
  }
  return { channel, threadTs };
}
