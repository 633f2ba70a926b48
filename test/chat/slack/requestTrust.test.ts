import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shownText } from '../../support/fakeSlackApi.ts';
import { startSlackHarness, waitFor, type SlackHarness } from '../../support/slackHarness.ts';

const CREWS = path.resolve('test/fixtures/slack-crews');
const GENERAL = 'C0GENERAL';

describe('what the app trusts', () => {
  let h: SlackHarness;
  beforeEach(async () => {
    h = await startSlackHarness(CREWS);
    h.openai.setDefault({ content: 'Done' });
  });
  afterEach(async () => {
    await h.close();
  });

  it('refuses a request whose signature does not match the signing secret (401), and does nothing', async () => {
    const forged = await h.slack.slashCommand({ text: 'briefing Rust audience=devs', userId: 'U0ADA', channelId: GENERAL }, { secret: 'not-the-secret' });
    const stale = await h.slack.slashCommand({ text: 'briefing Rust audience=devs', userId: 'U0ADA', channelId: GENERAL }, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    const unsigned = await fetch(h.slack.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'event_callback', event: { type: 'app_mention' } }) });
    expect([forged.status, stale.status, unsigned.status]).toEqual([401, 401, 401]);
    await h.settle();
    expect(await h.store.listRuns()).toEqual([]);
    expect(h.fake.calls.map((call) => call.method)).toEqual(['auth.test']);
  });

  it('answers Slack’s url_verification challenge', async () => {
    const answer = await h.slack.urlVerification('3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  it('shows chat text as text: mentions, broadcasts and links in inputs are escaped', async () => {
    await h.slack.slashCommand({ text: 'briefing "<!channel> @here see <https://evil.example|docs>" audience="<@U0BOSS> & co"', userId: 'U0ADA', channelId: GENERAL });
    const root = await waitFor('the root message', () => h.fake.messages.find((m) => m.channel === GENERAL && !m.threadTs));
    const shown = shownText(root);
    expect(shown).toContain('topic: &lt;!channel&gt; @\u2060here see &lt;https://evil.example|docs&gt;');
    expect(shown).toContain('audience: &lt;@U0BOSS&gt; &amp; co');
    expect(shown).not.toMatch(/<!channel>|<@U0BOSS>|<https:\/\/evil/);
    const runId = await h.runIn(GENERAL, root.ts);
    expect((await h.store.getRun(runId))?.inputs.topic).toBe('<!channel> @here see <https://evil.example|docs>');
  });

  it('never lets a modal’s metadata pick a crew directory by path', async () => {
    await h.slack.viewSubmission({
      userId: 'U0ADA',
      callbackId: 'crew_inputs',
      privateMetadata: JSON.stringify({ crew: '../hitl-crews/review_crew', channel: GENERAL }),
      values: { 'input:version': { value: '1.0' } },
    });
    const [told] = await waitFor('the refusal', () => h.ephemerals('U0ADA').length > 0 && h.ephemerals('U0ADA'));
    expect(told).toContain('No crew "../hitl-crews/review_crew"');
    expect(await h.store.listRuns()).toEqual([]);
  });
});
