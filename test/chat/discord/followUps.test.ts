import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { embedTitle, startDiscordHarness, type DiscordHarness } from '../../support/discordHarness.ts';
import { waitFor } from '../../support/slackHarness.ts';

const CREWS = path.resolve('test/fixtures/discord-crews');

describe('follow-ups in a finished run’s Discord thread', () => {
  let d: DiscordHarness;
  beforeEach(async () => {
    d = await startDiscordHarness(CREWS);
  });
  afterEach(async () => {
    await d.close();
    expect(d.errors).toEqual([]);
  });

  const completed = async (runId: string) => {
    await waitFor(`run ${runId} to complete`, async () => (await d.runner.store.getRun(runId))?.status === 'completed');
    await d.surface.idle();
  };

  it('starts one follow-up run of the same crew in the thread, offered the earlier result and the reply, even when two processes get the reply', async () => {
    const { fake } = d;
    const llm = d.runnerHarness.server;
    llm.enqueue({ content: 'Report: Rust is memory safe and fast.' });
    const mention = fake.postMessage({ author: fake.users.ada, channelId: fake.channels.general.id, content: `<@${fake.bot.id}> long_crew Rust`, mentions: [fake.bot] });
    await d.traced(mention.id, 'handled');
    const [first] = await d.runner.store.listRuns();
    await completed(first!.id);

    // A rolling deploy: both processes get the reply; one follow-up starts.
    const other = await d.startAnother();
    llm.enqueue({ content: 'Rust: safe, fast.' });
    const reply = fake.postMessage({ author: fake.users.ada, channelId: mention.id, content: `<@${fake.bot.id}> make it shorter topic="Rust 2024"`, mentions: [fake.bot] });
    await d.traced(reply.id, 'handled');
    await d.traced(reply.id, 'duplicate');
    const followUp = await waitFor('the follow-up run', async () => (await d.runner.store.listRuns()).find((run) => run.id !== first!.id));
    await completed(followUp.id);
    await other.idle();

    expect(await d.runner.store.listRuns()).toHaveLength(2);
    expect(followUp).toMatchObject({
      crew: 'long_crew',
      followUpOf: first!.id,
      inputs: { topic: 'Rust 2024' },
      requester: { platform: 'discord', userId: fake.users.ada.id },
      thread: { id: `discord:${fake.guildId}:${mention.id}` },
    });
    const prompt = llm.requests[1]!.lastUser;
    expect(prompt).toContain('Write a long report on Rust 2024.');
    expect(prompt).toContain('Report: Rust is memory safe and fast.');
    expect(prompt).toContain('make it shorter');
    // The follow-up reports in the same thread: a second status message, then its result.
    const inThread = fake.messagesIn(mention.id);
    expect(inThread.filter((message) => embedTitle(message).startsWith('long_crew ·'))).toHaveLength(2);
    expect(inThread.some((message) => message.content.includes('Rust: safe, fast.') || JSON.stringify(message.embeds).includes('Rust: safe, fast.'))).toBe(true);
    expect(fake.threads).toHaveLength(1);
  });

  it('lets only people who may start the crew follow it up: a stranger who calls the bot is told, chatter is left alone', async () => {
    const { fake } = d;
    d.runnerHarness.server.enqueue({ content: 'Incident review' });
    const mention = fake.postMessage({ author: fake.users.ada, channelId: fake.channels.ops.id, content: `<@${fake.bot.id}> locked_crew`, mentions: [fake.bot] });
    await d.traced(mention.id, 'handled');
    const [run] = await d.runner.store.listRuns();
    await completed(run!.id);

    const stranger = fake.postMessage({ author: fake.users.mallory, channelId: mention.id, content: `<@${fake.bot.id}> again, with timelines`, mentions: [fake.bot] });
    await d.traced(stranger.id, 'refused');
    const chatter = fake.postMessage({ author: fake.users.bob, channelId: mention.id, content: 'nice one' });
    await d.traced(chatter.id, 'ignored');
    await d.surface.idle();

    const told = fake.messagesIn(mention.id).find((message) => message.message_reference?.message_id === stranger.id);
    expect(told?.content).toContain('can be started by members with');
    expect(fake.messagesIn(mention.id).some((message) => message.message_reference?.message_id === chatter.id)).toBe(false);
    expect(await d.runner.store.listRuns()).toHaveLength(1);
    expect(d.runnerHarness.server.requests).toHaveLength(1);
  });
});
