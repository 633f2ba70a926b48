import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buttonsOf, buttonValue } from '../../support/fakeSlackApi.ts';
import { startSlackHarness, waitFor, type SlackHarness } from '../../support/slackHarness.ts';

const CREWS = path.resolve('test/fixtures/slack-crews');
const GENERAL = 'C0GENERAL';
const RELEASES = 'C0RELEASES';
const BOT = '<@U0CREWBOT>';

describe('exactly once: Slack’s retries and duplicate deliveries', () => {
  let h: SlackHarness;
  beforeEach(async () => {
    h = await startSlackHarness(CREWS);
    h.openai.setDefault({ content: 'Done' });
  });
  afterEach(async () => {
    await h.close();
  });

  it('starts one run when the same event arrives again with X-Slack-Retry-Num', async () => {
    const ts = h.slack.nextTs();
    const mention = { channel: GENERAL, user: 'U0ADA', text: `${BOT} briefing Rust audience=devs`, ts };
    const first = await h.slack.appMention(mention);
    const retry = await h.slack.appMention(mention, { eventId: first.eventId, retryNum: 1 });
    expect([first.status, retry.status]).toEqual([200, 200]);
    await h.runIn(GENERAL, ts);
    await h.settle();
    expect(await h.store.listRuns()).toHaveLength(1);
    expect(h.fake.callsTo('chat.postMessage').filter((call) => String(call.args.text).startsWith('briefing:'))).toHaveLength(1);
  });

  it('starts one run for a slash command delivered twice', async () => {
    const command = { text: 'briefing Rust audience=devs', userId: 'U0ADA', channelId: GENERAL, triggerId: 'trigger-twice' };
    await Promise.all([h.slack.slashCommand(command), h.slack.slashCommand(command, { retryNum: 1 })]);
    await h.settle();
    expect(await h.store.listRuns()).toHaveLength(1);
    expect(h.fake.messages.filter((m) => m.channel === GENERAL && !m.threadTs)).toHaveLength(1);
  });

  it('applies a reply delivered both as app_mention and as message once', async () => {
    h.fake.setUserGroup('S0WRITERS', []);
    h.openai.enqueue({ content: 'Notes v1' }, { content: 'Notes v2' });
    await h.slack.slashCommand({ text: 'release_notes 4.0', userId: 'U0ADA', channelId: RELEASES });
    const root = await waitFor('the root message', () => h.fake.messages.find((m) => m.channel === RELEASES && !m.threadTs));
    const runId = await h.runIn(RELEASES, root.ts);
    await waitFor('the review', async () => (await h.store.getRun(runId))?.status === 'awaiting_input');

    const reply = { channel: RELEASES, user: 'U0ADA', text: `${BOT} Shorter please`, threadTs: root.ts, ts: h.slack.nextTs() };
    await Promise.all([h.slack.appMention(reply), h.slack.message(reply)]);
    await waitFor('the second draft', async () => (await h.store.getRun(runId))?.pending[0]?.draft === 'Notes v2');
    await h.settle();
    expect(h.openai.requests).toHaveLength(2);
    expect(h.openai.requests[1]?.lastUser).toContain('Shorter please');
    expect(h.openai.requests[1]?.lastUser).not.toContain('U0CREWBOT');
    const received = (await h.store.getEvents(runId)).filter((event) => (event as { type: string }).type === 'human_input_received');
    expect(received).toHaveLength(1);
  });

  it('answers a request once, however many times its button is pressed', async () => {
    h.openai.enqueue({ toolCalls: [{ name: 'ask_human', arguments: { question: 'Budget?' } }] }, { content: 'Planned' });
    const ts = h.slack.nextTs();
    await h.slack.message({ channel: 'D0ADA', user: 'U0ADA', text: 'offsite_planner', ts });
    const runId = await h.runIn('D0ADA', ts);
    const prompt = await waitFor('the question', () => h.replies('D0ADA', ts).find((m) => buttonsOf(m).includes('crew_request:answer')));
    const press = { userId: 'U0ADA', channelId: 'D0ADA', messageTs: prompt.ts, threadTs: ts, actionId: 'crew_request:answer', value: buttonValue(prompt, 'crew_request:answer'), triggerId: 'trigger-answer' };
    await h.slack.blockAction(press);
    await h.slack.blockAction(press, { retryNum: 1 });
    await h.settle();
    expect(h.fake.callsTo('views.open')).toHaveLength(1);
    const view = h.fake.callsTo('views.open')[0]!.args.view as { private_metadata: string };

    const submission = { userId: 'U0ADA', callbackId: 'crew_answer', privateMetadata: view.private_metadata, values: { answer: { text: '3k' } }, viewId: 'V0ANSWER' };
    await h.slack.viewSubmission(submission);
    await h.slack.viewSubmission(submission, { retryNum: 1 });
    // A second modal for the same request, opened from another press before the first was sent.
    await h.slack.viewSubmission({ ...submission, viewId: 'V0SECOND', values: { answer: { text: '9k' } } });
    await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed');
    await h.settle();
    const received = (await h.store.getEvents(runId)).filter((event) => (event as { type: string }).type === 'human_input_received');
    expect(received).toEqual([expect.objectContaining({ answer: 'answered: 3k' })]);
    expect(h.ephemerals('U0ADA').filter((text) => /already answered|no longer waiting for an answer/.test(text))).toHaveLength(1);
  });
});
