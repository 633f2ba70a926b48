import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startDiscordHarness, embedTitle, type DiscordHarness } from '../../support/discordHarness.ts';

const CREWS = path.resolve('test/fixtures/discord-crews');

describe('starting crews from Discord', () => {
  let d: DiscordHarness;
  beforeEach(async () => {
    d = await startDiscordHarness(CREWS);
    d.runnerHarness.server.setDefault({ content: 'Notes for the release' });
  });
  afterEach(async () => {
    await d.close();
    // Nothing went wrong behind the scenes either.
    expect(d.errors).toEqual([]);
  });

  it('starts a crew from a mention: a thread on that message, the status posted in it, the request waiting there', async () => {
    const { fake } = d;
    const mention = fake.postMessage({ author: fake.users.ada, channelId: fake.channels.general.id, content: `<@${fake.bot.id}> review_crew 2.0`, mentions: [fake.bot] });
    await d.traced(mention.id, 'handled');
    await d.surface.idle();

    const created = fake.calls.find((call) => call.method === 'POST' && call.path.endsWith('/threads'));
    expect(created).toMatchObject({ path: `/channels/${fake.channels.general.id}/messages/${mention.id}/threads`, status: 201 });
    expect(fake.threads.map((thread) => thread.id)).toEqual([mention.id]);
    const [run] = await d.runner.store.listRuns();
    expect(run).toMatchObject({
      crew: 'review_crew',
      inputs: { version: '2.0' },
      requester: { platform: 'discord', userId: fake.users.ada.id, name: 'Ada' },
      thread: { platform: 'discord', id: `discord:${fake.guildId}:${mention.id}` },
      status: 'awaiting_input',
    });
    const inThread = fake.messagesIn(mention.id);
    const statuses = inThread.filter((message) => embedTitle(message).startsWith('review_crew ·'));
    expect(statuses).toHaveLength(1);
    expect(embedTitle(statuses[0]!)).toBe('review_crew · waiting for you');
    const request = inThread.find((message) => embedTitle(message).startsWith('Review the draft'));
    expect(request?.content).toBe(`<@${fake.users.ada.id}> the crew needs you.`);
    expect(fake.calls.filter((call) => call.method === 'POST' && call.path === `/channels/${mention.id}/messages`).map((call) => call.body)).toContainEqual(
      expect.objectContaining({ allowed_mentions: { parse: [], users: [fake.users.ada.id] } }),
    );
  });

  it('starts a crew when people ping the bot’s managed role instead of the bot', async () => {
    const { fake } = d;
    const mention = fake.postMessage({
      author: fake.users.ada,
      channelId: fake.channels.general.id,
      content: `<@&${fake.roles.bot.id}> review_crew 3.0`,
      mentionRoles: [fake.roles.bot.id],
    });
    await d.traced(mention.id, 'handled');
    await d.surface.idle();
    expect(fake.threads.map((thread) => thread.id)).toEqual([mention.id]);
    expect((await d.runner.store.listRuns())[0]).toMatchObject({ crew: 'review_crew', inputs: { version: '3.0' } });
  });

  it('starts a crew from /crew run: acknowledged first, then the reply says what started and the thread hangs from it', async () => {
    const { fake } = d;
    const command = fake.slashCommand({ user: fake.users.ada, channelId: fake.channels.general.id, subcommand: 'run', options: { crew: 'review_crew', version: '4.1' } });
    await d.traced(command.id, 'handled');
    await d.surface.idle();

    const responses = fake.responsesTo(command);
    expect(responses[0]).toMatchObject({ method: 'POST', path: `/interactions/${command.id}/${command.token}/callback`, body: { type: 5 }, status: 204 });
    expect(responses[1]).toMatchObject({ method: 'PATCH', path: `/webhooks/${fake.applicationId}/${command.token}/messages/@original`, status: 200 });
    const reply = [...fake.messages.values()].find((message) => message.interaction_id === command.id)!;
    expect(reply.content).toContain('**review\\_crew** started by');
    expect(reply.content).toContain('**version:** 4.1');
    const thread = fake.threads.find((candidate) => candidate.id === reply.id);
    expect(thread?.parent_id).toBe(fake.channels.general.id);
    expect((await d.runner.store.listRuns())[0]).toMatchObject({ inputs: { version: '4.1' }, thread: { id: `discord:${fake.guildId}:${reply.id}` } });
    expect(fake.messagesIn(reply.id).some((message) => embedTitle(message).startsWith('review_crew ·'))).toBe(true);
  });

  it('asks for required inputs in a form when /crew run leaves them out, and starts once it is filled in', async () => {
    const { fake } = d;
    const command = fake.slashCommand({ user: fake.users.ada, channelId: fake.channels.general.id, subcommand: 'run', options: { crew: 'review_crew' } });
    await d.traced(command.id, 'handled');
    const modal = fake.responsesTo(command)[0]!;
    expect(modal.body).toMatchObject({
      type: 9,
      data: { custom_id: 'crewbot:kickoff:review_crew', components: [{ components: [{ custom_id: 'version', required: true, placeholder: 'The version being released' }] }] },
    });
    expect(await d.runner.store.listRuns()).toHaveLength(0);

    const form = fake.submitModal({ user: fake.users.ada, channelId: fake.channels.general.id, customId: 'crewbot:kickoff:review_crew', fields: { version: '5.0' } });
    await d.traced(form.id, 'handled');
    await d.surface.idle();
    expect(fake.responsesTo(form)[0]?.body).toMatchObject({ type: 5 });
    expect((await d.runner.store.listRuns())[0]).toMatchObject({ crew: 'review_crew', inputs: { version: '5.0' } });
  });

  it('lists the crews with their inputs, for the asker only', async () => {
    const { fake } = d;
    const command = fake.slashCommand({ user: fake.users.mallory, channelId: fake.channels.general.id, subcommand: 'list' });
    await d.traced(command.id, 'handled');
    const [deferred, edit] = fake.responsesTo(command);
    expect(deferred?.body).toMatchObject({ type: 5, data: { flags: 64 } });
    const description = String((edit?.body as { embeds: Array<{ description: string }> }).embeds[0]?.description);
    expect(description).toContain('**review\\_crew** — Drafts release notes a person approves');
    expect(description).toContain('version (required) — The version being released');
    expect(description).toContain('**long\\_crew**');
  });

  it('offers crews as /crew run’s crew option is typed', async () => {
    const { fake } = d;
    const typing = fake.autocomplete({ user: fake.users.ada, channelId: fake.channels.general.id, focused: 'crew', value: 'review_' });
    await d.traced(typing.id, 'handled');
    expect(fake.responsesTo(typing)[0]?.body).toEqual({
      type: 8,
      data: { choices: [{ name: 'review_crew — Drafts release notes a person approves', value: 'review_crew' }] },
    });
  });

  it('refuses people, places and servers the crew’s discord: section does not allow, and nothing starts', async () => {
    const { fake } = d;
    // locked_crew: only Crew starters, only in #ops.
    const byMallory = fake.slashCommand({ user: fake.users.mallory, channelId: fake.channels.ops.id, subcommand: 'run', options: { crew: 'locked_crew' } });
    await d.traced(byMallory.id, 'refused');
    expect(fake.responsesTo(byMallory)).toHaveLength(1);
    expect(fake.responsesTo(byMallory)[0]?.body).toMatchObject({
      type: 4,
      data: { flags: 64, content: `locked_crew can be started by members with <@&${fake.roles.starters.id}> only.`, allowed_mentions: { parse: [] } },
    });
    const inGeneral = fake.slashCommand({ user: fake.users.ada, channelId: fake.channels.general.id, subcommand: 'run', options: { crew: 'locked_crew' } });
    await d.traced(inGeneral.id, 'refused');
    expect(fake.responsesTo(inGeneral)[0]?.body).toMatchObject({ data: { flags: 64, content: `locked_crew can be started in <#${fake.channels.ops.id}> only.` } });
    // A mention has no private reply: the refusal answers the message.
    const mention = fake.postMessage({ author: fake.users.mallory, channelId: fake.channels.ops.id, content: `<@${fake.bot.id}> locked_crew`, mentions: [fake.bot] });
    await d.traced(mention.id, 'refused');
    const refusal = fake.messagesIn(fake.channels.ops.id).find((message) => message.message_reference?.message_id === mention.id);
    expect(refusal?.content).toContain('can be started by members with');
    expect(fake.threads).toHaveLength(0);
    expect(await d.runner.store.listRuns()).toHaveLength(0);

    const byAda = fake.slashCommand({ user: fake.users.ada, channelId: fake.channels.ops.id, subcommand: 'run', options: { crew: 'locked_crew' } });
    await d.traced(byAda.id, 'handled');
    await d.surface.idle();
    expect(await d.runner.store.listRuns()).toHaveLength(1);
  });

  it('says which crews there are when a mention names none, and never loads a crew by path', async () => {
    const { fake } = d;
    const unknown = fake.postMessage({ author: fake.users.ada, channelId: fake.channels.general.id, content: `<@${fake.bot.id}> ghost_crew now`, mentions: [fake.bot] });
    await d.traced(unknown.id, 'refused');
    const byPath = fake.slashCommand({ user: fake.users.ada, channelId: fake.channels.general.id, subcommand: 'run', options: { crew: '../discord-crews/review_crew', version: '1' } });
    await d.traced(byPath.id, 'refused');
    expect(fake.messagesIn(fake.channels.general.id).find((message) => message.message_reference?.message_id === unknown.id)?.content).toMatch(
      /No crew "ghost_crew".*review_crew/s,
    );
    expect(fake.responsesTo(byPath)[0]?.body).toMatchObject({ data: { flags: 64, content: expect.stringContaining('is not a crew name') } });
    expect(await d.runner.store.listRuns()).toHaveLength(0);
  });

  it('tells the person when Discord will not let it open a thread, and nothing starts', async () => {
    const { fake } = d;
    fake.forbid({ method: 'POST', path: /\/threads$/, times: 2 });
    const mention = fake.postMessage({ author: fake.users.ada, channelId: fake.channels.general.id, content: `<@${fake.bot.id}> review_crew 2.0`, mentions: [fake.bot] });
    await d.traced(mention.id, 'refused');
    const command = fake.slashCommand({ user: fake.users.ada, channelId: fake.channels.general.id, subcommand: 'run', options: { crew: 'review_crew', version: '2.0' } });
    await d.traced(command.id, 'refused');
    const told = fake.messagesIn(fake.channels.general.id).find((message) => message.message_reference?.message_id === mention.id);
    expect(told?.content).toMatch(/^I could not open a thread here \(Discord said: Missing Permissions\), so nothing started\. Give me Create Public Threads/);
    const reply = [...fake.messages.values()].find((message) => message.interaction_id === command.id);
    expect(reply?.content).toMatch(/^I could not open a thread here/);
    expect(await d.runner.store.listRuns()).toHaveLength(0);
  });

  it('ignores other bots and itself, so bots never talk each other into loops', async () => {
    const { fake } = d;
    const before = fake.calls.length;
    const fromBot = fake.postMessage({ author: fake.users.otherBot, channelId: fake.channels.general.id, content: `<@${fake.bot.id}> review_crew 1.0`, mentions: [fake.bot] });
    const fromItself = fake.postMessage({ author: fake.bot, channelId: fake.channels.general.id, content: `<@${fake.bot.id}> review_crew 1.0`, mentions: [fake.bot] });
    expect((await d.traced(fromBot.id)).outcome).toBe('ignored');
    expect((await d.traced(fromItself.id)).outcome).toBe('ignored');
    expect(fake.calls.slice(before)).toEqual([]);
    expect(await d.runner.store.listRuns()).toHaveLength(0);
  });

  it('ignores chatter that does not mention it', async () => {
    const { fake } = d;
    const chatter = fake.postMessage({ author: fake.users.ada, channelId: fake.channels.general.id, content: 'review_crew is great' });
    expect((await d.traced(chatter.id)).outcome).toBe('ignored');
    await vi.waitFor(() => expect(d.traces).toHaveLength(1));
    expect(fake.threads).toHaveLength(0);
  });
});
