import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.ts';
import { shownText, startFakeSlackApi, type FakeSlackApi } from '../support/fakeSlackApi.ts';
import { CREWBOT_BIN } from '../support/runCli.ts';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { SlackRequests } from '../support/slackRequests.ts';

const SIGNING_SECRET = 'start-test-signing-secret';

/** Waits until `check` holds, polling; the story's own deadline is the test timeout. */
async function eventually(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 25));
}

describe('npm start with chat tokens', () => {
  let openai: ScriptedOpenAI;
  let slack: FakeSlackApi;
  let discord: FakeDiscord;
  let dir: string;
  beforeEach(async () => {
    [openai, slack, discord] = await Promise.all([startScriptedOpenAI(), startFakeSlackApi(), startFakeDiscord()]);
    dir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-start-'));
  });
  afterEach(async () => {
    await Promise.all([openai.close(), slack.close(), discord.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('serves Slack and Discord from one process and stops cleanly on SIGINT', async () => {
    openai.on((req) => (req.lastUser.includes('Sign the greeting') ? { content: 'Hello, Ada! — crewbot' } : { content: 'Hello, Ada!' }));
    const child = spawn(process.execPath, [CREWBOT_BIN, 'start'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        OPENAI_BASE_URL: openai.url,
        OPENAI_API_KEY: 'sk-start-test',
        CREWBOT_CREWS_DIR: path.resolve('test/fixtures/cli-crews'),
        CREWBOT_STORE: `sqlite://${path.join(dir, 'runs.sqlite')}`,
        SLACK_BOT_TOKEN: 'xoxb-start-test',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.url,
        PORT: '0',
        DISCORD_TOKEN: discord.token,
        DISCORD_APPLICATION_ID: discord.applicationId,
        DISCORD_API_URL: discord.apiUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

    await eventually(() => stderr.includes('crewbot is running'));
    expect(stderr).toMatch(/Discord: connected/);
    const port = Number(/Slack: listening on :(\d+)\/slack\/events/.exec(stderr)?.[1]);
    expect(port).toBeGreaterThan(0);

    // A /crew command to the real process: acknowledged, then the run posts into its thread.
    const requests = new SlackRequests(`http://127.0.0.1:${port}/slack/events`, SIGNING_SECRET);
    const ack = await requests.slashCommand({ channelId: 'C0START', userId: 'U0ADA', text: 'greeter name=Ada' });
    expect(ack.status).toBe(200);
    await eventually(() => slack.messages.some((message) => shownText(message).includes('Hello, Ada! — crewbot')));

    // A mention on Discord starts a thread on the message.
    discord.postMessage({
      author: discord.users.ada,
      channelId: discord.channels.general.id,
      content: `<@${discord.bot.id}> greeter name=Bo`,
      mentions: [discord.bot],
    });
    await eventually(() => discord.threads.length === 1);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).not.toContain('xoxb-start-test');
    expect(stderr).not.toContain(discord.token);
  });
});
