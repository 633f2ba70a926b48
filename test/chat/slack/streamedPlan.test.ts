import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buttonsOf, buttonValue, shownText, streamView, type FakeStream, type SlackCall } from '../../support/fakeSlackApi.ts';
import { startFakeSerper, type FakeSerper } from '../../support/fakeSerper.ts';
import { startSlackHarness, waitFor, type SlackHarness } from '../../support/slackHarness.ts';

const CREWS = path.resolve('test/fixtures/slack-crews');
const GENERAL = 'C0GENERAL';
const RELEASES = 'C0RELEASES';
const BOT = '<@U0CREWBOT>';

const SEARCH_RESULTS = {
  organic: [
    { title: 'Rust 2026 roadmap', link: 'https://blog.rust-lang.org/roadmap', snippet: 'What is planned.' },
    { title: 'Rust survey results', link: 'https://example.org/survey', snippet: 'Who uses Rust.' },
  ],
};

/** The statuses a card went through, as its updates were streamed (repeats folded). */
function statusesOf(stream: FakeStream, id: string): string[] {
  const seen = stream.chunks.filter((chunk) => chunk.type === 'task_update' && chunk.id === id).map((chunk) => String(chunk.status));
  return seen.filter((status, index) => status !== seen[index - 1]);
}

function indexOf(calls: SlackCall[], call: SlackCall | undefined): number {
  return call ? calls.indexOf(call) : -1;
}

describe('a run streamed into its Slack thread as a plan', () => {
  let h: SlackHarness;
  let serper: FakeSerper;
  beforeEach(async () => {
    serper = await startFakeSerper();
    h = await startSlackHarness(CREWS, { env: { SERPER_API_KEY: 'serper-test-key', SERPER_API_URL: serper.url } });
  });
  afterEach(async () => {
    await h.close();
    await serper.close();
  });

  async function webBrief(topic: string): Promise<{ ts: string; runId: string }> {
    const ts = h.slack.nextTs();
    await h.slack.appMention({ channel: GENERAL, user: 'U0ADA', text: `${BOT} web_brief ${topic}`, ts });
    const runId = await h.runIn(GENERAL, ts);
    await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed');
    await h.settle();
    return { ts, runId };
  }

  it('shows both tasks ticking from pending to complete, the search as a tool card with its sources, the agents’ text as it streams, then the result', async () => {
    serper.respondWith(SEARCH_RESULTS);
    h.openai.enqueue(
      // Each call takes longer than the 50 ms pace, so every state a task goes through is streamed.
      { toolCalls: [{ name: 'web_search', arguments: { query: 'Rust 2026' } }], delayMs: 300 },
      // The answers stream slowly, a few characters at a time.
      { content: 'Rust keeps growing.\nThe roadmap is public.\nSurvey: more users.\nMore lines.', delayMs: 300, chunkChars: 8, chunkDelayMs: 15 },
      { content: '# Rust in 2026\nIt grows.', delayMs: 300, chunkChars: 8, chunkDelayMs: 15 },
    );
    const { ts } = await webBrief('Rust 2026');

    const [stream, ...more] = h.fake.streamsIn(GENERAL, ts);
    expect(more).toEqual([]);
    expect(stream).toMatchObject({ taskDisplayMode: 'plan', recipientUserId: 'U0ADA', recipientTeamId: h.fake.team.id, state: 'stopped' });
    const plan = streamView(stream!);
    expect(plan.tasks.map((task) => task.id)).toEqual(['research_task', 'write_task', 'tool-1']);
    expect(plan.tasks[0]).toMatchObject({ title: 'research_task — Web Researcher', status: 'complete', output: 'Rust keeps growing.\nThe roadmap is public.\nSurvey: more users.' });
    expect(plan.tasks[1]).toMatchObject({ title: 'write_task — Writer', status: 'complete', output: '# Rust in 2026\nIt grows.' });
    expect(plan.tasks[2]).toMatchObject({
      title: 'Web Researcher · web_search',
      status: 'complete',
      details: 'searched for “Rust 2026”',
      sources: [
        { type: 'url', url: 'https://blog.rust-lang.org/roadmap', text: 'Rust 2026 roadmap' },
        { type: 'url', url: 'https://example.org/survey', text: 'Rust survey results' },
      ],
    });
    expect(statusesOf(stream!, 'research_task')).toEqual(['in_progress', 'complete']);
    expect(statusesOf(stream!, 'write_task')).toEqual(['pending', 'in_progress', 'complete']);
    // Each agent's text under its own heading, exactly as written, sent over several appends as it came.
    expect(plan.text).toBe('**Web Researcher · research_task**\n\nRust keeps growing.\nThe roadmap is public.\nSurvey: more users.\nMore lines.\n\n**Writer · write_task**\n\n# Rust in 2026\nIt grows.');
    const textAppends = h.fake.callsTo('chat.appendStream').filter((call) => JSON.stringify(call.args.chunks).includes('"markdown_text"'));
    expect(textAppends.length).toBeGreaterThan(1);

    // The status message heads the thread, the plan follows, then the result.
    const replies = h.replies(GENERAL, ts);
    expect(buttonsOf(replies[0])).toEqual([]);
    expect(shownText(replies[0])).toContain('*web_brief* · done');
    expect(replies[1]?.ts).toBe(stream!.ts);
    expect(shownText(replies[2])).toContain('web_brief — result');
    expect(shownText(replies[2])).toContain('Rust in 2026');
    // Every card update went out within Slack's limits, and the stream is addressed to whoever asked.
    for (const call of h.fake.calls.filter((c) => c.method.endsWith('Stream'))) expect(call.error).toBeUndefined();
  });

  it('stops the stream before a review request, posts its buttons, and streams again once it is answered', async () => {
    h.openai.enqueue({ content: 'Notes v1', delayMs: 100 }, { content: 'Announcing 2.0', delayMs: 100 });
    const ts = h.slack.nextTs();
    await h.slack.appMention({ channel: RELEASES, user: 'U0ADA', text: `${BOT} release_notes 2.0`, ts });
    const runId = await h.runIn(RELEASES, ts);
    const prompt = await waitFor('the review prompt', () => h.replies(RELEASES, ts).find((m) => buttonsOf(m).includes('crew_request:approve')));
    await waitFor('the run to wait', async () => (await h.store.getRun(runId))?.status === 'awaiting_input');
    await h.settle();

    const [first] = h.fake.streamsIn(RELEASES, ts);
    expect(first?.state).toBe('stopped');
    const calls = h.fake.calls;
    const stopped = indexOf(calls, h.fake.callsTo('chat.stopStream').find((call) => call.args.ts === first!.ts));
    const promptPosted = indexOf(calls, calls.find((call) => call.method === 'chat.postMessage' && JSON.stringify(call.args.blocks ?? '').includes('crew_request:approve')));
    expect(stopped).toBeGreaterThan(-1);
    expect(stopped).toBeLessThan(promptPosted);
    expect(streamView(first!).tasks[0]).toMatchObject({ id: 'draft_task', status: 'in_progress', details: 'waiting for a person (review)' });
    expect(h.fake.streamsIn(RELEASES, ts)).toHaveLength(1);

    await h.slack.blockAction({ userId: 'U0ADA', userName: 'ada', channelId: RELEASES, messageTs: prompt.ts, threadTs: ts, actionId: 'crew_request:approve', value: buttonValue(prompt, 'crew_request:approve') });
    await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed');
    await h.settle();

    const streams = h.fake.streamsIn(RELEASES, ts);
    expect(streams).toHaveLength(2);
    const second = streams[1]!;
    expect(Number(second.ts)).toBeGreaterThan(Number(prompt.ts));
    expect(second.state).toBe('stopped');
    expect(streamView(second).tasks.map((task) => [task.id, task.status])).toEqual([
      ['draft_task', 'complete'],
      ['publish_task', 'complete'],
    ]);
    expect(shownText(h.fake.message(RELEASES, prompt.ts))).toContain('ada approved');
  });

  it('carries on in a new message when Slack has ended the stream, losing no text', async () => {
    h.openai.enqueue({ content: 'Five findings, written slowly.', chunkChars: 5, chunkDelayMs: 60 }, { content: 'The brief' });
    const ts = h.slack.nextTs();
    await h.slack.appMention({ channel: GENERAL, user: 'U0ADA', text: `${BOT} briefing Rust audience=devs`, ts });
    const runId = await h.runIn(GENERAL, ts);
    await waitFor('the answer to be streaming', () => h.fake.streamsIn(GENERAL, ts).some((s) => streamView(s).text.includes('Five')));
    h.fake.expireStreams();
    await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed');
    await h.settle();

    const [first, second, ...more] = h.fake.streamsIn(GENERAL, ts);
    expect(more).toEqual([]);
    // The second message heads the same agent's text again and carries on where the first ended.
    const heading = '**Researcher · research_task**\n\n';
    expect(streamView(second!).text.startsWith(heading)).toBe(true);
    expect((streamView(first!).text + streamView(second!).text).replaceAll(heading, '')).toContain('Five findings, written slowly.');
    expect(streamView(second!).tasks.map((task) => [task.id, task.status])).toEqual([
      ['research_task', 'complete'],
      ['write_task', 'complete'],
    ]);
    expect(h.fake.callsTo('chat.appendStream').filter((call) => call.error === 'message_not_in_streaming_state')).toHaveLength(1);
  });

  it('falls back to today’s status message in a workspace that refuses streaming, asking only once', async () => {
    h.fake.refuseStreaming('not_allowed_token_type');
    serper.respondWith(SEARCH_RESULTS);
    h.openai.enqueue(
      { toolCalls: [{ name: 'web_search', arguments: { query: 'Rust' } }] },
      { content: 'Findings' },
      { content: 'Brief one' },
      { toolCalls: [{ name: 'web_search', arguments: { query: 'Go' } }] },
      { content: 'More findings' },
      { content: 'Brief two' },
    );
    const { ts } = await webBrief('Rust');
    await webBrief('Go');

    expect(h.fake.callsTo('chat.startStream')).toHaveLength(1);
    expect(h.fake.streams).toEqual([]);
    const [status, result] = h.replies(GENERAL, ts);
    expect(status!.edits).toBeGreaterThan(0);
    expect(shownText(status)).toContain('*web_brief* · done');
    expect(shownText(status)).toContain(':white_check_mark: `research_task` — Web Researcher');
    expect(shownText(status)).toContain(':white_check_mark: `write_task` — Writer');
    expect(shownText(result)).toContain('Brief one');
  });

  it('finishes a stream an earlier process left open mid-answer, then streams the resumed run afresh', async () => {
    serper.respondWith(SEARCH_RESULTS);
    // The researcher writes slowly: the process stops while its answer is streaming, and the resumed run asks again.
    h.openai.enqueue(
      { toolCalls: [{ name: 'web_search', arguments: { query: 'Rust' } }] },
      { content: 'Findings: Rust is growing fast, say the sources.', chunkChars: 4, chunkDelayMs: 80 },
      { content: 'Findings again' },
      { content: 'Brief' },
    );
    const ts = h.slack.nextTs();
    await h.slack.appMention({ channel: GENERAL, user: 'U0ADA', text: `${BOT} web_brief Rust`, ts });
    const runId = await h.runIn(GENERAL, ts);
    const open = await waitFor('the answer to be streaming', () => h.fake.streamsIn(GENERAL, ts).find((s) => s.state === 'streaming' && streamView(s).text.includes('Findings')));

    await h.restart();
    expect(open.state).toBe('streaming');
    expect((await h.store.getThreadState(runId)) as { stream?: { id: string } }).toMatchObject({ stream: { id: open.ts } });
    expect(await h.runner.recover()).toEqual([runId]);
    await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed');
    await h.settle();

    expect(open.state).toBe('stopped');
    expect(streamView(open).text).toContain('interrupted by a restart');
    expect(streamView(open).text).not.toContain('say the sources');
    // Only the interrupted call was made again: the search, the cut answer, its repeat, the brief.
    expect(h.openai.requests).toHaveLength(4);
    const streams = h.fake.streamsIn(GENERAL, ts);
    expect(streams.every((s) => s.state === 'stopped')).toBe(true);
    expect(streamView(streams.at(-1)!).tasks.filter((t) => !t.id.startsWith('tool-')).map((t) => t.status)).toEqual(['complete', 'complete']);
    expect((await h.store.getThreadState(runId)) as { stream?: unknown }).not.toHaveProperty('stream');
  });
});

describe('Slack’s agent pane', () => {
  let h: SlackHarness;
  beforeEach(async () => {
    h = await startSlackHarness(CREWS);
  });
  afterEach(async () => {
    await h.close();
  });

  it('offers the crews as suggested prompts when a thread opens in the pane', async () => {
    await h.slack.event({ type: 'assistant_thread_started', assistant_thread: { user_id: 'U0ADA', channel_id: 'D0ADA', thread_ts: '1710000099.000100', context: {} }, event_ts: '1710000099.000100' });
    const [call] = await waitFor('the suggested prompts', () => h.fake.callsTo('assistant.threads.setSuggestedPrompts').length > 0 && h.fake.callsTo('assistant.threads.setSuggestedPrompts'));
    expect(call!.args).toMatchObject({ channel_id: 'D0ADA', thread_ts: '1710000099.000100', title: 'Start a crew' });
    const prompts = call!.args.prompts as Array<{ title: string; message: string }>;
    expect(prompts).toHaveLength(4);
    expect(prompts[0]).toEqual({ title: 'briefing — Researches a topic and writes a short briefing', message: 'briefing' });
    const loading = (await h.runtime.listCrews()).filter((crew) => !crew.error).map((crew) => crew.name);
    expect(prompts.map((prompt) => prompt.message)).toEqual(loading.slice(0, 4));
  });

  it('titles an assistant thread with the crew and its main input', async () => {
    h.openai.enqueue({ content: 'Findings' }, { content: 'Briefing' });
    const ts = h.slack.nextTs();
    await h.slack.message({ channel: 'D0ADA', user: 'U0ADA', text: 'briefing Rust audience=devs', ts });
    const runId = await h.runIn('D0ADA', ts);
    await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed');
    await h.settle();
    expect(h.fake.callsTo('assistant.threads.setTitle').map((call) => call.args)).toEqual([{ channel_id: 'D0ADA', thread_ts: ts, title: 'briefing: Rust' }]);
    expect(h.fake.streamsIn('D0ADA', ts)[0]).toMatchObject({ taskDisplayMode: 'plan', state: 'stopped' });
  });
});
