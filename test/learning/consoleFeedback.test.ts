import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DISTIL_INSTRUCTIONS } from '../../src/learning/distil.ts';
import { LessonBook } from '../../src/learning/lessonBook.ts';
import { RatingBook } from '../../src/learning/ratings.ts';
import { startRunnerHarness, type RunnerHarness } from '../support/runnerHarness.ts';
import { consoleRunner, runSession } from '../chat/consoleDriver.ts';

const CLI_CREWS = path.resolve('test/fixtures/cli-crews');
const LESSON = 'Sign every greeting with the team name.';

describe('the terminal: rating a result', () => {
  let h: RunnerHarness;
  beforeEach(async () => {
    h = await startRunnerHarness(CLI_CREWS, { learning: true });
    h.server.on((request) => (request.system === DISTIL_INSTRUCTIONS ? { content: LESSON } : undefined));
  });
  afterEach(async () => {
    await h.close();
  });

  it('`bad` asks what was wrong, and the answer becomes a lesson for the crew; `good` counts a 👍', async () => {
    h.server.enqueue({ content: 'Hello, Ada!' }, { content: 'Hello, Ada! — crewbot' });
    const { output } = await runSession(consoleRunner(h), CLI_CREWS, ['greeter name=Ada', 'bad', 'It should be signed by the team, not the bot.', 'quit']);
    expect(output).toContain('What was wrong? ');
    expect(output).toContain('Thanks: crewbot will remember that for the next runs.');
    const [run] = await h.store.listRuns();
    const [lesson] = await new LessonBook(h.store).ofCrew('greeter');
    expect(lesson).toMatchObject({ taskId: 'sign_task', text: LESSON, source: 'rating', runId: run!.id, by: { platform: 'console', userId: 'ada' } });
    expect(h.server.requests.find((request) => request.system === DISTIL_INSTRUCTIONS)?.lastUser).toContain('signed by the team, not the bot');

    const again = await runSession(consoleRunner(h), CLI_CREWS, ['good', 'quit']);
    expect(again.output).toContain('Thanks for the 👍.');
    expect(await new RatingBook(h.store).byRun()).toEqual(new Map([[run!.id, { up: 1, down: 0 }]]));
  });
});
