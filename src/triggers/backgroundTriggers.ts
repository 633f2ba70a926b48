import type { Runtime } from '../runtime.ts';
import { threadOpeners } from './threadOpeners.ts';
import { createTriggerService, crewsWithTriggers } from './triggerService.ts';
import type { LoadedCrew } from '../crews/loadCrew.ts';
import { WEBHOOK_PATH_PREFIX } from './webhookEndpoint.ts';
import { startWebhookServer } from './webhookServer.ts';

/** The crews with an enabled trigger (npm start then serves them too), loaded once for the caller to pass on. */
export async function crewsWithEnabledTriggers(runtime: Runtime): Promise<LoadedCrew[]> {
  const crews = await crewsWithTriggers(runtime, () => {});
  return crews.filter((crew) => (crew.triggers ?? []).some((trigger) => trigger.enabled));
}

/**
 * The terminal session's companion: schedules, chains and webhooks on a runner of their own that
 * advances their runs in the background, while the session advances only what it follows.
 * Returns what to tell the person at the start, and how to stop.
 */
export async function startBackgroundTriggers(runtime: Runtime, crews: LoadedCrew[]): Promise<{ notices: string[]; stop(): Promise<void> }> {
  const notices: string[] = [];
  const { runner, close } = await runtime.openRunner();
  const triggers = await createTriggerService({ runtime, crews, runner, openers: await threadOpeners(runtime.config), log: (text) => notices.push(text) });
  let closeServer: (() => Promise<void>) | undefined;
  if (triggers.webhooks) {
    const server = await startWebhookServer(runtime.config.PORT, triggers.webhooks);
    closeServer = () => server.close();
    notices.push(`Webhooks: listening on :${server.port}${WEBHOOK_PATH_PREFIX}<crew>.`);
  }
  triggers.start();
  return {
    notices,
    stop: async () => {
      triggers.stop();
      await closeServer?.();
      await runner.shutdown();
      await close();
    },
  };
}
