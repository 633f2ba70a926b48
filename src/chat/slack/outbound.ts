import { errorMessage } from '../../engine/errors.ts';
import type { Runner } from '../../runs/runner.ts';
import type { Runtime } from '../../runtime.ts';
import { ThreadReporter } from '../threadReporter.ts';
import { createSlackWebClient } from './slackClient.ts';
import { SlackThreadPort } from './threadPort.ts';

/**
 * Slack's outgoing half alone, for a process that advances runs but receives nothing (a fleet
 * worker): progress, requests and results of its runs go into their Slack threads with the bot
 * token only — no signing secret, no socket. Returns the function that stops it after a flush.
 */
export function startSlackOutbound(runtime: Runtime, runner: Runner, warn: (text: string) => void): () => Promise<void> {
  const client = createSlackWebClient(runtime.config);
  const reporter = new ThreadReporter({
    runner,
    port: new SlackThreadPort({ client }),
    loadCrew: (run) => runtime.loadCrew(run.crewDir ?? run.crew),
    statusEveryMs: 1_000,
    onError: (error) => warn(`slack: ${errorMessage(error)}`),
  });
  const unsubscribe = reporter.start();
  return async () => {
    await reporter.flush();
    unsubscribe();
  };
}
