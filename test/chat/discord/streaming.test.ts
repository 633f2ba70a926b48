import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WRITING_MARK } from '../../../src/chat/discord/growingMessages.ts';
import { startDiscordHarness, type DiscordHarness } from '../../support/discordHarness.ts';
import type { RestCall } from '../../support/fakeDiscord.ts';

const CREWS = path.resolve('test/fixtures/discord-crews');
const FINDINGS = Array.from({ length: 12 }, (_, i) => `- Finding ${i + 1}: the tide table agrees with the moon.`).join('\n');
const BRIEF = 'Tides follow the moon: two highs a day, springs at full and new moon.';

describe('Discord: the plan in the status message and the agent’s text growing in the thread', () => {
  let d: DiscordHarness;
  afterEach(async () => {
    await d.close();
    expect(d.errors).toEqual([]);
  });

  it('shows each task’s state in the status message, grows the text at most one edit a second, then shows the output', async () => {
    // The real pace: one status edit per second, and the port spaces a channel's edits as far apart.
    d = await startDiscordHarness(CREWS, { statusEveryMs: 1_000 });
    const { fake } = d;
    // About three seconds of slow writing for the research, then a quick brief.
    d.runnerHarness.server.enqueue({ content: FINDINGS, chunkChars: 8, chunkDelayMs: 50 }, { content: BRIEF, chunkChars: 10 });
    const mention = fake.postMessage({ author: fake.users.ada, channelId: fake.channels.general.id, content: `<@${fake.bot.id}> brief_crew tides`, mentions: [fake.bot] });
    await d.traced(mention.id, 'handled');
    await d.surface.idle();
    const thread = mention.id;

    // The plan: every task with its state, as the status message showed it along the way.
    const [status] = fake.messagesIn(thread).filter((message) => message.embeds.length > 0);
    const plans = [firstEmbed(fake.calls.find((call) => call.method === 'POST' && call.path === `/channels/${thread}/messages`)), ...editsOf(fake.calls, thread, status!.id).map(firstEmbed)];
    expect(plans).toContainEqual(expect.stringMatching(/`research_task` — Researcher · in progress\n.*`write_task` · pending/));
    expect(plans.at(-1)).toMatch(/✅ `research_task` — Researcher · done\n✅ `write_task` — Writer · done/);

    // The research grew in one message, edit by edit, while it was written…
    const research = fake.messagesIn(thread).find((message) => message.content.startsWith('**research\\_task — Researcher**'))!;
    const shown = editsOf(fake.calls, thread, research.id).map((call) => contentOf(call));
    const growing = shown.filter((content) => content.includes(WRITING_MARK));
    expect(growing.length).toBeGreaterThanOrEqual(2);
    const lengths = growing.map((content) => content.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
    expect(growing[0]!.length).toBeLessThan(FINDINGS.length);
    // …and became the task's output once it was complete.
    expect(research.content).toBe(`**research\\_task — Researcher**\n\n${FINDINGS}`);
    expect(research.content).not.toContain(WRITING_MARK);
    expect(fake.messagesIn(thread).some((message) => message.content.startsWith('**write\\_task — Writer**') && message.content.endsWith(BRIEF))).toBe(true);

    // The pace, as Discord saw it: no two edits in the thread's channel less than about a second apart.
    const editTimes = fake.calls.filter((call) => call.method === 'PATCH' && call.path.startsWith(`/channels/${thread}/messages/`)).map((call) => call.at);
    expect(editTimes.length).toBeGreaterThanOrEqual(4);
    const gaps = editTimes.slice(1).map((at, i) => at - editTimes[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(950);
  }, 30_000);
});

function editsOf(calls: RestCall[], channel: string, message: string): RestCall[] {
  return calls.filter((call) => call.method === 'PATCH' && call.path === `/channels/${channel}/messages/${message}`);
}

function contentOf(call: RestCall | undefined): string {
  const body = call?.body;
  return typeof body === 'object' && body !== null && 'content' in body && typeof body.content === 'string' ? body.content : '';
}

function firstEmbed(call: RestCall | undefined): string {
  const body = call?.body;
  if (typeof body !== 'object' || body === null || !('embeds' in body) || !Array.isArray(body.embeds)) return '';
  const [embed] = body.embeds as unknown[];
  return typeof embed === 'object' && embed !== null && 'description' in embed && typeof embed.description === 'string' ? embed.description : '';
}
