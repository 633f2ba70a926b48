import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/runCli.ts';
import { startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.ts';

describe('crewbot discord register', () => {
  let fake: FakeDiscord;
  beforeEach(async () => {
    fake = await startFakeDiscord();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('registers /crew on one server from the command line', async () => {
    const env = {
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
      CREWBOT_CREWS_DIR: path.resolve('test/fixtures/discord-crews'),
    };
    const result = await runCli(['discord', 'register', '--guild', fake.guildId], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`Registered /crew on server ${fake.guildId}`));
    expect(fake.calls.filter((call) => call.method === 'PUT').map((call) => call.path)).toEqual([
      `/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`,
    ]);
    expect(result.stdout + result.stderr).not.toContain(fake.token);
  });

  it('says what to set when the application id is missing (exit 2)', async () => {
    const result = await runCli(['discord', 'register'], { DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/DISCORD_APPLICATION_ID is not set/);
  });
});
