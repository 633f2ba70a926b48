import type { Runner } from '../../runs/runner.ts';
import type { Runtime } from '../../runtime.ts';
import { startThreadOutbound } from '../threadOutbound.ts';
import { createSlackWebClient } from './slackClient.ts';
import { SlackThreadPort } from './threadPort.ts';

/** Slack's outgoing half for a fleet worker: posts into Slack threads with the bot token only — no signing secret, no socket. */
export function startSlackOutbound(runtime: Runtime, runner: Runner, warn: (text: string) => void): () => Promise<void> {
  const port = new SlackThreadPort({ client: createSlackWebClient(runtime.config) });
  return startThreadOutbound(runtime, runner, port, { statusEveryMs: 1_000, warn });
}
