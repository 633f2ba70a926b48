import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDiscordHarness, embedTitle, type DiscordHarness } from '../../support/discordHarness.ts';

const CREWS = path.resolve('test/fixtures/discord-crews');

describe('a crew whose tool fails on every call, in Discord', () => {
  let d: DiscordHarness;
  beforeEach(async () => {
    d = await startDiscordHarness(CREWS);
  });
  afterEach(async () => {
    await d.close();
    expect(d.errors).toEqual([]);
  });

  it('completes, and its status embed and result say how many calls failed and why', async () => {
    const { fake } = d;
    // The harness's web_search has no SERPER_API_KEY: every call returns an error to the agent.
    d.runnerHarness.server.enqueue(
      { toolCalls: [{ name: 'web_search', arguments: { query: 'rust news' } }] },
      { toolCalls: [{ name: 'web_search', arguments: { query: 'rust release' } }] },
      { toolCalls: [{ name: 'web_search', arguments: { query: 'rust 2026' } }] },
      { content: 'I could not search; here is what I know.' },
    );
    const mention = fake.postMessage({ author: fake.users.ada, channelId: fake.channels.general.id, content: `<@${fake.bot.id}> scout Rust`, mentions: [fake.bot] });
    await d.traced(mention.id, 'handled');
    await d.surface.idle();

    const [run] = await d.runner.store.listRuns();
    expect(run?.status).toBe('completed');
    const inThread = fake.messagesIn(mention.id);
    const status = inThread.find((message) => embedTitle(message).startsWith('scout ·'));
    expect(embedTitle(status!)).toBe('scout · done — web_search failed 3 of 3 calls');
    expect(String(status!.embeds[0]?.['description'])).toContain('⚠️ web\\_search failed 3 of 3 calls — last error: web\\_search needs SERPER\\_API\\_KEY');
    const result = inThread.find((message) => message.content.includes('— result'));
    expect(result?.content).toContain('**scout — web\\_search failed 3 of 3 calls** — result');
  });
});
