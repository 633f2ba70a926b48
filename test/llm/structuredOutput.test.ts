import { z } from 'zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LlmAuthError, StructuredOutputError } from '../../src/llm/errors.ts';
import { OpenAiLlm } from '../../src/llm/openaiLlm.ts';
import { completeStructured, parseJsonFromText } from '../../src/llm/structuredOutput.ts';
import type { LlmRequest } from '../../src/llm/types.ts';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';

const Verdict = z.object({ approved: z.boolean(), reason: z.string() });
const verdictSchema = {
  name: 'verdict',
  jsonSchema: {
    type: 'object',
    properties: { approved: { type: 'boolean' }, reason: { type: 'string' } },
    required: ['approved', 'reason'],
  },
  zod: Verdict,
};
const request: LlmRequest = {
  messages: [
    { role: 'system', content: 'You review drafts.' },
    { role: 'user', content: 'Is this draft ready?' },
  ],
};

describe('structured output', () => {
  let server: ScriptedOpenAI;
  let llm: OpenAiLlm;

  beforeEach(async () => {
    server = await startScriptedOpenAI();
    llm = new OpenAiLlm({
      apiKey: 'sk-test',
      baseURL: server.url,
      defaultModel: 'test-model',
      retry: { maxAttempts: 1 },
    });
  });
  afterEach(async () => {
    await server.close();
  });

  it('returns the validated value when the first reply is valid JSON, asking with response_format', async () => {
    server.enqueue({ content: '{"approved": true, "reason": "clear and sourced"}' });

    const result = await completeStructured(llm, request, verdictSchema);

    expect(result.value).toEqual({ approved: true, reason: 'clear and sourced' });
    expect(result.raw).toBe('{"approved": true, "reason": "clear and sourced"}');
    expect(result.responses).toHaveLength(1);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.body['response_format']).toEqual({
      type: 'json_schema',
      json_schema: { name: 'verdict', schema: verdictSchema.jsonSchema, strict: false },
    });
  });

  it('reads JSON inside a fenced block surrounded by prose', async () => {
    server.enqueue({ content: 'Here you go:\n```json\n{"approved": false, "reason": "no sources"}\n```\nHope it helps.' });

    const result = await completeStructured(llm, request, verdictSchema);

    expect(result.value).toEqual({ approved: false, reason: 'no sources' });
  });

  it('sends an invalid reply back once with the validation error, and takes the repaired answer', async () => {
    server.enqueue(
      { content: '{"approved": "yes"}', usage: { prompt_tokens: 10, completion_tokens: 4 } },
      { content: '{"approved": true, "reason": "fixed"}', usage: { prompt_tokens: 30, completion_tokens: 6 } },
    );

    const result = await completeStructured(llm, request, verdictSchema);

    expect(result.value).toEqual({ approved: true, reason: 'fixed' });
    expect(server.requests).toHaveLength(2);
    const repair = server.requests[1];
    expect(repair?.messages.slice(0, 3)).toEqual([
      { role: 'system', content: 'You review drafts.' },
      { role: 'user', content: 'Is this draft ready?' },
      { role: 'assistant', content: '{"approved": "yes"}' },
    ]);
    expect(repair?.lastUser).toContain('"verdict"');
    expect(repair?.lastUser).toContain('approved');
    expect(repair?.lastUser).toContain('expected boolean');
    expect(repair?.lastUser).toContain('reason');
    expect(result.responses.map((r) => r.usage)).toEqual([
      { promptTokens: 10, completionTokens: 4 },
      { promptTokens: 30, completionTokens: 6 },
    ]);
  });

  it('shows the parse error when the reply is not JSON at all', async () => {
    server.enqueue({ content: 'I think it is ready.' }, { content: '{"approved": true, "reason": "ok"}' });

    await completeStructured(llm, request, verdictSchema);

    expect(server.requests[1]?.lastUser).toContain('no parsable JSON');
  });

  it('throws StructuredOutputError naming the schema when the repair is invalid too', async () => {
    server.enqueue({ content: 'not json' }, { content: '{"approved": 1}' });

    const error = await completeStructured(llm, request, verdictSchema).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StructuredOutputError);
    expect((error as StructuredOutputError).schemaName).toBe('verdict');
    expect((error as Error).message).toContain('"verdict"');
    expect((error as Error).message).toContain('expected boolean');
    expect(server.requests).toHaveLength(2);
  });

  it('falls back to the schema in the prompt when the server rejects response_format', async () => {
    server.once((req) =>
      req.body['response_format'] ? { status: 400, errorBody: { error: { message: 'response_format is not supported' } } } : undefined,
    );
    server.setDefault((req) =>
      req.body['response_format'] ? undefined : { content: '{"approved": true, "reason": "plain prompt"}' },
    );

    const result = await completeStructured(llm, request, verdictSchema);

    expect(result.value).toEqual({ approved: true, reason: 'plain prompt' });
    expect(server.requests).toHaveLength(2);
    const fallback = server.requests[1];
    expect(fallback?.body).not.toHaveProperty('response_format');
    expect(fallback?.lastUser).toContain(JSON.stringify(verdictSchema.jsonSchema));
    expect(result.responses).toHaveLength(1);
  });

  it('keeps the prompt fallback for the repair request too', async () => {
    server.once((req) => (req.body['response_format'] ? { status: 400 } : undefined));
    server.enqueue({ content: '{}' }, { content: '{"approved": false, "reason": "second"}' });

    const result = await completeStructured(llm, request, verdictSchema);

    expect(result.value.reason).toBe('second');
    expect(server.requests).toHaveLength(3);
    expect(server.requests[2]?.body).not.toHaveProperty('response_format');
  });

  it('lets other errors through', async () => {
    server.enqueue({ status: 401 });

    await expect(completeStructured(llm, request, verdictSchema)).rejects.toThrow(LlmAuthError);
    expect(server.requests).toHaveLength(1);
  });
});

describe('parseJsonFromText', () => {
  it('parses plain JSON, objects and arrays', () => {
    expect(parseJsonFromText(' {"a": 1} ')).toEqual({ a: 1 });
    expect(parseJsonFromText('[1, 2]')).toEqual([1, 2]);
  });

  it('parses a fenced block, with or without a language tag', () => {
    expect(parseJsonFromText('```json\n{"a": 1}\n```')).toEqual({ a: 1 });
    expect(parseJsonFromText('Result:\n```\n[true]\n```')).toEqual([true]);
  });

  it('finds the first balanced object in prose, even with braces inside strings', () => {
    expect(parseJsonFromText('The answer is {"text": "a } and { inside", "n": [1, {"m": 2}]} as requested.')).toEqual({
      text: 'a } and { inside',
      n: [1, { m: 2 }],
    });
  });

  it('skips a reasoning block before the answer', () => {
    expect(parseJsonFromText('<think>maybe {"a": 0}?</think>\n{"a": 1}')).toEqual({ a: 1 });
  });

  it('throws a clear error when there is no JSON', () => {
    expect(() => parseJsonFromText('no json here')).toThrow(/no parsable JSON object or array: no json here/);
    expect(() => parseJsonFromText('   ')).toThrow(/reply was empty/);
    expect(() => parseJsonFromText('{"unclosed": 1')).toThrow(SyntaxError);
  });
});
