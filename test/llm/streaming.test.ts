import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenAiLlm } from '../../src/llm/openaiLlm.ts';
import type { RetryInfo } from '../../src/llm/retry.ts';
import type { LlmRequest } from '../../src/llm/types.ts';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';

describe('OpenAiLlm streams the answer as the model writes it', () => {
  let server: ScriptedOpenAI;
  let retries: RetryInfo[];

  const llm = (timeoutMs = 5_000) =>
    new OpenAiLlm({
      apiKey: 'sk-test-stream',
      baseURL: server.url,
      defaultModel: 'stream-model',
      timeoutMs,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      onRetry: (info) => retries.push(info),
    });

  /** A request whose streamed text is collected in `pieces`. */
  const streamed = (text: string, pieces: string[]): LlmRequest => ({
    messages: [{ role: 'user', content: text }],
    onTextDelta: (piece) => pieces.push(piece),
  });

  beforeEach(async () => {
    server = await startScriptedOpenAI();
    retries = [];
  });
  afterEach(async () => {
    await server.close();
  });

  it('hands the text over piece by piece and still returns the whole answer with its usage', async () => {
    server.enqueue({ content: 'The tide turns twice a day.', chunkChars: 5, usage: { prompt_tokens: 30, completion_tokens: 8 } });
    const pieces: string[] = [];

    const response = await llm().chat(streamed('Tides?', pieces));

    expect(pieces).toEqual(['The t', 'ide t', 'urns ', 'twice', ' a da', 'y.']);
    expect(response).toEqual({ content: 'The tide turns twice a day.', toolCalls: [], usage: { promptTokens: 30, completionTokens: 8 }, model: 'stream-model' });
    expect(server.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('puts tool calls together from their deltas before handing them over', async () => {
    server.enqueue({
      content: 'Looking it up.',
      toolCalls: [
        { name: 'web_search', arguments: { query: 'spring tides and neap tides' }, id: 'call_a' },
        { name: 'fetch_url', arguments: { url: 'https://tides.example/table' }, id: 'call_b' },
      ],
    });
    const pieces: string[] = [];

    const response = await llm().chat(streamed('Tides?', pieces));

    expect(pieces.join('')).toBe('Looking it up.');
    expect(response.toolCalls).toEqual([
      { id: 'call_a', name: 'web_search', arguments: '{"query":"spring tides and neap tides"}' },
      { id: 'call_b', name: 'fetch_url', arguments: '{"url":"https://tides.example/table"}' },
    ]);
  });

  it('asks plainly when the server refuses to stream, and goes on asking plainly without trying again', async () => {
    server.setStreaming('refuse');
    server.enqueue({ content: 'first' }, { content: 'second' });
    const client = llm();
    const pieces: string[] = [];

    expect((await client.chat(streamed('one', pieces))).content).toBe('first');
    expect((await client.chat(streamed('two', pieces))).content).toBe('second');

    // One refused request, then the plain call it fell back to, then plain calls only.
    expect(server.requests.map((request) => request.stream)).toEqual([true, false, false]);
    expect(pieces).toEqual([]);
    expect(retries).toEqual([]);
  });

  it("takes a client error that only mentions an upstream for what it is, not for a refusal to stream", async () => {
    server.enqueue({ status: 400, errorBody: { error: { message: 'Bad request: the upstream gateway rejected the key', type: 'invalid_request_error' } } });

    await expect(llm().chat(streamed('one', []))).rejects.toThrow(/upstream gateway rejected the key/);
    // No plain call made after it: that would be asked a question the server already refused.
    expect(server.requests.map((request) => request.stream)).toEqual([true]);
  });

  it('takes a whole answer from a server that ignores stream: true, and stops asking it to stream', async () => {
    server.setStreaming('ignore');
    server.enqueue({ content: 'whole', usage: { prompt_tokens: 3, completion_tokens: 1 } }, { content: 'again' });
    const client = llm();

    const first = await client.chat(streamed('one', []));
    await client.chat(streamed('two', []));

    expect(first).toMatchObject({ content: 'whole', usage: { promptTokens: 3, completionTokens: 1 } });
    expect(server.requests.map((request) => request.stream)).toEqual([true, false]);
  });

  it('repeats a call plainly when the stream itself carries an error, and streams the next call again', async () => {
    server.enqueue({ content: 'cut short', chunkChars: 3, streamError: 'upstream model crashed' }, { content: 'plain answer' }, { content: 'streamed again' });
    const client = llm();
    const pieces: string[] = [];
    let restarts = 0;

    // The piece shown before the error is void once the call is made again: the caller is told.
    expect((await client.chat({ ...streamed('one', pieces), onTextRestart: () => (restarts += 1) })).content).toBe('plain answer');
    expect(pieces).toEqual(['cut']);
    expect(restarts).toBe(1);
    expect((await client.chat(streamed('two', pieces))).content).toBe('streamed again');

    expect(server.requests.map((request) => request.stream)).toEqual([true, false, true]);
  });

  it('gives up on a stream that goes silent and tries again, so a stalled server cannot hang a run', async () => {
    server.enqueue({ content: 'never finishes', chunkChars: 4, chunkDelayMs: 2_000 }, { content: 'on time' });

    const response = await llm(300).chat(streamed('one', []));

    expect(response.content).toBe('on time');
    expect(retries).toHaveLength(1);
    expect(retries[0]?.reason).toContain('timeout');
  });

  it('does not stream a request nobody reads the text of', async () => {
    server.enqueue({ content: 'plain' });

    await llm().chat({ messages: [{ role: 'user', content: 'hi' }] });

    expect(server.requests[0]?.stream).toBe(false);
  });
});
