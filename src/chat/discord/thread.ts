import type { ThreadRef } from '../../runs/runRecord.ts';
import { threadParts, threadRef } from '../threadRef.ts';

/** A run's thread on Discord: `discord:<guildId>:<threadChannelId>`. */
export function discordThread(guildId: string, channelId: string): ThreadRef {
  return threadRef('discord', guildId, channelId);
}

/** The channel (thread) to post in; `discord:<channelId>` without a guild is read too. */
export function channelOfThread(thread: ThreadRef): string {
  const parts = threadParts(thread);
  return parts[parts.length - 1]!;
}

export function guildOfThread(thread: ThreadRef): string | undefined {
  const parts = threadParts(thread);
  return parts.length > 1 ? parts[0] : undefined;
}
