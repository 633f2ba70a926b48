import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerDiscordCommands } from '../../../src/chat/discord/commands.ts';
import { DiscordConfigError, DiscordSettingsError } from '../../../src/chat/discord/errors.ts';
import { kickoffRefusal, parseDiscordSettings } from '../../../src/chat/discord/policy.ts';
import { loadConfig, type Config } from '../../../src/config.ts';
import { createRuntime } from '../../../src/runtime.ts';
import { startFakeDiscord, type FakeDiscord } from '../../support/fakeDiscord.ts';

const CREWS = path.resolve('test/fixtures/discord-crews');

describe('registering /crew', () => {
  let fake: FakeDiscord;
  let config: Config;
  beforeEach(async () => {
    fake = await startFakeDiscord();
    config = loadConfig(
      { DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl, CREWBOT_CREWS_DIR: CREWS },
      { dotenv: false },
    );
  });
  afterEach(async () => {
    await fake.close();
  });

  it('puts /crew on one server, with run (crew autocomplete, input, one option per declared input), list, status and cancel', async () => {
    const result = await registerDiscordCommands({ config, runtime: createRuntime(config), guildId: fake.guildId });
    expect(result).toEqual({ scope: 'guild', commands: ['/crew'], skippedInputs: [] });
    const put = fake.calls.find((call) => call.method === 'PUT')!;
    expect(put).toMatchObject({ path: `/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`, status: 200 });
    const [command] = put.body as Array<{ name: string; options: Array<{ name: string; options?: Array<Record<string, unknown>> }> }>;
    expect(command?.name).toBe('crew');
    expect(command?.options.map((option) => option.name)).toEqual(['run', 'list', 'status', 'cancel']);
    expect(command?.options[0]?.options).toEqual([
      { type: 3, name: 'crew', description: 'Which crew', required: true, autocomplete: true },
      { type: 3, name: 'input', description: 'What to work on (fills the first required input)', required: false },
      { type: 3, name: 'topic', description: 'What the report is about', required: false },
      { type: 3, name: 'version', description: 'The version being released', required: false },
    ]);
  });

  it('registers globally without --guild, and says what is missing without credentials', async () => {
    expect((await registerDiscordCommands({ config, runtime: createRuntime(config) })).scope).toBe('global');
    expect(fake.calls.at(-1)?.path).toBe(`/applications/${fake.applicationId}/commands`);
    const withoutId = { ...config, DISCORD_APPLICATION_ID: undefined };
    await expect(registerDiscordCommands({ config: withoutId, runtime: createRuntime(withoutId) })).rejects.toBeInstanceOf(DiscordConfigError);
    const withoutToken = { ...config, DISCORD_TOKEN: undefined };
    await expect(registerDiscordCommands({ config: withoutToken, runtime: createRuntime(withoutToken) })).rejects.toThrow(/DISCORD_TOKEN is not set/);
  });
});

describe('crew.yaml discord: settings', () => {
  it('reads guilds, channels, roles and approvers, each left out meaning anyone', () => {
    expect(parseDiscordSettings('c', undefined)).toEqual({ approvers: { roles: [], users: [] } });
    expect(parseDiscordSettings('c', { roles: ['123456789012345678'], approvers: { users: ['223456789012345678'] } })).toEqual({
      roles: ['123456789012345678'],
      approvers: { roles: [], users: ['223456789012345678'] },
    });
  });

  it('refuses unquoted ids (YAML rounds them) and unknown keys, naming the crew and the key', () => {
    expect(() => parseDiscordSettings('ops_crew', { roles: [123456789012345680] })).toThrow(DiscordSettingsError);
    expect(() => parseDiscordSettings('ops_crew', { roles: [123456789012345680] })).toThrow(/ops_crew\/crew.yaml: discord.roles.0: write Discord IDs in quotes/);
    expect(() => parseDiscordSettings('ops_crew', { channel: ['123456789012345678'] })).toThrow(/discord: Unrecognized key: "channel"/);
  });

  it('refuses a kickoff outside a server, outside the listed servers and channels, or without a listed role', () => {
    const settings = parseDiscordSettings('c', { guilds: ['100000'], channels: ['200000'], roles: ['300000'] });
    const place = { guildId: '100000', channelId: '200000', roles: ['300000'] };
    expect(kickoffRefusal('c', settings, place)).toBeUndefined();
    expect(kickoffRefusal('c', settings, { ...place, guildId: null })).toMatch(/server channel/);
    expect(kickoffRefusal('c', settings, { ...place, guildId: '100001' })).toMatch(/can't be started in this server/);
    expect(kickoffRefusal('c', settings, { ...place, channelId: '999999', parentId: '200000' })).toBeUndefined();
    expect(kickoffRefusal('c', settings, { ...place, channelId: '999999' })).toMatch(/<#200000> only/);
    expect(kickoffRefusal('c', settings, { ...place, roles: [] })).toMatch(/<@&300000> only/);
  });
});
