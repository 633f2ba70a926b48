import type { webApi } from '@slack/bolt';
import type { LoadedCrew } from '../../crews/loadCrew.ts';
import { errorMessage } from '../../engine/errors.ts';
import type { Runner } from '../../runs/runner.ts';
import type { RunRecord } from '../../runs/runRecord.ts';
import type { CrewCatalog } from './crewCatalog.ts';
import { tellUser, type EphemeralTarget } from './ephemeral.ts';
import { escapeMrkdwn } from './markdown.ts';
import { WorkLimit } from './workLimit.ts';
import type { InboundHandler } from '../inbound/inboundHandler.ts';
import type { SlackAccess } from './policy.ts';
import type { SlackThreadPort } from './threadPort.ts';

/** Who the bot is (auth.test), to ignore its own messages and find its mention. */
export interface SlackBot {
  userId: string | undefined;
  botId: string | undefined;
}

/** What the listeners share. */
export interface SlackContext {
  runner: Runner;
  client: webApi.WebClient;
  port: SlackThreadPort;
  access: SlackAccess;
  /** Answers, replies and cancels: claimed, matched and authorised once, for every surface alike. */
  inbound: InboundHandler;
  crews: CrewCatalog;
  bot: SlackBot;
  loadCrewForRun(run: RunRecord): Promise<LoadedCrew>;
  /** True for exactly one caller per key, across processes: Slack's retries and duplicates find it taken. */
  claim(key: string): Promise<boolean>;
  /** Tells one person something only they see (mrkdwn). */
  tell(target: EphemeralTarget, mrkdwn: string): Promise<void>;
  report(error: unknown): void;
  /**
   * Runs a listener's work: a failure is reported and, when there is someone to tell, told to them.
   * `whenQuiet` (a kickoff): the work waits until a burst of deliveries has been acknowledged.
   */
  safely(work: () => Promise<void>, where?: EphemeralTarget, options?: { whenQuiet?: boolean }): Promise<void>;
  /** Resolves once no listener's work is under way (acknowledged requests still being handled). */
  idle(): Promise<void>;
}

const DELIVERY_TTL_MS = 24 * 3600_000;

export function createSlackContext(parts: Omit<SlackContext, 'claim' | 'tell' | 'report' | 'safely' | 'idle'> & {
  apiUrl?: string | undefined;
  onError?: ((error: unknown) => void) | undefined;
  /** Listener work (after the acknowledgement) under way at once; the rest waits its turn. */
  concurrency?: number | undefined;
}): SlackContext {
  const origins = ['https://hooks.slack.com', ...(parts.apiUrl ? [new URL(parts.apiUrl).origin] : [])];
  const { apiUrl: _apiUrl, onError, concurrency: _concurrency, ...shared } = parts;
  const report = onError ?? ((error: unknown) => process.emitWarning(`slack: ${errorMessage(error)}`));
  const tell = (target: EphemeralTarget, mrkdwn: string) => tellUser(parts.client, target, mrkdwn, origins);
  const working = new Set<Promise<void>>();
  const limit = new WorkLimit(parts.concurrency ?? 8);
  return {
    ...shared,
    claim: (key) => parts.runner.store.claimIdempotencyKey(`slack:${key}`, DELIVERY_TTL_MS),
    tell,
    report,
    safely: (work, where, options) => {
      const done = limit
        .run(work, options)
        .catch(async (error: unknown) => {
          report(error);
          if (where) await tell(where, `:warning: crewbot could not do that: ${escapeMrkdwn(errorMessage(error))}`).catch(report);
        })
        .finally(() => working.delete(done));
      working.add(done);
      return done;
    },
    idle: async () => {
      while (working.size > 0) await Promise.allSettled([...working]);
    },
  };
}
