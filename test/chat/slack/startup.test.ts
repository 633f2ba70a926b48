import path from 'node:path';
import { LogLevel } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackApp } from '../../../src/chat/slack/app.ts';
import { SlackConfigError, startSlack } from '../../../src/chat/slack/index.ts';
import { startSlackHarness, type SlackHarness } from '../../support/slackHarness.ts';

const CREWS = path.resolve('test/fixtures/slack-crews');

describe('starting the Slack app', () => {
  let h: SlackHarness;
  beforeEach(async () => {
    h = await startSlackHarness(CREWS);
  });
  afterEach(async () => {
    await h.close();
  });

  it('says how to fix a token Slack refuses, without showing the token', async () => {
    h.fake.failWith('auth.test', 'invalid_auth');
    const config = { ...h.config, SLACK_BOT_TOKEN: 'xoxb-revoked-secret-123' };
    const failure = await startSlack({ config, runtime: h.runtime, runner: h.runner, access: h.access, logLevel: LogLevel.ERROR }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SlackConfigError);
    expect(String(failure)).toContain('Slack refused SLACK_BOT_TOKEN (invalid_auth)');
    expect(String(failure)).not.toContain('xoxb-revoked-secret-123');
  });

  it('needs the signing secret in HTTP mode, and points to Socket Mode for local use', async () => {
    const config = { ...h.config, SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: undefined };
    const failure = await startSlack({ config, runtime: h.runtime, runner: h.runner, access: h.access, logLevel: LogLevel.ERROR }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SlackConfigError);
    expect(String(failure)).toMatch(/SLACK_SIGNING_SECRET is not set.*SLACK_APP_TOKEN/s);
  });

  it('uses Socket Mode when SLACK_APP_TOKEN is set, and every WebClient talks to SLACK_API_URL', () => {
    const bot = { userId: 'U0CREWBOT', botId: 'B0CREWBOT' };
    const socket = createSlackApp({ ...h.config, SLACK_APP_TOKEN: 'xapp-1-test' }, bot, LogLevel.ERROR);
    const http = createSlackApp(h.config, bot, LogLevel.ERROR);
    expect([socket.mode, http.mode]).toEqual(['socket', 'http']);
    expect(socket.app.client.slackApiUrl).toBe(h.fake.url);
    expect(http.app.client.slackApiUrl).toBe(h.fake.url);
  });

  it('sends the bot token in the Authorization header, never in a URL', () => {
    const calls = h.fake.callsTo('auth.test');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.headers.authorization).toBe('Bearer xoxb-test-token');
    expect(JSON.stringify(calls[0]?.args)).not.toContain('xoxb-test-token');
  });
});
