import { LogLevel, webApi, type Logger } from '@slack/bolt';
import type { Config } from '../../config.ts';
import { SlackConfigError } from './errors.ts';

/**
 * Retries for the Web API. On a 429 the WebClient itself waits the Retry-After Slack sent (pausing
 * every call of that client) and then retries under this policy; other failures (network, 5xx)
 * back off from a quarter second.
 */
export const SLACK_RETRY_POLICY = { retries: 8, factor: 2, minTimeout: 250, maxTimeout: 30_000, randomize: true };

/** Options every WebClient of crewbot's gets, Bolt's included: SLACK_API_URL and the retry policy. */
export function slackClientOptions(config: Pick<Config, 'SLACK_API_URL'>, logger?: Logger): webApi.WebClientOptions {
  return {
    ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
    retryConfig: SLACK_RETRY_POLICY,
    ...(logger ? { logger } : { logLevel: LogLevel.ERROR }),
  };
}

/** A Web API client with the bot token: all the outbound half of the Slack surface needs. */
export function createSlackWebClient(config: Pick<Config, 'SLACK_BOT_TOKEN' | 'SLACK_API_URL'>, logger?: Logger): webApi.WebClient {
  if (!config.SLACK_BOT_TOKEN) throw new SlackConfigError('SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions into .env.');
  return new webApi.WebClient(config.SLACK_BOT_TOKEN, slackClientOptions(config, logger));
}
