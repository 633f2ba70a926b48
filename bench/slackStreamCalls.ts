import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startFakeSerper } from '../test/support/fakeSerper.ts';
import { startSlackHarness, waitFor } from '../test/support/slackHarness.ts';

/**
 * Slack Web API calls per run of a 2-task crew with a tool call (`web_brief` in
 * test/fixtures/slack-crews: a web search, then two answers of about 1,200 characters each that
 * the scripted model streams 6 characters every 10 ms), counted at the fake Slack API: with the
 * plan streamed, and in a workspace that refuses streaming (today's status message). Updates at
 * production's pace (one a second per thread), every model call waits 300 ms before answering.
 */

const RUNS = 3;
const CREWS = path.resolve('test/fixtures/slack-crews');

export interface SlackStreamCallsResult {
  runs: number;
  streaming: CallCount;
  refused: CallCount;
}

export interface CallCount {
  perRun: number;
  byMethod: Record<string, number>;
  /** Characters of the agents' text streamed per chat.appendStream that carried text. */
  textPerAppend: number;
}

function answer(topic: string): string {
  const lines: string[] = [];
  for (let i = 1; lines.join('\n').length < 1_200; i += 1) lines.push(`- Finding ${i} about ${topic}: it is **worth knowing** and it has a source.`);
  return lines.join('\n');
}

async function countCalls(refuse: boolean): Promise<CallCount> {
  const serper = await startFakeSerper();
  serper.respondWith({ organic: [{ title: 'A result', link: 'https://example.org/a', snippet: 'About it.' }, { title: 'Another', link: 'https://example.org/b' }] });
  const h = await startSlackHarness(CREWS, { statusEveryMs: 1_000, env: { SERPER_API_KEY: 'bench-key', SERPER_API_URL: serper.url } });
  try {
    if (refuse) h.fake.refuseStreaming('not_allowed_token_type');
    for (let i = 0; i < RUNS; i += 1) {
      const topic = `topic ${i}`;
      const slow = { delayMs: 300, chunkChars: 6, chunkDelayMs: 10 };
      h.openai.enqueue({ toolCalls: [{ name: 'web_search', arguments: { query: topic } }], delayMs: 300 }, { content: answer(topic), ...slow }, { content: answer(`${topic} (brief)`), ...slow });
      const ts = h.slack.nextTs();
      await h.slack.appMention({ channel: 'C0GENERAL', user: 'U0ADA', text: `<@U0CREWBOT> web_brief ${topic}`, ts });
      const runId = await h.runIn('C0GENERAL', ts);
      await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed', 60_000);
      await h.settle();
    }
    // Only what the runs cost: auth.test at start-up is the process's, not a run's.
    const calls = h.fake.calls.filter((call) => call.method !== 'auth.test');
    const byMethod: Record<string, number> = {};
    for (const call of calls) byMethod[call.method] = (byMethod[call.method] ?? 0) + 1 / RUNS;
    const textAppends = h.fake.callsTo('chat.appendStream').flatMap((call) => {
      const chunks = Array.isArray(call.args.chunks) ? (call.args.chunks as Array<{ type?: string; text?: string }>) : [];
      const text = chunks.filter((chunk) => chunk.type === 'markdown_text').reduce((total, chunk) => total + (chunk.text?.length ?? 0), 0);
      return text > 0 ? [text] : [];
    });
    return {
      perRun: calls.length / RUNS,
      byMethod,
      textPerAppend: textAppends.length > 0 ? textAppends.reduce((a, b) => a + b, 0) / textAppends.length : 0,
    };
  } finally {
    await h.close();
    await serper.close();
  }
}

export async function slackStreamCalls(): Promise<SlackStreamCallsResult> {
  return { runs: RUNS, streaming: await countCalls(false), refused: await countCalls(true) };
}

export function formatSlackStreamCalls(result: SlackStreamCallsResult): string[] {
  const methods = (count: CallCount) =>
    Object.entries(count.byMethod)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([method, n]) => `${method} ${n.toFixed(2)}`)
      .join(', ');
  return [
    `Slack API calls per 2-task run with a tool call, plan streamed: ${result.streaming.perRun.toFixed(2)} (${methods(result.streaming)}; ${result.streaming.textPerAppend.toFixed(0)} characters of text per append)`,
    `Slack API calls per 2-task run, streaming refused (status message): ${result.refused.perRun.toFixed(2)} (${methods(result.refused)})`,
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of formatSlackStreamCalls(await slackStreamCalls())) console.log(line);
}
