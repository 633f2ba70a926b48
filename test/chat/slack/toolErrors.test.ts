import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shownText } from '../../support/fakeSlackApi.ts';
import { startSlackHarness, waitFor, type SlackHarness } from '../../support/slackHarness.ts';

const CREWS = path.resolve('test/fixtures/slack-crews');
const GENERAL = 'C0GENERAL';
const BOT = '<@U0CREWBOT>';

describe('a crew whose tool fails on every call, in Slack', () => {
  let h: SlackHarness;
  beforeEach(async () => {
    h = await startSlackHarness(CREWS);
  });
  afterEach(async () => {
    await h.close();
  });

  it('completes, and its status and result say how many calls failed and why', async () => {
    // No SERPER_API_KEY in this workspace's configuration: each web_search call returns an error.
    h.openai.enqueue(
      { toolCalls: [{ name: 'web_search', arguments: { query: 'rust news' } }] },
      { toolCalls: [{ name: 'web_search', arguments: { query: 'rust release' } }] },
      { content: 'I could not search; here is what I know.' },
    );
    const ts = h.slack.nextTs();
    await h.slack.appMention({ channel: GENERAL, user: 'U0ADA', text: `${BOT} scout Rust`, ts });
    const runId = await h.runIn(GENERAL, ts);
    await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed');
    await h.settle();

    const [status, ...rest] = h.replies(GENERAL, ts);
    expect(shownText(status)).toContain('*scout* · done — web_search failed 2 of 2 calls');
    expect(shownText(status)).toContain(':warning: web_search failed 2 of 2 calls — last error: web_search needs SERPER_API_KEY');
    const result = rest.find((message) => shownText(message).includes('result'));
    expect(shownText(result)).toContain('scout — web_search failed 2 of 2 calls — result');
  });

  it('a crew whose tools worked shows no tool line', async () => {
    h.openai.enqueue({ content: 'Five findings' }, { content: 'Briefing' });
    const ts = h.slack.nextTs();
    await h.slack.appMention({ channel: GENERAL, user: 'U0ADA', text: `${BOT} briefing Rust audience=devs`, ts });
    const runId = await h.runIn(GENERAL, ts);
    await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed');
    await h.settle();

    const [status] = h.replies(GENERAL, ts);
    expect(shownText(status)).toContain('*briefing* · done ·');
    expect(shownText(status)).not.toContain('failed');
  });
});
