import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startScriptedOpenAI, textOf, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';

describe('the scripted OpenAI-compatible server', () => {
  let server: ScriptedOpenAI;
  let client: OpenAI;

  beforeEach(async () => {
    server = await startScriptedOpenAI();
    client = new OpenAI({ apiKey: 'sk-test', baseURL: server.url, maxRetries: 0, timeout: 5_000 });
  });
  afterEach(async () => {
    await server.close();
  });

  it('answers the real openai client with a queued text reply and records the request', async () => {
    server.enqueue({ content: 'Hello there', usage: { prompt_tokens: 11, completion_tokens: 3 } });

    const completion = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Say hello' },
      ],
      tools: [{ type: 'function', function: { name: 'lookup', description: 'Look up', parameters: { type: 'object' } } }],
    });

    expect(completion.choices[0]?.message.content).toBe('Hello there');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toEqual({ prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 });
    expect(completion.model).toBe('gpt-test');
    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req?.model).toBe('gpt-test');
    expect(req?.system).toBe('You are terse.');
    expect(req?.lastUser).toBe('Say hello');
    expect(req?.tools).toEqual(['lookup']);
    expect(req?.headers['authorization']).toBe('Bearer sk-test');
    expect(req?.finishedAt).toBeGreaterThanOrEqual(req?.startedAt ?? Infinity);
    expect(req && textOf(req)).toBe('You are terse.\nSay hello');
  });

  it('scripts tool calls with unique default ids and finish_reason tool_calls', async () => {
    server.enqueue({ toolCalls: [{ name: 'a', arguments: { q: 1 } }, { name: 'b', arguments: '{not json' }] });
    server.enqueue({ toolCalls: [{ name: 'c', arguments: {}, id: 'mine' }] });

    const first = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'go' }] });
    const second = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'go' }] });

    const calls = first.choices[0]?.message.tool_calls ?? [];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(first.choices[0]?.message.content).toBeNull();
    expect(calls.map((c) => (c.type === 'function' ? [c.id, c.function.name, c.function.arguments] : []))).toEqual([
      ['call_1', 'a', '{"q":1}'],
      ['call_2', 'b', '{not json'],
    ]);
    expect(second.choices[0]?.message.tool_calls?.[0]?.id).toBe('mine');
    expect(first.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('tries rules in order before the queue, uses once-rules once, then the default', async () => {
    server.once((req) => (req.lastUser.includes('ping') ? { content: 'once' } : undefined));
    server.on((req) => (req.lastUser.includes('ping') ? { content: 'always' } : undefined));
    server.enqueue({ content: 'queued' });
    server.setDefault((req) => ({ content: `default for ${req.lastUser}` }));
    const ask = async (text: string) =>
      (await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: text }] })).choices[0]
        ?.message.content;

    expect(await ask('ping')).toBe('once');
    expect(await ask('ping')).toBe('always');
    expect(await ask('other')).toBe('queued');
    expect(await ask('other')).toBe('default for other');
  });

  it('answers an unscripted request with a readable 500', async () => {
    await expect(
      client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'what now?' }] }),
    ).rejects.toThrow(/scripted server has no reply for this request: what now\?/);
  });

  it('sends scripted errors with Retry-After and a custom body', async () => {
    server.enqueue({ status: 429, retryAfter: 7, errorBody: { error: { message: 'slow down', type: 'rate' } } });
    const error: unknown = await client.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(429);
    expect(apiError.headers?.get('retry-after')).toBe('7');
    expect(apiError.message).toContain('slow down');
  });

  it('records response_format and counts concurrent requests', async () => {
    server.setDefault({ content: '{}', delayMs: 30 });
    await Promise.all(
      [1, 2, 3].map(() =>
        client.chat.completions.create({
          model: 'm',
          messages: [{ role: 'user', content: 'json' }],
          response_format: { type: 'json_schema', json_schema: { name: 's', schema: { type: 'object' } } },
        }),
      ),
    );
    expect(server.maxInFlight).toBe(3);
    expect(server.requests[0]?.body['response_format']).toMatchObject({ type: 'json_schema' });
  });

  it('lists models and still closes while a request hangs', async () => {
    const models = await client.models.list();
    expect(models.data[0]?.id).toBe('test-model');

    server.enqueue({ hang: true });
    const pending = client.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    await expect.poll(() => server.requests.length).toBe(1);
    await server.close();
    expect(await pending).toBeInstanceOf(Error);
    server = await startScriptedOpenAI(); // afterEach closes this one
  });
});
