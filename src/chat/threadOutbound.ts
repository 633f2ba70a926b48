import { errorMessage } from '../engine/errors.ts';
import type { Runner } from '../runs/runner.ts';
import type { Runtime } from '../runtime.ts';
import type { ThreadPort } from './threadPort.ts';
import { ThreadReporter } from './threadReporter.ts';

/**
 * A platform's outgoing half alone, for a process that advances runs but receives nothing (a fleet
 * worker): progress, requests and results of its runs go into their threads through `port`.
 * Returns the function that stops it after a flush.
 */
export function startThreadOutbound(
  runtime: Runtime,
  runner: Runner,
  port: ThreadPort,
  options: { statusEveryMs: number; warn: (text: string) => void },
): () => Promise<void> {
  const reporter = new ThreadReporter({
    runner,
    port,
    loadCrew: (run) => runtime.loadCrew(run.crewDir ?? run.crew),
    statusEveryMs: options.statusEveryMs,
    onError: (error) => options.warn(`${port.platform}: ${errorMessage(error)}`),
  });
  const unsubscribe = reporter.start();
  return async () => {
    await reporter.flush();
    unsubscribe();
  };
}
