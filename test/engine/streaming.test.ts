import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Crew } from '../../src/engine/crew.ts';
import type { CrewEvent } from '../../src/engine/events.ts';
import { Redactor } from '../../src/redactor.ts';
import { readEventLog } from '../../src/runs/eventLog.ts';
import { ScriptedLlm } from '../../src/testing/scriptedLlm.ts';
import { defineTool } from '../../src/tools/defineTool.ts';
import { agent, crew, task } from '../support/crewBuilders.ts';
import { startRunnerHarness } from '../support/runnerHarness.ts';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { llmFor } from '../support/testLlm.ts';

const lookup = defineTool({
  name: 'lookup',
  description: 'Look up a word',
  parameters: z.object({ word: z.string() }),
  run: ({ word }) => `meaning of ${word}`,
});

const researchCrew = () =>
  crew({
    agents: [agent('researcher', { role: 'Researcher', tools: [lookup] }), agent('writer', { role: 'Writer' })],
    tasks: [task('research', { agent: 'researcher' }), task('write', { agent: 'writer' })],
  });

/** The run as one line per LLM call step and checkpoint, streamed text included. */
async function timeline(server: ScriptedOpenAI): Promise<{ steps: string[]; chunks: Array<Extract<CrewEvent, { type: 'llm_stream_chunk' }>> }> {
  const steps: string[] = [];
  const chunks: Array<Extract<CrewEvent, { type: 'llm_stream_chunk' }>> = [];
  await new Crew(researchCrew()).kickoff(
    {},
    {
      llm: llmFor(server),
      onEvent: (event) => {
        if (event.type === 'llm_stream_chunk') chunks.push(event);
        if (event.type === 'llm_stream_chunk' || event.type === 'llm_call_started' || event.type === 'llm_call_completed') steps.push(event.type);
      },
      checkpoint: () => void steps.push('checkpoint'),
    },
  );
  return { steps, chunks };
}

function scriptRun(server: ScriptedOpenAI): void {
  server.enqueue(
    { content: 'Let me look that up.', chunkChars: 8, toolCalls: [{ name: 'lookup', arguments: { word: 'tide' } }] },
    { content: 'Tides are the rise and fall of the sea.', chunkChars: 8 },
    { content: 'An article about tides.', chunkChars: 8 },
  );
}

describe('streamed agent text', () => {
  let server: ScriptedOpenAI;
  beforeEach(async () => {
    server = await startScriptedOpenAI();
  });
  afterEach(async () => {
    await server.close();
  });

  it('reports the text each agent writes, piece by piece, for the task it works on', async () => {
    scriptRun(server);

    const { chunks } = await timeline(server);

    const textOf = (taskId: string) => chunks.filter((chunk) => chunk.taskId === taskId).map((chunk) => chunk.chunk).join('');
    expect(textOf('research')).toBe('Let me look that up.Tides are the rise and fall of the sea.');
    expect(textOf('write')).toBe('An article about tides.');
    expect(new Set(chunks.map((chunk) => `${chunk.taskId}/${chunk.agent}`))).toEqual(new Set(['research/Researcher', 'write/Writer']));
    expect(chunks.length).toBeGreaterThan(6);
  });

  it('checkpoints exactly as an unstreamed run does: once the whole response is in, never mid-stream', async () => {
    scriptRun(server);
    const streamed = await timeline(server);
    server.setStreaming('refuse');
    scriptRun(server);
    const plain = await timeline(server);

    const withoutChunks = (steps: string[]) => steps.filter((step) => step !== 'llm_stream_chunk');
    expect(withoutChunks(streamed.steps)).toEqual(plain.steps);
    expect(plain.chunks).toEqual([]);
    // Between a call's start and its completion there is streamed text and nothing else.
    const calls = streamed.steps.join(' ').split('llm_call_started').slice(1);
    for (const call of calls) expect(call.split('llm_call_completed')[0]?.trim().split(' ').every((step) => step === 'llm_stream_chunk')).toBe(true);
  });

  it('tells listeners when a call’s streamed text is void because the call is made again', async () => {
    server.enqueue({ content: 'Half an ans', chunkChars: 4, streamError: 'upstream model crashed' }, { content: 'The whole answer.' });
    const chunks: Array<Extract<CrewEvent, { type: 'llm_stream_chunk' }>> = [];
    const output = await new Crew(crew({ agents: [agent('a', { role: 'Writer' })], tasks: [task('t', { agent: 'a' })] })).kickoff(
      {},
      { llm: llmFor(server), onEvent: (event) => event.type === 'llm_stream_chunk' && chunks.push(event) },
    );
    expect(output.tasks[0]?.raw).toBe('The whole answer.');
    expect(chunks.map((chunk) => [chunk.chunk, chunk.restart ?? false])).toEqual([['Half', false], ['', true]]);
  });

  it('streams from the scripted model in code too, when asked to', async () => {
    const llm = new ScriptedLlm(() => ({ content: 'abcdefgh' }), { streamChunkChars: 3 });
    const chunks: string[] = [];
    await new Crew(crew({ agents: [agent('a')], tasks: [task('t', { agent: 'a' })] })).kickoff({}, { llm, onEvent: (event) => event.type === 'llm_stream_chunk' && chunks.push(event.chunk) });
    expect(chunks).toEqual(['abc', 'def', 'gh']);
  });

  it('never shows a listener a secret the model streams, even split across pieces, and loses none of the other text', async () => {
    const secret = 'sk-live-0123456789abcdef';
    const h = await startRunnerHarness(path.resolve('test/fixtures/fault-crews'), { redactor: new Redactor([secret]) });
    try {
      h.server.setDefault({ content: `The key is ${secret}, keep it safe. Then the tides.`, chunkChars: 3 });
      const streamed = new Map<string, string>();
      h.runner.subscribe((_run, event) => {
        if (event.type === 'llm_stream_chunk') streamed.set(event.taskId, (streamed.get(event.taskId) ?? '') + event.chunk);
      });
      const run = await h.runner.kickoff({ crew: 'three_steps', inputs: { topic: 'tides' }, requester: { platform: 'cli', userId: 'me' } });
      await h.runner.idle();

      expect((await h.store.getRun(run!.id))?.status).toBe('completed');
      expect([...streamed.values()]).toEqual(Array(3).fill('The key is [redacted], keep it safe. Then the tides.'));
    } finally {
      await h.close();
    }
  });

  it('passes streamed text to listeners of a run but keeps none of it in the run’s stored log', async () => {
    const h = await startRunnerHarness(path.resolve('test/fixtures/fault-crews'));
    try {
      h.server.setDefault({ content: 'A step of the article, written slowly.', chunkChars: 6 });
      const seen: CrewEvent[] = [];
      h.runner.subscribe((_run, event) => seen.push(event));
      const run = await h.runner.kickoff({ crew: 'three_steps', inputs: { topic: 'tides' }, requester: { platform: 'cli', userId: 'me' } });
      await h.runner.idle();

      expect(seen.filter((event) => event.type === 'llm_stream_chunk').length).toBeGreaterThanOrEqual(3 * 7);
      const logged = await readEventLog(h.store, run!.id);
      expect(logged.map((event) => event.type)).toContain('llm_call_completed');
      expect(logged.map((event) => event.type)).not.toContain('llm_stream_chunk');
      expect((await h.store.getRun(run!.id))?.status).toBe('completed');
    } finally {
      await h.close();
    }
  });
});
