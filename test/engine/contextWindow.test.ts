import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Crew } from '../../src/engine/crew.ts';
import type { CrewEvent } from '../../src/engine/events.ts';
import type { RunState } from '../../src/engine/runState.ts';
import type { AgentSpec } from '../../src/engine/spec.ts';
import { knownContextWindow } from '../../src/llm/contextWindows.ts';
import { defineTool } from '../../src/tools/defineTool.ts';
import { agent, crew, task } from '../support/crewBuilders.ts';
import { startScriptedOpenAI, textOf, type RecordedRequest, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { llmFor } from '../support/testLlm.ts';

const WINDOW = 1_500;
const DESCRIPTION = 'Read pages 1 to 3 of the tide almanac and report what they say.';
const EXPECTED = 'Three sentences on the tides.';

/** Each page is about 550 tokens: three of them do not fit a 1,500-token window. */
const readPage = defineTool({
  name: 'read_page',
  description: 'Read one page of the almanac',
  parameters: z.object({ page: z.number().int() }),
  run: ({ page }) => `page ${page}: ${`high tide at dawn on day ${page}. `.repeat(70)}`,
});

const isSummariser = (req: RecordedRequest) => req.system.includes('condense');

/** The reader asks for pages 1, 2 and 3 in turn, then answers; the summariser answers with a summary. */
function scriptReader(server: ScriptedOpenAI) {
  server.setDefault((req) => {
    if (isSummariser(req)) return { content: 'Pages 1 and 2: high tide at dawn on days 1 and 2.' };
    const lastCall = [...req.messages].reverse().find((m) => m.role === 'assistant');
    const calls = (lastCall?.tool_calls ?? []) as Array<{ function: { arguments: string } }>;
    const page = calls[0] ? (JSON.parse(calls[0].function.arguments) as { page: number }).page : 0;
    return page < 3 ? { toolCalls: [{ name: 'read_page', arguments: { page: page + 1 } }] } : { content: 'Tides come at dawn on days 1 to 3.' };
  });
}

function readerCrew(overrides: Partial<AgentSpec> = {}) {
  return crew({
    agents: [agent('reader', { role: 'Reader', tools: [readPage], ...overrides })],
    tasks: [task('read', { agent: 'reader', description: DESCRIPTION, expectedOutput: EXPECTED })],
  });
}

describe('respect_context_window: a conversation that outgrows the model', () => {
  let server: ScriptedOpenAI;
  beforeEach(async () => {
    server = await startScriptedOpenAI();
    server.setContextWindow(WINDOW);
    scriptReader(server);
  });
  afterEach(async () => {
    await server.close();
  });

  it('crosses a small window the server enforces: refused once, summarised with one call, completed', async () => {
    const events: CrewEvent[] = [];
    const checkpoints: RunState[] = [];
    const output = await new Crew(readerCrew()).kickoff(
      {},
      { llm: llmFor(server), onEvent: (event) => events.push(event), checkpoint: (state) => void checkpoints.push(structuredClone(state)) },
    );

    expect(output.raw).toBe('Tides come at dawn on days 1 to 3.');
    // test-model is in no table: the server's context_length_exceeded was the signal.
    expect(server.refusedForLength).toBe(1);
    const summaries = server.requests.filter(isSummariser);
    expect(summaries).toHaveLength(1);
    expect(textOf(summaries[0]!)).toContain('page 1: high tide');
    expect(textOf(summaries[0]!)).toContain('page 2: high tide');

    const last = server.requests.at(-1)!;
    const shown = textOf(last);
    // The task's own words are never summarised away; the latest page is still there in full.
    expect(shown).toContain(DESCRIPTION);
    expect(shown).toContain(EXPECTED);
    expect(shown).toContain('Summary of your earlier work on this task');
    expect(shown).toContain('Pages 1 and 2: high tide at dawn');
    expect(shown).toContain('page 3: high tide');
    expect(shown).not.toContain('page 1: high tide');
    // The tool calls of the latest turn still have their results, as the API requires.
    expect(last.messages.slice(-2).map((m) => m.role)).toEqual(['assistant', 'tool']);

    // The summary call is the reader's own: booked to it like any of its calls.
    expect(output.usageByAgent.Reader?.llmCalls).toBe(5);
    const summarized = events.find((event) => event.type === 'context_summarized');
    expect(summarized).toMatchObject({ taskId: 'read', agent: 'Reader', model: 'test-model' });
    expect(summarized?.type === 'context_summarized' && summarized.tokensAfter < summarized.tokensBefore).toBe(true);
    // The summarised conversation was checkpointed before the next call: a resume does not summarise again.
    expect(checkpoints.some((state) => JSON.stringify(state.conversations.read?.messages).includes('Pages 1 and 2'))).toBe(true);
  });

  it('with the window known (context_window in agents.yaml) summarises before the server has to refuse', async () => {
    const output = await new Crew(readerCrew({ contextWindow: WINDOW })).kickoff({}, { llm: llmFor(server) });

    expect(output.raw).toBe('Tides come at dawn on days 1 to 3.');
    expect(server.refusedForLength).toBe(0);
    expect(server.requests.filter(isSummariser)).toHaveLength(1);
  });

  it('with respect_context_window: false fails naming the agent, the model and the sizes, before paying for the call', async () => {
    const run = new Crew(readerCrew({ contextWindow: WINDOW, respectContextWindow: false })).kickoff({}, { llm: llmFor(server) });

    await expect(run).rejects.toThrow(/^Task read failed: Reader's next request to test-model is about [\d,]+ tokens, more than its context window of 1,500 tokens, and respect_context_window is false/);
    expect(server.requests).toHaveLength(3);
    expect(server.refusedForLength).toBe(0);
    expect(server.requests.filter(isSummariser)).toHaveLength(0);
  });

  it('with respect_context_window: false and the window unknown, the server refusal is reported with its stated size', async () => {
    const run = new Crew(readerCrew({ respectContextWindow: false })).kickoff({}, { llm: llmFor(server), sleep: async () => undefined });

    await expect(run).rejects.toThrow(/Reader's next request to test-model .* context window of 1,500 tokens/);
    // Not retried: another try would be refused the same way.
    expect(server.refusedForLength).toBe(1);
  });

  it('a task whose own description cannot fit fails with what to do, and is never cut', async () => {
    const huge = `${DESCRIPTION} ${'Consider every detail. '.repeat(400)}`;
    const spec = crew({
      agents: [agent('reader', { role: 'Reader', tools: [readPage] })],
      tasks: [task('read', { agent: 'reader', description: huge, expectedOutput: EXPECTED })],
    });
    const run = new Crew(spec).kickoff({}, { llm: llmFor(server), sleep: async () => undefined });

    await expect(run).rejects.toThrow(/does not fit test-model's context window even after summarising .* never cut/);
    expect(server.requests.filter(isSummariser)).toHaveLength(0);
  });

  it('knows the windows of common models', () => {
    expect(knownContextWindow('gpt-4o-mini')).toBe(128_000);
    expect(knownContextWindow('openai/gpt-4')).toBe(8_192);
    expect(knownContextWindow('gpt-4.1-mini')).toBe(1_047_576);
    expect(knownContextWindow('llama3.1:8b')).toBe(131_072);
    expect(knownContextWindow('test-model')).toBeUndefined();
  });
});
