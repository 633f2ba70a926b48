import type { Runtime } from '../runtime.ts';
import { threadOpeners } from './threadOpeners.ts';
import { createTriggerService } from './triggerService.ts';
import { WEBHOOK_PATH_PREFIX } from './webhookEndpoint.ts';
import { startWebhookServer } from './webhookServer.ts';

/** Whether any crew has an enabled trigger (npm start then serves them too). */
export async function anyTriggers(runtime: Runtime): Promise<boolean> {
  for (const crew of await runtime.listCrews()) {
    if (crew.error) continue;
    const loaded = await runtime.loadCrew(crew.name).catch(() => undefined);
    if ((loaded?.triggers ?? []).some((trigger) => trigger.enabled)) return true;
  }
  return false;
}

/**
 * The terminal session's companion: schedules, chains and webhooks on a runner of their own that
 * advances their runs in the background, while the session advances only what it follows.
 * Returns what to tell the person at the start, and how to stop.
 */
export async function startBackgroundTriggers(runtime: Runtime): Promise<{ notices: string[]; stop(): Promise<void> }> {
  const notices: string[] = [];
  const { runner, store } = await runtime.openRunner();
  const triggers = await createTriggerService({ runtime, runner, openers: await threadOpeners(runtime.config), log: (text) => notices.push(text) });
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
      await store.close();
    },
  };
}
