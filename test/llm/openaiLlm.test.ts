import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LlmAbortedError,
  LlmAuthError,
  LlmRequestError,
  LlmResponseError,
  LlmUnavailableError,
  LlmUnreachableError,
} from '../../src/llm/errors.ts';
import { OpenAiLlm, type OpenAiLlmOptions } from '../../src/llm/openaiLlm.ts';
import type { RetryInfo } from '../../src/llm/retry.ts';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';

const API_KEY = 'sk-test-secret-0123456789';

describe('OpenAiLlm over the real openai client', () => {
  let server: ScriptedOpenAI;
  let sleeps: number[];
  let retries: RetryInfo[];

  function llm(overrides: Partial<OpenAiLlmOptions> = {}): OpenAiLlm {
    return new OpenAiLlm({
      apiKey: API_KEY,
      baseURL: server.url,
      defaultModel: 'default-model',
      timeoutMs: 5_000,
      retry: { maxAttempts: 3 },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      onRetry: (info) => retries.push(info),
      ...overrides,
    });
  }

  const ask = (text: string) => ({ messages: [{ role: 'user' as const, content: text }] });

  beforeEach(async () => {
    server = await startScriptedOpenAI();
    sleeps = [];
    retries = [];
  });
  afterEach(async () => {
    await server.close();
  });

  describe('mapping', () => {
    it('sends our messages with the default model and maps a text reply and its usage back', async () => {
      server.enqueue({ content: 'Paris.', usage: { prompt_tokens: 12, completion_tokens: 2 } });

      const response = await llm().chat({
        messages: [
          { role: 'system', content: 'You answer geography questions.' },
          { role: 'user', content: 'Capital of France?' },
        ],
      });

      expect(response).toEqual({
        content: 'Paris.',
        toolCalls: [],
        usage: { promptTokens: 12, completionTokens: 2 },
        model: 'default-model',
      });
      const [req] = server.requests;
      expect(req?.model).toBe('default-model');
      expect(req?.system).toBe('You answer geography questions.');
      expect(req?.lastUser).toBe('Capital of France?');
      expect(req?.body['stream']).toBe(false);
      expect(req?.body).not.toHaveProperty('tools');
      expect(req?.headers['authorization']).toBe(`Bearer ${API_KEY}`);
    });

    it('offers tools, maps two parallel tool calls, and sends the calls and their results back', async () => {
      server.enqueue({
        toolCalls: [
          { name: 'web_search', arguments: { query: 'crewai' }, id: 'call_a' },
          { name: 'fetch_url', arguments: { url: 'https://example.com' }, id: 'call_b' },
        ],
      });
      server.enqueue({ content: 'done' });
      const client = llm();
      const tools = [
        { name: 'web_search', description: 'Search the web', parameters: { type: 'object', properties: {} } },
        { name: 'fetch_url', description: 'Fetch a page', parameters: { type: 'object', properties: {} } },
      ];

      const first = await client.chat({ ...ask('research crewai'), tools, model: 'gpt-special' });

      expect(first.content).toBeNull();
      expect(first.toolCalls).toEqual([
        { id: 'call_a', name: 'web_search', arguments: '{"query":"crewai"}' },
        { id: 'call_b', name: 'fetch_url', arguments: '{"url":"https://example.com"}' },
      ]);
      expect(server.requests[0]?.tools).toEqual(['web_search', 'fetch_url']);
      expect(server.requests[0]?.model).toBe('gpt-special');
      expect(server.requests[0]?.body['tools']).toEqual([
        { type: 'function', function: { name: 'web_search', description: 'Search the web', parameters: tools[0]?.parameters } },
        { type: 'function', function: { name: 'fetch_url', description: 'Fetch a page', parameters: tools[1]?.parameters } },
      ]);

      await client.chat({
        messages: [
          { role: 'user', content: 'research crewai' },
          { role: 'assistant', content: null, tool_calls: first.toolCalls },
          { role: 'tool', tool_call_id: 'call_a', content: 'results' },
          { role: 'tool', tool_call_id: 'call_b', content: 'page' },
        ],
        tools,
      });
      expect(server.requests[1]?.messages).toEqual([
        { role: 'user', content: 'research crewai' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'web_search', arguments: '{"query":"crewai"}' } },
            { id: 'call_b', type: 'function', function: { name: 'fetch_url', arguments: '{"url":"https://example.com"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_a', content: 'results' },
        { role: 'tool', tool_call_id: 'call_b', content: 'page' },
      ]);
    });

    it('asks for a JSON schema with response_format json_schema, not strict', async () => {
      server.enqueue({ content: '{}' });
      const schema = { type: 'object', properties: { ok: { type: 'boolean' } } };

      await llm().chat({ ...ask('json please'), responseFormat: { name: 'verdict', schema } });

      expect(server.requests[0]?.body['response_format']).toEqual({
        type: 'json_schema',
        json_schema: { name: 'verdict', schema, strict: false },
      });
    });

    it('treats missing usage as zero tokens and fills in the model it asked for', async () => {
      server.enqueue({ body: { choices: [{ message: { role: 'assistant', content: 'hi' } }] } });

      const response = await llm().chat(ask('hello'));

      expect(response).toEqual({
        content: 'hi',
        toolCalls: [],
        usage: { promptTokens: 0, completionTokens: 0 },
        model: 'default-model',
      });
    });

    it('refuses a body that is not a chat completion, without retrying', async () => {
      server.enqueue({ body: { choices: [] } });

      await expect(llm().chat(ask('hello'))).rejects.toThrow(LlmResponseError);
      expect(server.requests).toHaveLength(1);
    });

    it('sends a placeholder key when none is configured, for servers that need none', async () => {
      server.enqueue({ content: 'ok' });

      await llm({ apiKey: undefined }).chat(ask('hello'));

      expect(server.requests[0]?.headers['authorization']).toBe('Bearer not-set');
    });
  });

  describe('retries', () => {
    it('waits as long as Retry-After says on a 429, then succeeds', async () => {
      server.enqueue({ status: 429, retryAfter: 2 }, { content: 'after the wait' });

      const response = await llm().chat(ask('hello'));

      expect(response.content).toBe('after the wait');
      expect(server.requests).toHaveLength(2);
      expect(sleeps).toEqual([2_000]);
      expect(retries).toEqual([{ attempt: 1, delayMs: 2_000, reason: expect.stringContaining('429') }]);
    });

    it('caps a long Retry-After at maxDelayMs', async () => {
      server.enqueue({ status: 503, retryAfter: 3_600 }, { content: 'ok' });

      await llm({ retry: { maxAttempts: 3, maxDelayMs: 4_000 } }).chat(ask('hello'));

      expect(sleeps).toEqual([4_000]);
    });

    it('backs off exponentially with jitter when the server gives no Retry-After', async () => {
      server.enqueue({ status: 500 }, { status: 502 }, { status: 408 }, { status: 409 }, { content: 'ok' });

      await llm({ retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 350 } }).chat(ask('hello'));

      expect(server.requests).toHaveLength(5);
      expect(sleeps).toHaveLength(4);
      const ceilings = [100, 200, 350, 350];
      sleeps.forEach((ms, i) => {
        expect(ms).toBeGreaterThanOrEqual((ceilings[i] ?? 0) / 2);
        expect(ms).toBeLessThanOrEqual(ceilings[i] ?? 0);
      });
    });

    it('gives up after maxAttempts server errors with a message naming attempts and endpoint, never the key', async () => {
      server.setDefault({ status: 500, errorBody: { error: { message: `backend down for ${API_KEY}` } } });

      const error = await llm().chat(ask('hello')).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(LlmUnavailableError);
      const message = (error as LlmUnavailableError).message;
      expect(message).toMatch(
        new RegExp(`^LLM endpoint ${server.url.replace(/\./g, '\\.')} failed after 3 attempts over \\d+\\.\\ds: 500 `),
      );
      expect(message).toContain('Check OPENAI_BASE_URL');
      expect(message).not.toContain(API_KEY);
      expect((error as LlmUnavailableError).attempts).toBe(3);
      expect(server.requests).toHaveLength(3);
      expect(sleeps).toHaveLength(2);
    });

    it('gives up early when the next wait would pass maxTotalMs', async () => {
      server.setDefault({ status: 429, retryAfter: 20 });

      const error = await llm({ retry: { maxAttempts: 6, maxTotalMs: 10_000 } })
        .chat(ask('hello'))
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(LlmUnavailableError);
      expect((error as Error).message).toContain('failed after 1 attempt over');
      expect(server.requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
    });

    it('does not retry a 400 and reports the server message', async () => {
      server.enqueue({ status: 400, errorBody: { error: { message: 'max_tokens is too large', type: 'invalid_request_error' } } });

      const error = await llm().chat(ask('hello')).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(LlmRequestError);
      expect((error as LlmRequestError).status).toBe(400);
      expect((error as LlmRequestError).serverMessage).toBe('max_tokens is too large');
      expect((error as Error).message).toContain('max_tokens is too large');
      expect(server.requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
    });

    it('turns 401 and 403 into LlmAuthError that points at OPENAI_API_KEY, without echoing the key', async () => {
      server.enqueue(
        { status: 401, errorBody: { error: { message: `Incorrect API key provided: ${API_KEY}` } } },
        { status: 403 },
      );
      const client = llm();

      const unauthorized = await client.chat(ask('hello')).catch((e: unknown) => e);
      const forbidden = await client.chat(ask('hello')).catch((e: unknown) => e);

      expect(unauthorized).toBeInstanceOf(LlmAuthError);
      expect((unauthorized as Error).message).toContain('OPENAI_API_KEY');
      expect((unauthorized as Error).message).not.toContain(API_KEY);
      expect(forbidden).toBeInstanceOf(LlmAuthError);
      expect((forbidden as LlmAuthError).status).toBe(403);
      expect(server.requests).toHaveLength(2);
    });

    it('retries a request that times out', async () => {
      server.enqueue({ hang: true }, { content: 'second time lucky' });

      const response = await llm({ timeoutMs: 200 }).chat(ask('hello'));

      expect(response.content).toBe('second time lucky');
      expect(server.requests).toHaveLength(2);
      expect(retries[0]?.reason).toContain('timeout');
    });

    it('a local server that refuses the connection gets one quick retry, then asks whether it is running', async () => {
      const closed = await startScriptedOpenAI();
      const deadUrl = closed.url;
      await closed.close();

      const error = await llm({ baseURL: deadUrl, retry: { maxAttempts: 6 } }).chat(ask('hello')).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(LlmUnreachableError);
      expect((error as LlmUnreachableError).attempts).toBe(2);
      expect((error as Error).message).toBe(
        `LLM endpoint ${deadUrl} cannot be reached (ECONNREFUSED, 2 attempts): is the server running at ${deadUrl}? Start it, or point OPENAI_BASE_URL at one that is.`,
      );
      expect(retries).toHaveLength(1);
      expect(sleeps).toEqual([250]);
    });
  });

  describe('abort', () => {
    it('aborts a request in flight', async () => {
      server.enqueue({ hang: true });
      const controller = new AbortController();

      const pending = llm().chat({ ...ask('hello'), signal: controller.signal }).catch((e: unknown) => e);
      await expect.poll(() => server.requests.length).toBe(1);
      controller.abort();

      expect(await pending).toBeInstanceOf(LlmAbortedError);
      expect(server.requests).toHaveLength(1);
      expect(retries).toEqual([]);
    });

    it('aborts a backoff wait without another attempt', async () => {
      server.setDefault({ status: 503, retryAfter: 60 });
      const controller = new AbortController();
      // The real sleep: the test only finishes in time if the abort cuts the 60 s wait short.
      const client = llm({ sleep: undefined, retry: { maxAttempts: 3, maxDelayMs: 60_000 } });

      const pending = client.chat({ ...ask('hello'), signal: controller.signal }).catch((e: unknown) => e);
      await expect.poll(() => retries.length).toBe(1);
      controller.abort();

      expect(await pending).toBeInstanceOf(LlmAbortedError);
      expect(server.requests).toHaveLength(1);
    });

    it('does not call the server when the signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort();

      await expect(llm().chat({ ...ask('hello'), signal: controller.signal })).rejects.toThrow(LlmAbortedError);
      expect(server.requests).toHaveLength(0);
    });
  });
});
