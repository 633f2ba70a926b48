import type { Runner } from '../../runs/runner.ts';
import type { Runtime } from '../../runtime.ts';
import type { DiscordThreadPort } from './discordThreadPort.ts';

/** What became of one gateway event: tests and logs follow the surface through these. */
export interface DiscordTrace {
  source: 'message' | 'interaction';
  id: string;
  outcome: Outcome;
  detail?: string | undefined;
}

/**
 * handled: acted on; duplicate: delivered before (a replayed event after a RESUME, or another
 * process took it); ignored: not for us (bots, chatter); refused: told the person why not.
 */
export type Outcome = 'handled' | 'duplicate' | 'ignored' | 'refused' | 'failed';

/** What the listeners share: the runtime, the runner, the outbound port and the bot's identity. */
export interface DiscordContext {
  runtime: Runtime;
  runner: Runner;
  port: DiscordThreadPort;
  botUserId: string;
  /** True for the first delivery of a message or interaction id, across reconnects and processes. */
  claim(source: DiscordTrace['source'], id: string): Promise<boolean>;
  /** Runs a handler for one event, tracked (so `idle()` can wait for it) and traced. */
  handle(source: DiscordTrace['source'], id: string, work: () => Promise<Outcome | { outcome: Outcome; detail: string }>): void;
  report(error: unknown): void;
}

/** Keeps a claim for a week: Discord replays events only within a session, a day at most. */
export const CLAIM_TTL_MS = 7 * 24 * 3600_000;
