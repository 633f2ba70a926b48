import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DISTIL_INSTRUCTIONS } from '../../src/learning/distil.ts';
import { LessonBook } from '../../src/learning/lessonBook.ts';
import { RatingBook } from '../../src/learning/ratings.ts';
import { buttonsOf, buttonValue, shownText, type FakeMessage } from '../support/fakeSlackApi.ts';
import { startSlackHarness, waitFor, type SlackHarness } from '../support/slackHarness.ts';

const CREWS = path.resolve('test/fixtures/slack-crews');
const RELEASES = 'C0RELEASES';
const LESSON = 'Always list breaking changes first.';

describe('Slack: rating results and forgetting lessons', () => {
  let h: SlackHarness;
  beforeEach(async () => {
    h = await startSlackHarness(CREWS, { learning: true });
    h.fake.setUserGroup('S0WRITERS', []);
    h.fake.setUserGroup('S0REVIEWERS', []);
    h.openai.on((request) => (request.system === DISTIL_INSTRUCTIONS ? { content: LESSON } : undefined));
  });
  afterEach(async () => {
    await h.close();
  });

  function press(message: FakeMessage, root: FakeMessage, actionId: string, userId = 'U0ADA') {
    return h.slack.blockAction({ userId, userName: userId === 'U0ADA' ? 'ada' : undefined, channelId: message.channel, messageTs: message.ts, threadTs: root.ts, actionId, value: buttonValue(message, actionId) });
  }

  /** release_notes 5.0, its draft approved at once, finished with its result and the rating buttons. */
  async function finishedRun(): Promise<{ root: FakeMessage; runId: string; rating: FakeMessage }> {
    h.openai.enqueue({ content: 'Notes v1' }, { content: 'Announcement: 5.0 is out' });
    await h.slack.slashCommand({ text: 'release_notes 5.0', userId: 'U0ADA', userName: 'ada', channelId: RELEASES });
    const root = await waitFor('the root message', () => h.fake.messages.find((m) => m.channel === RELEASES && !m.threadTs));
    const runId = await h.runIn(RELEASES, root.ts);
    const prompt = await waitFor('the review prompt', () => h.replies(RELEASES, root.ts).find((m) => buttonsOf(m).includes('crew_request:approve')));
    await press(prompt, root, 'crew_request:approve');
    const rating = await waitFor('the rating buttons', () => h.replies(RELEASES, root.ts).find((m) => buttonsOf(m).includes('crew_rate:down')));
    await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed');
    await h.settle();
    return { root, runId, rating };
  }

  it('a 👎 asks why in a modal; the reason becomes a lesson the thread can forget, but only its people', async () => {
    const { root, runId, rating } = await finishedRun();
    expect(buttonsOf(rating)).toEqual(['crew_rate:up', 'crew_rate:down']);
    // Someone who may not answer the run cannot rate it: no modal opens for them.
    await press(rating, root, 'crew_rate:down', 'U0MALLORY');
    await waitFor('the refusal', () => h.ephemerals('U0MALLORY').some((text) => text.includes('Not allowed')));
    expect(h.fake.callsTo('views.open')).toEqual([]);

    await press(rating, root, 'crew_rate:down');
    const opened = await waitFor('the reason modal', () => h.fake.callsTo('views.open')[0]);
    const view = opened.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe('crew_rate_reason');
    await h.slack.viewSubmission({ userId: 'U0ADA', userName: 'ada', callbackId: 'crew_rate_reason', privateMetadata: view.private_metadata, values: { answer: { text: 'The API removal in 5.0 was buried at the end.' } } });
    const remembered = await waitFor('the lesson in the thread', () => h.replies(RELEASES, root.ts).find((m) => shownText(m).includes('crewbot will remember')));
    await h.settle();
    expect(shownText(remembered)).toContain(LESSON);
    expect(buttonsOf(remembered)).toEqual(['crew_forget_lesson']);
    expect(h.ephemerals('U0ADA').some((text) => text.includes('crewbot will remember that'))).toBe(true);

    const distilling = h.openai.requests.filter((request) => request.system === DISTIL_INSTRUCTIONS);
    expect(distilling).toHaveLength(1);
    expect(distilling[0]!.lastUser).toContain('The API removal in 5.0 was buried at the end.');
    expect(distilling[0]!.lastUser).toContain('Announcement: 5.0 is out');
    const [lesson] = await new LessonBook(h.store).ofCrew('release_notes');
    expect(lesson).toMatchObject({ taskId: 'publish_task', text: LESSON, source: 'rating', runId, by: { platform: 'slack', userId: 'U0ADA' } });
    expect(await new RatingBook(h.store).byRun()).toEqual(new Map([[runId, { up: 0, down: 1 }]]));
    expect((await h.store.getRun(runId))?.usage.llmCalls).toBe(3);

    await press(remembered, root, 'crew_forget_lesson', 'U0MALLORY');
    await waitFor('the refusal', () => h.ephemerals('U0MALLORY').filter((text) => text.includes('Not allowed')).length === 2);
    expect(await new LessonBook(h.store).ofCrew('release_notes')).toHaveLength(1);

    await press(remembered, root, 'crew_forget_lesson');
    await waitFor('the lesson to be forgotten', async () => (await new LessonBook(h.store).ofCrew('release_notes')).length === 0);
    await waitFor('the confirmation', () => h.ephemerals('U0ADA').some((text) => text.includes('Forgotten')));
  });

  it('a 👍 is counted once per person', async () => {
    const { root, runId, rating } = await finishedRun();
    await press(rating, root, 'crew_rate:up');
    await press(rating, root, 'crew_rate:up');
    await waitFor('the thanks', () => h.ephemerals('U0ADA').filter((text) => text.includes('Thanks for the 👍')).length === 2);
    expect(await new RatingBook(h.store).byRun()).toEqual(new Map([[runId, { up: 1, down: 0 }]]));
    expect(h.fake.callsTo('views.open')).toEqual([]);
  });
});
