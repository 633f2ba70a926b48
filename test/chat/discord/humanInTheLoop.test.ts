import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeMessage } from '../../support/fakeDiscord.ts';
import { buttonId, buttonsOf, embedTitle, startDiscordHarness, type DiscordHarness } from '../../support/discordHarness.ts';
import { outbox } from '../../fixtures/discord-crews/approval_crew/tools.ts';

const CREWS = path.resolve('test/fixtures/discord-crews');

describe('people steering a crew in its Discord thread', () => {
  let d: DiscordHarness;
  beforeEach(async () => {
    d = await startDiscordHarness(CREWS);
  });
  afterEach(async () => {
    await d.close();
    // Nothing went wrong behind the scenes either.
    expect(d.errors).toEqual([]);
  });

  /** Ada starts review_crew by mentioning the bot; returns the thread's id. */
  async function startReview(version = '2.0'): Promise<string> {
    const { fake } = d;
    const mention = fake.postMessage({ author: fake.users.ada, channelId: fake.channels.general.id, content: `<@${fake.bot.id}> review_crew ${version}`, mentions: [fake.bot] });
    await d.traced(mention.id, 'handled');
    await d.surface.idle();
    return mention.id;
  }

  const requestsIn = (thread: string): FakeMessage[] => d.fake.messagesIn(thread).filter((message) => embedTitle(message).startsWith('Review the draft'));
  const statusesIn = (thread: string): FakeMessage[] => d.fake.messagesIn(thread).filter((message) => embedTitle(message).startsWith('review_crew ·'));
  const runOf = async (thread: string) => (await d.runner.store.getRun((await d.runner.store.runForThread({ platform: 'discord', id: `discord:${d.fake.guildId}:${thread}` }))!))!;

  it('takes changes through the Request changes form, then the approval; each request shows who answered and the result lands', async () => {
    const { fake } = d;
    d.runnerHarness.server.enqueue({ content: 'Notes v1' }, { content: 'Notes v2, shorter' }, { content: 'Tweet: 2.0 is out' });
    const thread = await startReview();
    const [first] = requestsIn(thread);
    expect(first?.embeds[0]?.['description']).toContain('> Notes v1');
    expect(buttonsOf(first!)).toEqual([
      { label: 'Approve', disabled: false },
      { label: 'Request changes', disabled: false },
    ]);

    const press = fake.clickButton({ user: fake.users.ada, message: first!, customId: buttonId(first!, 'Request changes') });
    await d.traced(press.id, 'handled');
    expect(fake.responsesTo(press)[0]?.body).toMatchObject({
      type: 9,
      data: { custom_id: buttonId(first!, 'Request changes'), components: [{ components: [{ custom_id: 'text', label: 'What should change?', required: true }] }] },
    });
    const form = fake.submitModal({ user: fake.users.ada, channelId: thread, customId: buttonId(first!, 'Request changes'), fields: { text: 'Make it shorter' }, message: first! });
    await d.traced(form.id, 'handled');
    await d.surface.idle();
    expect(fake.responsesTo(form)[0]?.body).toEqual({ type: 6 });
    expect(d.runnerHarness.server.requests[1]?.lastUser).toContain('Make it shorter');
    expect(buttonsOf(fake.messages.get(first!.id)!)).toEqual([{ label: 'Ada asked for changes: Make it shorter', disabled: true }]);

    const second = requestsIn(thread)[1]!;
    expect(embedTitle(second)).toContain('round 2');
    const approve = fake.clickButton({ user: fake.users.ada, message: second, customId: buttonId(second, 'Approve') });
    await d.traced(approve.id, 'handled');
    await d.surface.idle();
    expect(fake.responsesTo(approve)[0]?.body).toEqual({ type: 6 });
    expect(buttonsOf(fake.messages.get(second.id)!)).toEqual([{ label: 'Ada approved', disabled: true }]);
    expect((await runOf(thread)).status).toBe('completed');

    const posted = fake.messagesIn(thread).map((message) => message.content);
    // A verbose crew shows each task's output; the final result closes the thread, with its rating buttons.
    expect(posted).toContain('**publish\\_task — Writer**\n\nTweet: 2.0 is out');
    expect(posted.slice(-2)).toEqual(['**review\\_crew** — result\n\nTweet: 2.0 is out', 'How was this result?']);
    const statuses = statusesIn(thread);
    expect(statuses).toHaveLength(1);
    expect(embedTitle(statuses[0]!)).toBe('review_crew · done');
    expect(statuses[0]!.edits).toBeGreaterThan(0);
  });

  it('reads a reply in the thread as feedback when the Message Content intent is on; others chatting change nothing', async () => {
    const { fake } = d;
    d.runnerHarness.server.enqueue({ content: 'Notes v1' }, { content: 'Notes v2 with the CLI' });
    const thread = await startReview();
    expect(d.surface.messageContent).toBe(true);

    const chatter = fake.postMessage({ author: fake.users.mallory, channelId: thread, content: 'Make it rhyme' });
    await d.traced(chatter.id, 'refused');
    const reply = fake.postMessage({ author: fake.users.ada, channelId: thread, content: 'Mention the new CLI' });
    await d.traced(reply.id, 'handled');
    await d.surface.idle();

    expect(d.runnerHarness.server.requests).toHaveLength(2);
    expect(d.runnerHarness.server.requests[1]?.lastUser).toContain('Mention the new CLI');
    expect(d.runnerHarness.server.requests[1]?.lastUser).not.toContain('rhyme');
    expect(fake.messagesIn(thread).some((message) => message.message_reference?.message_id === chatter.id)).toBe(false);
    expect((await runOf(thread)).pending[0]).toMatchObject({ kind: 'review', round: 1, draft: 'Notes v2 with the CLI' });
  });

  it('refuses answers from members who may not give them, privately, and takes them from the crew’s approver role', async () => {
    const { fake } = d;
    d.runnerHarness.server.enqueue({ content: 'Notes v1' }, { content: 'Tweet' });
    const thread = await startReview();
    const [request] = requestsIn(thread);

    const byMallory = fake.clickButton({ user: fake.users.mallory, message: request!, customId: buttonId(request!, 'Approve') });
    await d.traced(byMallory.id, 'refused');
    expect(fake.responsesTo(byMallory)[0]?.body).toMatchObject({
      type: 4,
      data: { flags: 64, content: expect.stringContaining('Not allowed: only the person who started this run') },
    });
    const formByMallory = fake.clickButton({ user: fake.users.mallory, message: request!, customId: buttonId(request!, 'Request changes') });
    await d.traced(formByMallory.id, 'refused');
    expect(fake.responsesTo(formByMallory)[0]?.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect((await runOf(thread)).status).toBe('awaiting_input');
    expect(buttonsOf(fake.messages.get(request!.id)!).every((button) => !button.disabled)).toBe(true);

    // Bob holds the Reviewers role, which review_crew's discord.approvers lists.
    const byBob = fake.clickButton({ user: fake.users.bob, message: request!, customId: buttonId(request!, 'Approve') });
    await d.traced(byBob.id, 'handled');
    await d.surface.idle();
    // The press carried Bob's roles, so nobody had to look them up over REST.
    expect(fake.calls.some((call) => call.method === 'GET' && call.path === `/guilds/${fake.guildId}/members/${fake.users.bob.id}`)).toBe(false);
    expect(buttonsOf(fake.messages.get(request!.id)!)).toEqual([{ label: 'Bob approved', disabled: true }]);
    expect((await runOf(thread)).status).toBe('completed');
  });

  it('asks before a tool that needs approval runs; Deny takes a reason in a form and the tool never runs', async () => {
    const { fake } = d;
    outbox.length = 0;
    d.runnerHarness.server.enqueue(
      { toolCalls: [{ name: 'send_email', arguments: { to: 'c@example.com', body: 'Refund sent' } }] },
      { content: 'Could not email: denied' },
    );
    const command = fake.slashCommand({ user: fake.users.ada, channelId: fake.channels.general.id, subcommand: 'run', options: { crew: 'approval_crew' } });
    await d.traced(command.id, 'handled');
    await d.surface.idle();
    const thread = fake.threads[0]!.id;
    const request = fake.messagesIn(thread).find((message) => embedTitle(message).startsWith('Approve send_email'))!;
    expect(request.embeds[0]?.['description']).toContain('"to": "c@example.com"');
    expect(buttonsOf(request).map((button) => button.label)).toEqual(['Approve', 'Deny']);

    const deny = fake.clickButton({ user: fake.users.ada, message: request, customId: buttonId(request, 'Deny') });
    await d.traced(deny.id, 'handled');
    expect(fake.responsesTo(deny)[0]?.body).toMatchObject({ type: 9, data: { components: [{ components: [{ custom_id: 'text', required: false }] }] } });
    const form = fake.submitModal({ user: fake.users.ada, channelId: thread, customId: buttonId(request, 'Deny'), fields: { text: 'wrong customer' }, message: request });
    await d.traced(form.id, 'handled');
    await d.surface.idle();
    expect(outbox).toEqual([]);
    expect(String(d.runnerHarness.server.requests[1]?.messages.at(-1)?.content)).toMatch(/Ada denied this call to send_email\. Reason: wrong customer/);
    expect(buttonsOf(fake.messages.get(request.id)!)).toEqual([{ label: 'Ada denied: wrong customer', disabled: true }]);
  });

  it('answers an agent’s question through the Answer form', async () => {
    const { fake } = d;
    d.runnerHarness.server.enqueue({ toolCalls: [{ name: 'ask_human', arguments: { question: 'What is the budget?' } }] }, { content: 'Plan within 5k' });
    const mention = fake.postMessage({ author: fake.users.ada, channelId: fake.channels.general.id, content: `<@${fake.bot.id}> ask_crew`, mentions: [fake.bot] });
    await d.traced(mention.id, 'handled');
    await d.surface.idle();
    const question = fake.messagesIn(mention.id).find((message) => embedTitle(message).startsWith('Answer a question from Planner'))!;
    expect(question.embeds[0]?.['description']).toContain('> What is the budget?');

    const press = fake.clickButton({ user: fake.users.ada, message: question, customId: buttonId(question, 'Answer') });
    await d.traced(press.id, 'handled');
    expect(fake.responsesTo(press)[0]?.body).toMatchObject({ type: 9, data: { components: [{ components: [{ label: 'Your answer', required: true }] }] } });
    const form = fake.submitModal({ user: fake.users.ada, channelId: mention.id, customId: buttonId(question, 'Answer'), fields: { text: '5k EUR' }, message: question });
    await d.traced(form.id, 'handled');
    await d.surface.idle();
    expect(d.runnerHarness.server.requests[1]?.messages.at(-1)).toMatchObject({ role: 'tool', content: '5k EUR' });
    expect(buttonsOf(fake.messages.get(question.id)!)).toEqual([{ label: 'Ada answered: 5k EUR', disabled: true }]);
    expect(fake.messagesIn(mention.id).at(-2)?.content).toBe('**ask\\_crew** — result\n\nPlan within 5k');
  });

  it('keeps waiting across a restart: a new Client and Runner on the same store take the answer and edit the same messages', async () => {
    const { fake } = d;
    d.runnerHarness.server.enqueue({ content: 'Notes v1' }, { content: 'Tweet: out now' });
    const thread = await startReview();
    const [status] = statusesIn(thread);
    const [request] = requestsIn(thread);

    await d.restart();
    expect(fake.gateway.identifies).toHaveLength(2);
    const approve = fake.clickButton({ user: fake.users.ada, message: request!, customId: buttonId(request!, 'Approve') });
    await d.traced(approve.id, 'handled');
    await d.surface.idle();

    expect((await runOf(thread)).status).toBe('completed');
    expect(buttonsOf(fake.messages.get(request!.id)!)).toEqual([{ label: 'Ada approved', disabled: true }]);
    expect(statusesIn(thread).map((message) => message.id)).toEqual([status!.id]);
    expect(embedTitle(fake.messages.get(status!.id)!)).toBe('review_crew · done');
    expect(fake.messagesIn(thread).at(-2)?.content).toBe('**review\\_crew** — result\n\nTweet: out now');
  });

  it('shows a run’s status to whoever asks in its thread, and lets only its requester or approvers cancel it', async () => {
    const { fake } = d;
    d.runnerHarness.server.enqueue({ content: 'Notes v1' });
    const thread = await startReview();

    const status = fake.slashCommand({ user: fake.users.mallory, channelId: thread, subcommand: 'status' });
    await d.traced(status.id, 'handled');
    expect(fake.responsesTo(status)[0]?.body).toMatchObject({ type: 4, data: { flags: 64, embeds: [{ title: 'review_crew · waiting for you' }] } });
    const elsewhere = fake.slashCommand({ user: fake.users.ada, channelId: fake.channels.general.id, subcommand: 'status' });
    await d.traced(elsewhere.id, 'refused');

    const byMallory = fake.slashCommand({ user: fake.users.mallory, channelId: thread, subcommand: 'cancel' });
    await d.traced(byMallory.id, 'refused');
    expect(fake.responsesTo(byMallory)[0]?.body).toMatchObject({ type: 4, data: { flags: 64, content: expect.stringContaining('Not allowed: only the person who started this run') } });
    expect((await runOf(thread)).status).toBe('awaiting_input');

    const byAda = fake.slashCommand({ user: fake.users.ada, channelId: thread, subcommand: 'cancel' });
    await d.traced(byAda.id, 'handled');
    expect(fake.responsesTo(byAda)[0]?.body).toMatchObject({ type: 4, data: { content: 'Cancelled by **Ada**.' } });
    expect((await runOf(thread)).status).toBe('cancelled');

    // The thread shows it: the request's buttons give way to who cancelled, the status says so.
    await d.surface.idle();
    const [request] = requestsIn(thread);
    expect(buttonsOf(fake.messages.get(request!.id)!)).toEqual([{ label: 'Ada cancelled the run', disabled: true }]);
    // The run's status message (the first; later ones are /crew status answers, snapshots by nature).
    expect(embedTitle(fake.messages.get(statusesIn(thread)[0]!.id)!)).toBe('review_crew · cancelled');
  });
});
