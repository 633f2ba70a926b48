import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buttonsOf, buttonValue, shownText, type FakeMessage } from '../../support/fakeSlackApi.ts';
import { startSlackHarness, waitFor, type SlackHarness } from '../../support/slackHarness.ts';
import { outbox } from '../../fixtures/slack-crews/refund_desk/tools.ts';

const CREWS = path.resolve('test/fixtures/slack-crews');
const GENERAL = 'C0GENERAL';
const RELEASES = 'C0RELEASES';
const BOT = '<@U0CREWBOT>';

describe('buttons: approvals, cancel, and a restart in between', () => {
  let h: SlackHarness;
  beforeEach(async () => {
    h = await startSlackHarness(CREWS);
    h.fake.setUserGroup('S0WRITERS', []);
    h.fake.setUserGroup('S0REVIEWERS', []);
  });
  afterEach(async () => {
    await h.close();
  });

  async function releaseWaitingForReview(): Promise<{ root: FakeMessage; runId: string; prompt: FakeMessage; status: FakeMessage }> {
    await h.slack.slashCommand({ text: 'release_notes 5.0', userId: 'U0ADA', userName: 'ada', channelId: RELEASES });
    const root = await waitFor('the root message', () => h.fake.messages.find((m) => m.channel === RELEASES && !m.threadTs));
    const runId = await h.runIn(RELEASES, root.ts);
    const prompt = await waitFor('the review prompt', () => h.replies(RELEASES, root.ts).find((m) => buttonsOf(m).includes('crew_request:approve')));
    await waitFor('the run to wait', async () => (await h.store.getRun(runId))?.status === 'awaiting_input');
    await h.settle();
    const status = h.replies(RELEASES, root.ts).find((m) => buttonsOf(m).includes('crew_cancel'))!;
    return { root, runId, prompt, status };
  }

  function press(message: FakeMessage, root: FakeMessage, actionId: string, userId = 'U0ADA', value = buttonValue(message, actionId)) {
    return h.slack.blockAction({ userId, userName: userId === 'U0ADA' ? 'ada' : undefined, channelId: message.channel, messageTs: message.ts, threadTs: root.ts, actionId, value });
  }

  it('survives a restart while a run waits: a button pressed on the new process finishes it, editing the same status message', async () => {
    h.openai.enqueue({ content: 'Notes v1' }, { content: 'Announcement' });
    const { root, runId, prompt, status } = await releaseWaitingForReview();
    expect(shownText(status)).toContain('waiting for a person');

    await h.restart();
    const editsBefore = h.fake.message(RELEASES, status.ts)!.edits;
    await press(prompt, root, 'crew_request:approve');
    await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed');
    await h.settle();

    const after = h.fake.message(RELEASES, status.ts)!;
    expect(after.edits).toBeGreaterThan(editsBefore);
    expect(shownText(after)).toContain('*release_notes* · done');
    expect(h.replies(RELEASES, root.ts).filter((m) => buttonsOf(m).includes('crew_cancel') || shownText(m).includes('release_notes*'))).toEqual([after]);
    expect(shownText(h.fake.message(RELEASES, prompt.ts))).toContain('ada approved');
    expect(h.replies(RELEASES, root.ts).some((m) => shownText(m).includes('Announcement'))).toBe(true);
  });

  it('lets members of the crew’s approver groups answer, and nobody else, reading the group once', async () => {
    h.fake.setUserGroup('S0REVIEWERS', ['U0DAVE']);
    h.openai.enqueue({ content: 'Notes v1' }, { content: 'Announcement' });
    const { root, runId, prompt } = await releaseWaitingForReview();
    await press(prompt, root, 'crew_request:approve', 'U0ERIN');
    await waitFor('the refusal', () => h.ephemerals('U0ERIN').some((text) => text.includes('Not allowed')));
    expect((await h.store.getRun(runId))?.status).toBe('awaiting_input');
    await press(prompt, root, 'crew_request:approve', 'U0DAVE');
    await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed');
    await h.settle();
    expect(shownText(h.fake.message(RELEASES, prompt.ts))).toContain('u0dave approved');
    // One access policy per process, shared by the surface and the runner: the group is read once for both presses.
    expect(h.fake.callsTo('usergroups.users.list').filter((call) => call.args.usergroup === 'S0REVIEWERS')).toHaveLength(1);
  });

  it('shows a tool and its arguments for approval; Deny takes a reason in a modal; others may not press', async () => {
    outbox.length = 0;
    h.openai.enqueue({ toolCalls: [{ name: 'send_email', arguments: { to: 'c@example.com', body: 'Refund <sent>' } }] }, { content: 'Could not email: denied' });
    const ts = h.slack.nextTs();
    await h.slack.appMention({ channel: GENERAL, user: 'U0ADA', text: `${BOT} refund_desk`, ts });
    const runId = await h.runIn(GENERAL, ts);
    const root = { channel: GENERAL, ts, text: '', blocks: [], edits: 0 };
    const prompt = await waitFor('the approval prompt', () => h.replies(GENERAL, ts).find((m) => buttonsOf(m).includes('crew_request:deny')));
    expect(buttonsOf(prompt)).toEqual(['crew_request:approve', 'crew_request:deny']);
    const details = h.replies(GENERAL, ts).find((m) => shownText(m).includes('wants to call send_email'));
    expect(shownText(details)).toContain('\\"to\\": \\"c@example.com\\"');
    expect(shownText(details)).toContain('Refund &lt;sent&gt;');

    await press(prompt, root, 'crew_request:approve', 'U0MALLORY');
    await waitFor('the refusal', () => h.ephemerals('U0MALLORY').some((text) => text.includes('Not allowed')));
    expect((await h.store.getRun(runId))?.status).toBe('awaiting_input');

    await press(prompt, root, 'crew_request:deny');
    const opened = await waitFor('the Deny modal', () => h.fake.callsTo('views.open')[0]);
    const view = opened.args.view as { private_metadata: string; blocks: Array<{ type: string; optional?: boolean }> };
    expect(view.blocks.find((block) => block.type === 'input')?.optional).toBe(true);
    await h.slack.viewSubmission({ userId: 'U0ADA', userName: 'ada', callbackId: 'crew_answer', privateMetadata: view.private_metadata, values: { answer: { text: 'wrong customer' } } });
    await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed');
    await h.settle();
    expect(outbox).toEqual([]);
    expect(String(h.openai.requests[1]?.messages.at(-1)?.content)).toContain('Reason: wrong customer');
    expect(shownText(h.fake.message(GENERAL, prompt.ts))).toContain('ada denied: wrong customer');
  });

  it('cancels a waiting run from the status message’s [Cancel]; someone else cannot', async () => {
    h.openai.enqueue({ content: 'Notes v1' });
    const { root, runId, prompt, status } = await releaseWaitingForReview();
    const approveValue = buttonValue(prompt, 'crew_request:approve');

    await press(status, root, 'crew_cancel', 'U0MALLORY');
    await waitFor('the refusal', () => h.ephemerals('U0MALLORY').some((text) => text.includes('Not allowed')));
    expect((await h.store.getRun(runId))?.status).toBe('awaiting_input');

    await press(status, root, 'crew_cancel');
    await waitFor('the run to be cancelled', async () => (await h.store.getRun(runId))?.status === 'cancelled');
    await h.settle();
    const after = h.fake.message(RELEASES, status.ts)!;
    expect(shownText(after)).toContain('*release_notes* · cancelled');
    expect(buttonsOf(after)).toEqual([]);
    expect(buttonsOf(h.fake.message(RELEASES, prompt.ts))).toEqual([]);
    expect(shownText(h.fake.message(RELEASES, prompt.ts))).toContain('cancelled the run');
    expect(h.replies(RELEASES, root.ts).some((m) => m.text === 'ada cancelled the run.')).toBe(true);

    // The old prompt's button (in a client that has not refreshed) does nothing now.
    await press(prompt, root, 'crew_request:approve', 'U0ADA', approveValue);
    await waitFor('the answer', () => h.ephemerals('U0ADA').some((text) => text.includes('no longer waiting')));
    expect((await h.store.getRun(runId))?.status).toBe('cancelled');
  });
});
