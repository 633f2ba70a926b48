import { Server } from 'node:http';
import { LogLevel, type CustomRoute } from '@slack/bolt';
import type { Config } from '../../config.ts';
import { errorMessage } from '../../engine/errors.ts';
import type { Runner } from '../../runs/runner.ts';
import type { RunRecord } from '../../runs/runRecord.ts';
import type { Runtime } from '../../runtime.ts';
import type { ChatSurface } from '../chatSurface.ts';
import { InboundHandler } from '../inbound/inboundHandler.ts';
import { ThreadReporter } from '../threadReporter.ts';
import { createSlackApp, registerListeners, type SlackMode } from './app.ts';
import { CrewCatalog } from './crewCatalog.ts';
import { SlackConfigError } from './errors.ts';
import type { SlackAccess } from './policy.ts';
import { createSlackWebClient } from './slackClient.ts';
import { createSlackContext } from './context.ts';
import { SlackThreadPort } from './threadPort.ts';
import { AuthTestSchema, slackErrorCode } from './types.ts';

export { SlackAccess, createSlackAccess, readSlackSettings, type SlackCrewSettings } from './policy.ts';
export { SlackThreadPort } from './threadPort.ts';
export { createSlackWebClient, SLACK_RETRY_POLICY } from './slackClient.ts';
export { SlackConfigError, SlackSettingsError } from './errors.ts';
export { SLACK_EVENTS_PATH } from './app.ts';

export interface StartSlackOptions {
  config: Config;
  runtime: Runtime;
  runner: Runner;
  /** The process's one Slack policy, the same instance the runner's answer policy asks. */
  access: SlackAccess;
  /** At most one status edit per thread this often (Slack allows about one per second). */
  statusEveryMs?: number | undefined;
  logLevel?: LogLevel | undefined;
  onError?: ((error: unknown) => void) | undefined;
  /** HTTP mode: more routes served on Slack's port (webhooks); ignored in Socket Mode. */
  customRoutes?: CustomRoute[] | undefined;
}

export interface SlackSurface extends ChatSurface {
  mode: SlackMode;
  /** The HTTP port listening for /slack/events (HTTP mode). */
  port: number | undefined;
  /** The HTTP server receiving Slack's requests (HTTP mode), e.g. to measure acknowledgement times. */
  server: Server | undefined;
}

/**
 * Starts the Slack surface: the Bolt app (HTTP on PORT, or Socket Mode with SLACK_APP_TOKEN) and
 * the thread reporter that posts every Slack run's progress, prompts and results into its thread.
 * The runner's answer policy should ask the same `access` (`answerPolicyOf([access])`).
 */
export async function startSlack(options: StartSlackOptions): Promise<SlackSurface> {
  const { config, runtime, runner, access } = options;
  const client = createSlackWebClient(config);
  const bot = await whoAmI(client);
  const { app, mode } = createSlackApp(config, bot, options.logLevel ?? LogLevel.INFO, options.customRoutes);
  const port = new SlackThreadPort({ client, teamId: bot.teamId });
  const crews = new CrewCatalog(runtime);
  // Runs started here are named crews; one started elsewhere by path is loaded from its directory.
  const loadCrewForRun = (run: RunRecord) => (run.crewDir ? runtime.loadCrew(run.crewDir) : crews.load(run.crew).catch(() => runtime.loadCrew(run.crew)));
  const onError = options.onError ?? ((error: unknown) => process.emitWarning(`slack: ${errorMessage(error)}`));
  const ctx = createSlackContext({
    runner,
    client,
    port,
    access,
    inbound: new InboundHandler({ runner, access, loadCrew: loadCrewForRun, crews: { listCrews: () => crews.list(), loadCrew: (name) => crews.load(name) } }),
    crews,
    bot,
    loadCrewForRun,
    apiUrl: config.SLACK_API_URL,
    onError,
  });
  registerListeners(app, ctx);
  app.error(async (error) => onError(error));

  const reporter = new ThreadReporter({
    runner,
    port,
    loadCrew: loadCrewForRun,
    statusEveryMs: options.statusEveryMs ?? 1_000,
    onError,
  });
  const unsubscribe = reporter.start();
  let started: unknown;
  try {
    started = mode === 'http' ? await app.start(config.PORT) : await app.start();
  } catch (error) {
    unsubscribe();
    throw error;
  }
  const server = mode === 'http' && started instanceof Server ? started : undefined;
  const address = server?.address();
  return {
    mode,
    port: address && typeof address === 'object' ? address.port : undefined,
    server,
    idle: async () => {
      await ctx.idle();
      await reporter.flush();
    },
    stop: async () => {
      await app.stop();
      await ctx.idle();
      unsubscribe();
      await reporter.flush();
    },
  };
}

async function whoAmI(client: ReturnType<typeof createSlackWebClient>) {
  try {
    const identity = AuthTestSchema.parse(await client.auth.test());
    return { userId: identity.user_id, botId: identity.bot_id, teamId: identity.team_id };
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === 'invalid_auth' || code === 'not_authed' || code === 'account_inactive' || code === 'token_revoked') {
      throw new SlackConfigError(`Slack refused SLACK_BOT_TOKEN (${code}): copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions again, and reinstall the app if it was removed.`);
    }
    throw error;
  }
}
