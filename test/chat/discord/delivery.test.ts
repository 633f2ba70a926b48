import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fencesBalanced } from '../../../src/chat/discord/markdown.ts';
import { buttonId, embedTitle, startDiscordHarness, type DiscordHarness } from '../../support/discordHarness.ts';

const CREWS = path.resolve('test/fixtures/discord-crews');

/** A report of paragraphs and code blocks, `size` characters or so, none of them near 2,000 alone. */
function longReport(size: number): string {
  const parts: string[] = ['# Report', ''];
  for (let i = 1; parts.join('\n').length < size; i += 1) {
    parts.push(`## Finding ${i}`, '', `Paragraph ${i}: ${'the measurements agree with the model and the margins hold. '.repeat(6).trim()}`, '');
    if (i % 3 === 0) parts.push('```ts', `const finding${i} = {`, ...Array.from({ length: 12 }, (_, k) => `  field${k}: ${i * k},`), '};', '```', '');
  }
  return parts.join('\n').trim();
}

describe('Discord delivery: exactly once, rate limits and long output', () => {
  let d: DiscordHarness;
  afterEach(async () => {
    await d.close();
    // Nothing went wrong behind the scenes either.
    expect(d.errors).toEqual([]);
  });

  it('handles a message and a button press replayed after a RESUME once: one run, one thread, one answer', async () => {
    d = await startDiscordHarness(CREWS);
    const { fake } = d;
    d.runnerHarness.server.enqueue({ content: 'Notes v1' }, { content: 'Tweet' });
    const mention = fake.postMessage({ author: fake.users.ada, channelId: fake.channels.general.id, content: `<@${fake.bot.id}> review_crew 2.0`, mentions: [fake.bot] });
    await d.traced(mention.id, 'handled');
    await d.surface.idle();

    await fake.dropConnection();
    expect(fake.gateway).toMatchObject({ resumes: 1 });
    expect(fake.gateway.identifies).toHaveLength(1);
    fake.redeliver(mention);
    // Events arrive in order: once a later one is handled, the replay has been seen too.
    const later = fake.postMessage({ author: fake.users.ada, channelId: fake.channels.general.id, content: 'thanks!' });
    await d.traced(later.id, 'ignored');
    await d.surface.idle();

    const request = fake.messagesIn(mention.id).find((message) => embedTitle(message).startsWith('Review the draft'))!;
    const approve = fake.clickButton({ user: fake.users.ada, message: request, customId: buttonId(request, 'Approve') });
    await d.traced(approve.id, 'handled');
    fake.redeliverInteraction(approve);
    await d.traced(approve.id, 'duplicate');
    await d.surface.idle();

    expect(d.traces.filter((trace) => trace.id === mention.id).map((trace) => trace.outcome)).not.toContain('failed');
    expect(await d.runner.store.listRuns()).toHaveLength(1);
    expect(fake.threads).toHaveLength(1);
    expect(fake.calls.filter((call) => call.path.endsWith('/threads'))).toHaveLength(1);
    expect(fake.responsesTo(approve)).toHaveLength(1);
    expect((await d.runner.store.listRuns())[0]?.status).toBe('completed');
    expect(d.runnerHarness.server.requests).toHaveLength(2);
  });

  it('handles each event once when two processes are connected (a rolling deploy): one run, one answer', async () => {
    d = await startDiscordHarness(CREWS);
    const { fake } = d;
    const other = await d.startAnother();
    d.runnerHarness.server.enqueue({ content: 'Notes v1' }, { content: 'Tweet' });
    const mention = fake.postMessage({ author: fake.users.ada, channelId: fake.channels.general.id, content: `<@${fake.bot.id}> review_crew 2.0`, mentions: [fake.bot] });
    await d.traced(mention.id, 'handled');
    await d.traced(mention.id, 'duplicate');
    await d.surface.idle();
    await other.idle();

    const request = fake.messagesIn(mention.id).find((message) => embedTitle(message).startsWith('Review the draft'))!;
    const approve = fake.clickButton({ user: fake.users.ada, message: request, customId: buttonId(request, 'Approve') });
    await d.traced(approve.id, 'handled');
    await d.traced(approve.id, 'duplicate');
    await d.surface.idle();
    await other.idle();

    expect(await d.runner.store.listRuns()).toHaveLength(1);
    expect(fake.threads).toHaveLength(1);
    expect(fake.responsesTo(approve)).toEqual([expect.objectContaining({ body: { type: 6 }, status: 204 })]);
    expect((await d.runner.store.listRuns())[0]?.status).toBe('completed');
    expect(d.runnerHarness.server.requests).toHaveLength(2);
  });

  it('waits out a 429 on a status edit for the retry_after Discord gives, and the edit lands', async () => {
    d = await startDiscordHarness(CREWS);
    const { fake } = d;
    d.runnerHarness.server.enqueue({ content: 'Notes v1' });
    fake.rateLimit({ method: 'PATCH', path: /^\/channels\/\d+\/messages\/\d+$/, times: 1, retryAfter: 0.25 });
    const mention = fake.postMessage({ author: fake.users.ada, channelId: fake.channels.general.id, content: `<@${fake.bot.id}> review_crew 2.0`, mentions: [fake.bot] });
    await d.traced(mention.id, 'handled');
    await d.surface.idle();

    const edits = fake.calls.filter((call) => call.method === 'PATCH' && call.path.startsWith(`/channels/${mention.id}/messages/`));
    expect(edits[0]?.status).toBe(429);
    expect(edits[1]?.path).toBe(edits[0]?.path);
    expect(edits[1]?.status).toBe(200);
    // The retry waited at least as long as Discord asked.
    expect(edits[1]!.at - edits[0]!.at).toBeGreaterThanOrEqual(250);
    const status = fake.messagesIn(mention.id).find((message) => embedTitle(message).startsWith('review_crew ·'))!;
    expect(embedTitle(status)).toBe('review_crew · waiting for you');
  });

  it('splits a long result at 2,000 characters on paragraph and fence boundaries, losing nothing', async () => {
    d = await startDiscordHarness(CREWS);
    const { fake } = d;
    const report = longReport(5_200);
    d.runnerHarness.server.enqueue({ content: report });
    const mention = fake.postMessage({ author: fake.users.ada, channelId: fake.channels.general.id, content: `<@${fake.bot.id}> long_crew batteries`, mentions: [fake.bot] });
    await d.traced(mention.id, 'handled');
    await d.surface.idle();

    // The task's own message (the agent's text as it grew) comes first; the crew's result follows it, then the rating buttons.
    const posted = fake.messagesIn(mention.id).filter((message) => message.embeds.length === 0 && message.content !== 'How was this result?').map((message) => message.content);
    const parts = posted.slice(posted.findIndex((content) => content.startsWith('**long\\_crew** — result')));
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(2_000);
      expect(fencesBalanced(part)).toBe(true);
    }
    expect(parts.join('')).toBe(`**long\\_crew** — result\n\n${report}`);
  });

  it('attaches a very long result as a Markdown file instead of a wall of messages', async () => {
    d = await startDiscordHarness(CREWS);
    const { fake } = d;
    const report = longReport(20_000);
    d.runnerHarness.server.enqueue({ content: report });
    const mention = fake.postMessage({ author: fake.users.ada, channelId: fake.channels.general.id, content: `<@${fake.bot.id}> long_crew batteries`, mentions: [fake.bot] });
    await d.traced(mention.id, 'handled');
    await d.surface.idle();

    const result = fake.messagesIn(mention.id).filter((message) => message.embeds.length === 0 && message.content.includes('— result'));
    expect(result).toHaveLength(1);
    expect(result[0]?.content).toMatch(/^\*\*long\\_crew\*\* — result\n\nThe full text \([\d,]+ characters\) is attached as long_crew\.md\.$/);
    expect(result[0]?.files).toEqual([{ name: 'long_crew.md', contentType: 'text/markdown', text: report }]);
  });

  it('connects without the Message Content intent when the application lacks it: mentions start and steer crews, plain replies are not read', async () => {
    d = await startDiscordHarness(CREWS, { fake: { messageContentAllowed: false } });
    const { fake } = d;
    expect(d.surface.messageContent).toBe(false);
    expect(fake.gateway.closedFor).toEqual([4014]);
    expect(fake.gateway.identifies.map((identify) => (identify.intents & (1 << 15)) !== 0)).toEqual([true, false]);
    d.runnerHarness.server.enqueue({ content: 'Notes v1' }, { content: 'Notes v2 with the CLI' });
    const mention = fake.postMessage({ author: fake.users.ada, channelId: fake.channels.general.id, content: `<@${fake.bot.id}> review_crew 2.0`, mentions: [fake.bot] });
    await d.traced(mention.id, 'handled');
    await d.surface.idle();

    const plain = fake.postMessage({ author: fake.users.ada, channelId: mention.id, content: 'Make it rhyme' });
    expect((await d.traced(plain.id)).outcome).toBe('ignored');
    const called = fake.postMessage({ author: fake.users.ada, channelId: mention.id, content: `<@${fake.bot.id}> Mention the new CLI`, mentions: [fake.bot] });
    await d.traced(called.id, 'handled');
    await d.surface.idle();
    expect(d.runnerHarness.server.requests).toHaveLength(2);
    expect(d.runnerHarness.server.requests[1]?.lastUser).toContain('Mention the new CLI');
    expect(d.runnerHarness.server.requests[1]?.lastUser).not.toContain('rhyme');
  });
});
