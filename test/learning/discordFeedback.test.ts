import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DISTIL_INSTRUCTIONS } from '../../src/learning/distil.ts';
import { LessonBook } from '../../src/learning/lessonBook.ts';
import { RatingBook } from '../../src/learning/ratings.ts';
import type { FakeMessage } from '../support/fakeDiscord.ts';
import { buttonId, buttonsOf, embedTitle, startDiscordHarness, type DiscordHarness } from '../support/discordHarness.ts';

const CREWS = path.resolve('test/fixtures/discord-crews');
const LESSON = 'Always mention the version number in the tweet.';

describe('Discord: rating results and forgetting lessons', () => {
  let d: DiscordHarness;
  beforeEach(async () => {
    d = await startDiscordHarness(CREWS, { learning: true });
    d.runnerHarness.server.on((request) => (request.system === DISTIL_INSTRUCTIONS ? { content: LESSON } : undefined));
  });
  afterEach(async () => {
    await d.close();
    expect(d.errors).toEqual([]);
  });

  /** review_crew 2.0 started by Ada, its draft approved: the thread ends with the result and the rating buttons. */
  async function finishedRun(): Promise<{ thread: string; runId: string; rating: FakeMessage }> {
    const { fake } = d;
    d.runnerHarness.server.enqueue({ content: 'Notes v1' }, { content: 'Tweet: it is out' });
    const mention = fake.postMessage({ author: fake.users.ada, channelId: fake.channels.general.id, content: `<@${fake.bot.id}> review_crew 2.0`, mentions: [fake.bot] });
    await d.traced(mention.id, 'handled');
    await d.surface.idle();
    const thread = mention.id;
    const review = fake.messagesIn(thread).find((message) => embedTitle(message).startsWith('Review the draft'))!;
    const approve = fake.clickButton({ user: fake.users.ada, message: review, customId: buttonId(review, 'Approve') });
    await d.traced(approve.id, 'handled');
    await d.runner.idle();
    await d.surface.idle();
    const runId = (await d.runner.store.runForThread({ platform: 'discord', id: `discord:${fake.guildId}:${thread}` }))!;
    const rating = fake.messagesIn(thread).at(-1)!;
    return { thread, runId, rating };
  }

  it('a 👎 opens a form; its reason becomes a lesson shown with [Forget], which only the run’s people may press', async () => {
    const { fake } = d;
    const { thread, runId, rating } = await finishedRun();
    expect(rating.content).toBe('How was this result?');
    expect(buttonsOf(rating)).toEqual([
      { label: '👍 Good', disabled: false },
      { label: '👎 Not right', disabled: false },
    ]);

    const down = fake.clickButton({ user: fake.users.ada, message: rating, customId: buttonId(rating, '👎 Not right') });
    await d.traced(down.id, 'handled');
    expect(fake.responsesTo(down)[0]?.body).toMatchObject({ type: 9, data: { custom_id: `crewbot:reason:${runId}`, title: 'What was wrong?' } });
    const form = fake.submitModal({ user: fake.users.ada, channelId: thread, customId: `crewbot:reason:${runId}`, fields: { text: 'The tweet never says which version shipped.' }, message: rating });
    await d.traced(form.id, 'handled');
    await d.surface.idle();

    const [lesson] = await new LessonBook(d.runner.store).ofCrew('review_crew');
    expect(lesson).toMatchObject({ taskId: 'publish_task', text: LESSON, source: 'rating', runId, by: { platform: 'discord', userId: fake.users.ada.id } });
    expect(d.runnerHarness.server.requests.find((request) => request.system === DISTIL_INSTRUCTIONS)?.lastUser).toContain('The tweet never says which version shipped.');
    expect(await new RatingBook(d.runner.store).byRun()).toEqual(new Map([[runId, { up: 0, down: 1 }]]));

    const remembered = fake.messagesIn(thread).find((message) => message.content.startsWith('🧠 crewbot will remember'))!;
    expect(remembered.content).toContain(LESSON);
    expect(buttonsOf(remembered)).toEqual([{ label: 'Forget', disabled: false }]);
    // The raw reason stays private: only the distilled lesson is posted in the thread.
    expect(fake.messagesIn(thread).some((message) => message.content.includes('never says which version'))).toBe(false);

    const mallory = fake.clickButton({ user: fake.users.mallory, message: remembered, customId: buttonId(remembered, 'Forget') });
    await d.traced(mallory.id, 'refused');
    expect(JSON.stringify(fake.responsesTo(mallory)[0]?.body)).toContain('Not allowed');
    expect(await new LessonBook(d.runner.store).ofCrew('review_crew')).toHaveLength(1);

    const forget = fake.clickButton({ user: fake.users.ada, message: remembered, customId: buttonId(remembered, 'Forget') });
    await d.traced(forget.id, 'handled');
    expect(await new LessonBook(d.runner.store).ofCrew('review_crew')).toEqual([]);
  });

  it('a 👍 is kept without a form', async () => {
    const { fake } = d;
    const { runId, rating } = await finishedRun();
    const up = fake.clickButton({ user: fake.users.ada, message: rating, customId: buttonId(rating, '👍 Good') });
    await d.traced(up.id, 'handled');
    expect(JSON.stringify(fake.responsesTo(up)[0]?.body)).toContain('Thanks for the 👍');
    expect(await new RatingBook(d.runner.store).byRun()).toEqual(new Map([[runId, { up: 1, down: 0 }]]));
  });
});
