import { Client, Events, GatewayIntentBits } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../../support/fakeDiscord.ts';

/** The fake stands where Discord is; discord.js's own Client must find it a convincing Discord. */
describe('the fake Discord', () => {
  let fake: FakeDiscord;
  let client: Client;
  beforeEach(async () => {
    fake = await startFakeDiscord({ heartbeatIntervalMs: 50 });
    client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent], rest: { api: fake.apiUrl } });
  });
  afterEach(async () => {
    await client.destroy();
    await fake.close();
  });

  it('finds its gateway through REST, identifies, and gets READY and the guild with its channels, roles and members', async () => {
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(fake.token);
    await ready;
    expect(fake.calls[0]).toMatchObject({ method: 'GET', path: '/gateway/bot', status: 200 });
    expect(client.user?.id).toBe(fake.bot.id);
    expect(client.application?.id).toBe(fake.applicationId);
    const guild = client.guilds.cache.get(fake.guildId)!;
    expect(guild.channels.cache.get(fake.channels.general.id)?.name).toBe('general');
    expect(guild.roles.botRoleFor(fake.bot.id)?.id).toBe(fake.roles.bot.id);
    expect(guild.members.cache.get(fake.users.bob.id)?.roles.cache.has(fake.roles.reviewers.id)).toBe(true);
    await vi.waitFor(() => expect(fake.gateway.heartbeats).toBeGreaterThan(0));
  });

  it('resumes a dropped session and replays nothing the client already has', async () => {
    const seen: string[] = [];
    client.on(Events.MessageCreate, (message) => seen.push(message.content));
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(fake.token);
    await ready;
    fake.postMessage({ author: fake.users.ada, channelId: fake.channels.general.id, content: 'before' });
    await vi.waitFor(() => expect(seen).toEqual(['before']));
    await fake.dropConnection();
    fake.postMessage({ author: fake.users.ada, channelId: fake.channels.general.id, content: 'after' });
    await vi.waitFor(() => expect(seen).toEqual(['before', 'after']));
    expect(fake.gateway.identifies).toHaveLength(1);
    expect(fake.gateway.resumes).toBe(1);
  });
});
