import type { Runner } from '../../runs/runner.ts';
import type { Runtime } from '../../runtime.ts';
import type { InboundHandler, InboundOutcome } from '../inbound/inboundHandler.ts';
import type { DiscordAccess } from './policy.ts';
import type { DiscordThreadPort } from './threadPort.ts';

/** What became of one gateway event: tests and logs follow the surface through these. */
export interface DiscordTrace {
  source: 'message' | 'interaction';
  id: string;
  outcome: Outcome;
  detail?: string | undefined;
}

/** The inbound handler's outcomes (a replayed event after a RESUME is a duplicate), or a failure. */
export type Outcome = InboundOutcome | 'failed';

/** What the listeners share: the runtime, the runner, the outbound port and the bot's identity. */
export interface DiscordContext {
  runtime: Runtime;
  runner: Runner;
  port: DiscordThreadPort;
  /** The process's one Discord policy, the same instance the runner's answer policy asks. */
  access: DiscordAccess;
  /** Answers, replies, cancels and status: claimed, matched and authorised once, for every surface alike. */
  inbound: InboundHandler;
  botUserId: string;
  /** True for the first delivery of a message or interaction id, across reconnects and processes. */
  claim(source: DiscordTrace['source'], id: string): Promise<boolean>;
  /** Runs a handler for one event, tracked (so `idle()` can wait for it) and traced. */
  handle(source: DiscordTrace['source'], id: string, work: () => Promise<Outcome | { outcome: Outcome; detail?: string | undefined }>): void;
  report(error: unknown): void;
}

/** Keeps a claim for a week: Discord replays events only within a session, a day at most. */
export const CLAIM_TTL_MS = 7 * 24 * 3600_000;

/** What a listener returns: an outcome, with a detail for traces where there is one. */
export type Handled = Outcome | { outcome: Outcome; detail?: string | undefined };
