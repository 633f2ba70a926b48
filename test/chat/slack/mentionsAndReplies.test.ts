import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buttonsOf, shownText } from '../../support/fakeSlackApi.ts';
import { startSlackHarness, waitFor, type SlackHarness } from '../../support/slackHarness.ts';

const CREWS = path.resolve('test/fixtures/slack-crews');
const GENERAL = 'C0GENERAL';
const RELEASES = 'C0RELEASES';
const BOT = '<@U0CREWBOT>';

describe('mentions, DMs and replies in a run’s thread', () => {
  let h: SlackHarness;
  beforeEach(async () => {
    h = await startSlackHarness(CREWS);
  });
  afterEach(async () => {
    await h.close();
  });

  it('runs a crew mentioned in a channel in that message’s thread', async () => {
    h.openai.enqueue({ content: 'Five findings' }, { content: '## Briefing\nWebAssembly runs **outside** the browser.' });
    const ts = h.slack.nextTs();
    const delivery = await h.slack.appMention({ channel: GENERAL, user: 'U0ADA', text: `${BOT} briefing WebAssembly audience="platform team"`, ts });
    expect(delivery.status).toBe(200);

    const runId = await h.runIn(GENERAL, ts);
    await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed');
    await h.settle();
    expect((await h.store.getRun(runId))?.inputs).toMatchObject({ topic: 'WebAssembly', audience: 'platform team' });
    // No root message: the person's own message is the thread's root.
    expect(h.fake.messages.every((m) => m.threadTs === ts)).toBe(true);
    const replies = h.replies(GENERAL, ts);
    expect(shownText(replies[0])).toContain('*briefing* · done');
    const result = replies.find((m) => shownText(m).includes('briefing — result'));
    expect(shownText(result)).toContain('*Briefing*\\nWebAssembly runs *outside* the browser.');
  });

  it('takes a plain reply in the thread as feedback to a pending review, and "approve" as approval; others may not answer', async () => {
    h.fake.setUserGroup('S0WRITERS', []);
    h.fake.setUserGroup('S0REVIEWERS', []);
    h.openai.enqueue({ content: 'Notes v1' }, { content: 'Notes v2, shorter' }, { content: 'Announcement' });
    await h.slack.slashCommand({ text: 'release_notes 2.1', userId: 'U0ADA', userName: 'ada', channelId: RELEASES });
    const root = await waitFor('the root message', () => h.fake.messages.find((m) => m.channel === RELEASES && !m.threadTs));
    const runId = await h.runIn(RELEASES, root.ts);
    await waitFor('the review', async () => (await h.store.getRun(runId))?.status === 'awaiting_input');

    await h.slack.message({ channel: RELEASES, user: 'U0MALLORY', text: 'Ship it as is', threadTs: root.ts });
    const [refusal] = await waitFor('the refusal', () => h.ephemerals('U0MALLORY').length > 0 && h.ephemerals('U0MALLORY'));
    expect(refusal).toContain('Not allowed');
    expect(h.openai.requests).toHaveLength(1);
    expect((await h.store.getRun(runId))?.pending[0]).toMatchObject({ draft: 'Notes v1' });

    await h.slack.message({ channel: RELEASES, user: 'U0ADA', text: 'Make it shorter', threadTs: root.ts });
    await waitFor('the second draft', async () => (await h.store.getRun(runId))?.pending[0]?.draft === 'Notes v2, shorter');
    expect(h.openai.requests[1]?.lastUser).toContain('Make it shorter');

    // Carol is one of the crew's approvers.
    await h.slack.message({ channel: RELEASES, user: 'U0CAROL', text: 'approve', threadTs: root.ts });
    await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed');
    await h.settle();
    const closed = h.replies(RELEASES, root.ts).filter((m) => shownText(m).includes('Review of draft_task'));
    expect(closed.map((m) => shownText(m).includes('<@U0ADA> asked for changes: Make it shorter') || shownText(m).includes('<@U0CAROL> approved'))).toEqual([true, true]);
  });

  it('starts a crew from a DM and takes the answer to an ask_human question as a reply', async () => {
    h.openai.enqueue({ toolCalls: [{ name: 'ask_human', arguments: { question: 'What is the budget?' } }] }, { content: 'A plan within 5k EUR' });
    const ts = h.slack.nextTs();
    await h.slack.message({ channel: 'D0ADA', user: 'U0ADA', text: 'offsite_planner', ts });
    const runId = await h.runIn('D0ADA', ts);
    const prompt = await waitFor('the question', () => h.replies('D0ADA', ts).find((m) => buttonsOf(m).includes('crew_request:answer')));
    expect(h.replies('D0ADA', ts).some((m) => shownText(m).includes('What is the budget?'))).toBe(true);
    expect(shownText(prompt)).toContain('reply in this thread');

    await h.slack.message({ channel: 'D0ADA', user: 'U0ADA', text: '5k EUR', threadTs: ts });
    await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed');
    await h.settle();
    expect(h.openai.requests[1]?.messages.at(-1)).toMatchObject({ role: 'tool', content: '5k EUR' });
    expect(shownText(h.fake.message('D0ADA', prompt.ts))).toContain('<@U0ADA> answered: 5k EUR');
    expect(h.replies('D0ADA', ts).some((m) => shownText(m).includes('A plan within 5k EUR'))).toBe(true);
  });

  it('keeps a crew limited to channels out of DMs unless its crew.yaml says direct_messages: true', async () => {
    // standup lists only C0STANDUP and no users: a DM from anyone in the workspace must not start it.
    await h.slack.message({ channel: 'D0MALLORY', user: 'U0MALLORY', text: 'standup', ts: h.slack.nextTs() });
    const [refusal] = await waitFor('the refusal', () => h.ephemerals('U0MALLORY').length > 0 && h.ephemerals('U0MALLORY'));
    expect(refusal).toContain('*standup* cannot be started in a direct message');
    expect(await h.store.listRuns()).toEqual([]);

    h.openai.enqueue({ content: '- shipped\n- blocked\n- next' });
    const ts = h.slack.nextTs();
    await h.slack.message({ channel: 'D0ADA', user: 'U0ADA', text: 'standup_anywhere', ts });
    const runId = await h.runIn('D0ADA', ts);
    await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed');
    expect(await h.store.listRuns()).toHaveLength(1);
  });

  it('posts a failure whose error echoed the bot token and signing secret without either, in any spelling', async () => {
    const token = h.config.SLACK_BOT_TOKEN!;
    const secret = h.config.SLACK_SIGNING_SECRET!;
    const echoed = `upstream said Bearer ${token}, sig=${encodeURIComponent(`${secret}`)}, blob=${Buffer.from(`x:${token}`).toString('base64')}`;
    h.openai.enqueue({ status: 400, errorBody: { error: { message: echoed, type: 'invalid_request_error' } } });
    const ts = h.slack.nextTs();
    await h.slack.appMention({ channel: GENERAL, user: 'U0ADA', text: `${BOT} briefing Rust audience=devs`, ts });
    const runId = await h.runIn(GENERAL, ts);
    await waitFor('the run to fail', async () => (await h.store.getRun(runId))?.status === 'failed');
    await h.settle();
    const posted = JSON.stringify(h.fake.calls.map((call) => call.args));
    expect(posted).toContain('upstream said Bearer [redacted]');
    for (const spelling of [token, secret, Buffer.from(`x:${token}`).toString('base64').slice(4)]) expect(posted).not.toContain(spelling);
  });

  it('takes a reply in a finished run’s thread as a follow-up: one run of the same crew there, offered the earlier result and the reply, even when delivered twice', async () => {
    h.openai.enqueue({ content: 'Findings' }, { content: 'Briefing: Rust is memory safe.' });
    const ts = h.slack.nextTs();
    await h.slack.appMention({ channel: GENERAL, user: 'U0ADA', text: `${BOT} briefing Rust audience=devs`, ts });
    const first = await h.runIn(GENERAL, ts);
    await waitFor('the run to complete', async () => (await h.store.getRun(first))?.status === 'completed');
    await h.settle();

    h.openai.enqueue({ content: 'Shorter findings' }, { content: 'Rust: safe.' });
    const reply = { channel: GENERAL, user: 'U0ADA', text: 'make it shorter tone=terse', threadTs: ts, ts: h.slack.nextTs() };
    const { eventId } = await h.slack.message(reply);
    await h.slack.message(reply, { eventId, retryNum: 1 });
    const followUp = await waitFor('the follow-up run', async () => (await h.store.listRuns()).find((run) => run.id !== first));
    await waitFor('the follow-up to complete', async () => (await h.store.getRun(followUp.id))?.status === 'completed');
    await h.settle();

    expect(await h.store.listRuns()).toHaveLength(2);
    expect(followUp).toMatchObject({ crew: 'briefing', followUpOf: first, thread: { id: `slack:${GENERAL}:${ts}` }, inputs: { topic: 'Rust', audience: 'devs', tone: 'terse' } });
    const prompt = h.openai.requests[2]!.lastUser;
    expect(prompt).toContain('Research Rust for devs.');
    expect(prompt).toContain('Briefing: Rust is memory safe.');
    expect(prompt).toContain('make it shorter');
    // Its status and result post in the same thread, under the first run's.
    const replies = h.replies(GENERAL, ts);
    expect(replies.filter((m) => shownText(m).includes('*briefing* · done'))).toHaveLength(2);
    expect(replies.some((m) => shownText(m).includes('Rust: safe.'))).toBe(true);
  });

  it('keeps a thread whose run is still working as it is: a mention there goes to that run, never to a second one', async () => {
    h.openai.enqueue({ content: 'Notes v1' });
    h.fake.setUserGroup('S0WRITERS', []);
    h.fake.setUserGroup('S0REVIEWERS', []);
    await h.slack.slashCommand({ text: 'release_notes 4.0', userId: 'U0ADA', channelId: RELEASES });
    const root = await waitFor('the root message', () => h.fake.messages.find((m) => m.channel === RELEASES && !m.threadTs));
    const runId = await h.runIn(RELEASES, root.ts);
    await waitFor('the review to wait', async () => (await h.store.getRun(runId))?.status === 'awaiting_input');
    await h.settle();

    await h.slack.appMention({ channel: RELEASES, user: 'U0ADA', text: `${BOT} release_notes 5.0`, threadTs: root.ts });
    await h.settle();
    expect(await h.store.listRuns()).toHaveLength(1);
    // Read as what the review should change, as any reply to a waiting review is.
    const answers = (await h.store.getEvents(runId)).filter((event) => (event as { type: string }).type === 'human_input_received');
    expect(answers).toEqual([expect.objectContaining({ answer: 'asked for changes: release_notes 5.0' })]);
  });

  it('ignores its own messages, other bots’ and message edits, and channel talk not addressed to it', async () => {
    await h.slack.message({ channel: 'D0ADA', user: 'U0CREWBOT', text: 'offsite_planner' });
    await h.slack.message({ channel: 'D0ADA', botId: 'B0CREWBOT', user: 'U0CREWBOT', text: 'offsite_planner' });
    await h.slack.message({ channel: 'D0ADA', botId: 'B0OTHERBOT', subtype: 'bot_message', text: 'offsite_planner' });
    await h.slack.message({ channel: 'D0ADA', botId: 'B0OTHERBOT', user: 'U0OTHERBOT', text: 'offsite_planner' });
    await h.slack.appMention({ channel: GENERAL, botId: 'B0OTHERBOT', user: 'U0OTHERBOT', text: `${BOT} offsite_planner` });
    await h.slack.message({ channel: 'D0ADA', user: 'U0ADA', subtype: 'message_changed', text: 'offsite_planner' });
    await h.slack.message({ channel: GENERAL, user: 'U0ADA', text: 'offsite_planner is a great crew' });
    await h.settle();
    expect(await h.store.listRuns()).toEqual([]);
    expect(h.fake.calls.map((call) => call.method)).toEqual(['auth.test']);
  });
});
