import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { markdownToMrkdwn } from '../../../src/chat/slack/markdown.ts';
import { sectionTexts, shownText } from '../../support/fakeSlackApi.ts';
import { startSlackHarness, waitFor, type SlackHarness } from '../../support/slackHarness.ts';

const CREWS = path.resolve('test/fixtures/slack-crews');
const GENERAL = 'C0GENERAL';
const BOT = '<@U0CREWBOT>';

/** A Markdown report of about `chars` characters: headings, bullets, bold, links; no code blocks. */
function report(chars: number): string {
  const parts: string[] = ['# Report'];
  for (let i = 1; parts.join('\n').length < chars; i += 1) {
    parts.push(`## Section ${i}`, `Finding ${i} is **important** because [source ${i}](https://example.com/${i}) says so & more.`, `- point ${i}.a`, `- point ${i}.b`, '');
  }
  return parts.join('\n');
}

describe('Slack’s limits: long output, rate limits, the assistant status', () => {
  let h: SlackHarness;
  beforeEach(async () => {
    h = await startSlackHarness(CREWS);
  });
  afterEach(async () => {
    await h.close();
  });

  async function runLongReport(output: string): Promise<{ ts: string; runId: string }> {
    h.openai.enqueue({ content: output });
    const ts = h.slack.nextTs();
    await h.slack.appMention({ channel: GENERAL, user: 'U0ADA', text: `${BOT} long_report the year`, ts });
    const runId = await h.runIn(GENERAL, ts);
    await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed');
    await h.settle();
    return { ts, runId };
  }

  it('uploads an output too long for messages as a .md file in the thread, byte for byte', async () => {
    const output = report(30_000);
    const { ts } = await runLongReport(output);
    expect(h.fake.uploads).toHaveLength(1);
    const [upload] = h.fake.uploads;
    expect(upload).toMatchObject({ filename: 'long_report_result.md', channel: GENERAL, threadTs: ts });
    expect(upload!.content).toBe(output);
    expect(upload!.initialComment).toContain(`${output.length.toLocaleString('en-US')} characters`);
    expect(h.replies(GENERAL, ts).some((m) => shownText(m).includes('Finding 1 is'))).toBe(false);
  });

  it('splits a long output over several sections and messages, losing nothing', async () => {
    const output = report(9_000);
    const { ts } = await runLongReport(output);
    expect(h.fake.uploads).toEqual([]);
    const parts = h.replies(GENERAL, ts).filter((m) => m.blocks.some((block) => (block as { block_id?: string }).block_id?.startsWith('text-')));
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((m) => sectionTexts(m, 'text-')).join('')).toBe(markdownToMrkdwn(output));
    for (const part of parts) for (const block of part.blocks as Array<{ text?: { text?: string } }>) expect(block.text?.text?.length ?? 0).toBeLessThanOrEqual(3000);
  });

  it('posts the whole text as messages when the workspace refuses file uploads', async () => {
    h.fake.failWith('files.getUploadURLExternal', 'missing_scope');
    const output = report(20_000);
    const { ts } = await runLongReport(output);
    const parts = h.replies(GENERAL, ts).filter((m) => m.blocks.some((block) => (block as { block_id?: string }).block_id?.startsWith('text-')));
    expect(parts.map((m) => sectionTexts(m, 'text-')).join('')).toBe(markdownToMrkdwn(output));
  });

  it('retries a rate-limited status edit after Retry-After, and the edit lands', async () => {
    h.fake.rateLimit('chat.update', 1, 1);
    h.openai.enqueue({ content: 'Findings' }, { content: 'Briefing' });
    const ts = h.slack.nextTs();
    await h.slack.appMention({ channel: GENERAL, user: 'U0ADA', text: `${BOT} briefing Rust audience=devs`, ts });
    const runId = await h.runIn(GENERAL, ts);
    await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed');
    await h.settle();
    const updates = h.fake.callsTo('chat.update');
    expect(updates[0]?.status).toBe(429);
    expect(updates[1]).toMatchObject({ status: 200, args: { ts: updates[0]?.args.ts } });
    const status = h.fake.message(GENERAL, String(updates[0]?.args.ts))!;
    expect(shownText(status)).toContain('*briefing* · done');
  });

  it('stops asking for the assistant status once the workspace says it is not allowed, and runs on', async () => {
    h.fake.failWith('assistant.threads.setStatus', 'not_allowed');
    h.openai.enqueue({ content: 'Findings' }, { content: 'Briefing' }, { content: 'More findings' }, { content: 'Another briefing' });
    for (const topic of ['Rust', 'Go']) {
      const ts = h.slack.nextTs();
      await h.slack.appMention({ channel: GENERAL, user: 'U0ADA', text: `${BOT} briefing ${topic} audience=devs`, ts });
      const runId = await h.runIn(GENERAL, ts);
      await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed');
    }
    await h.settle();
    expect(h.fake.callsTo('assistant.threads.setStatus')).toHaveLength(1);
  });

  it('keeps using the assistant status where it works, clearing it at the end', async () => {
    h.openai.enqueue({ content: 'Findings' }, { content: 'Briefing' });
    const ts = h.slack.nextTs();
    await h.slack.message({ channel: 'D0ADA', user: 'U0ADA', text: 'briefing Rust audience=devs', ts });
    const runId = await h.runIn('D0ADA', ts);
    await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed');
    await h.settle();
    const statuses = h.fake.callsTo('assistant.threads.setStatus').map((call) => call.args);
    expect(statuses[0]).toMatchObject({ channel_id: 'D0ADA', thread_ts: ts, status: 'Researcher is working on research_task' });
    expect(statuses.at(-1)).toMatchObject({ status: '' });
  });
});
