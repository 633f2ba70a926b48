import { App, LogLevel, type CustomRoute } from '@slack/bolt';
import type { Config } from '../../config.ts';
import { SlackConfigError } from './errors.ts';
import { register as registerActions } from './listeners/actions/index.ts';
import { register as registerCommands } from './listeners/commands/index.ts';
import { register as registerEvents } from './listeners/events/index.ts';
import { register as registerViews } from './listeners/views/index.ts';
import { slackClientOptions } from './slackClient.ts';
import type { SlackBot, SlackContext } from './slackContext.ts';

export type SlackMode = 'http' | 'socket';

/** Where Slack sends events, commands and interactions in HTTP mode. */
export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * The Bolt app: Socket Mode when SLACK_APP_TOKEN is set (no public URL needed), otherwise HTTP
 * with requests verified by SLACK_SIGNING_SECRET at /slack/events. Its WebClient uses SLACK_API_URL.
 */
export function createSlackApp(
  config: Config,
  bot: SlackBot,
  logLevel: LogLevel = LogLevel.INFO,
  /** HTTP mode: more routes on the same server and PORT (crewbot's webhooks). */
  customRoutes: CustomRoute[] = [],
): { app: App; mode: SlackMode } {
  const mode: SlackMode = config.SLACK_APP_TOKEN ? 'socket' : 'http';
  if (mode === 'http' && !config.SLACK_SIGNING_SECRET) {
    throw new SlackConfigError(
      'SLACK_SIGNING_SECRET is not set: HTTP mode verifies every request from Slack with it (Basic Information → App Credentials → Signing Secret). ' +
        'For local use without a public URL, set SLACK_APP_TOKEN (an xapp- token with connections:write) for Socket Mode instead.',
    );
  }
  const app = new App({
    token: config.SLACK_BOT_TOKEN,
    // Known from auth.test already, so Bolt does not ask again.
    ...(bot.userId && bot.botId ? { botUserId: bot.userId, botId: bot.botId } : {}),
    ...(mode === 'socket'
      ? { socketMode: true, appToken: config.SLACK_APP_TOKEN }
      : { signingSecret: config.SLACK_SIGNING_SECRET, endpoints: SLACK_EVENTS_PATH, ...(customRoutes.length > 0 ? { customRoutes } : {}) }),
    clientOptions: slackClientOptions(config),
    logLevel,
    convoStore: false,
    ignoreSelf: true,
  });
  return { app, mode };
}

/** Every listener, grouped by what triggers it (listeners/<trigger>/index.ts). */
export function registerListeners(app: App, ctx: SlackContext): void {
  registerCommands(app, ctx);
  registerEvents(app, ctx);
  registerActions(app, ctx);
  registerViews(app, ctx);
}
