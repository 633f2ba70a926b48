import { z } from 'zod';
import { LlmRequestError, StructuredOutputError } from './errors.ts';
import type { ChatMessage, LlmClient, LlmRequest, LlmResponse, ResponseFormat } from './types.ts';

export interface StructuredSchema<T> {
  name: string;
  jsonSchema: Record<string, unknown>;
  zod: z.ZodType<T>;
}

export interface StructuredResult<T> {
  value: T;
  /** The reply text the value was parsed from. */
  raw: string;
  /** Every call made, so callers can book usage and count LLM calls. */
  responses: LlmResponse[];
}

/** A zod schema as the draft-7 JSON schema a server is sent (without the `$schema` marker). */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-7' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/**
 * Asks for JSON matching `schema`: with response_format where the server supports it, otherwise with
 * the schema in the prompt. A reply that does not parse or validate is sent back once with the error.
 */
export async function completeStructured<T>(
  llm: LlmClient,
  request: LlmRequest,
  schema: StructuredSchema<T>,
): Promise<StructuredResult<T>> {
  const responses: LlmResponse[] = [];
  let responseFormat: ResponseFormat | undefined = { name: formatName(schema.name), schema: schema.jsonSchema };
  let messages = request.messages;

  let response: LlmResponse;
  try {
    response = await llm.chat({ ...request, messages, responseFormat });
  } catch (error) {
    if (!rejectsResponseFormat(error)) throw error;
    // Many local servers do not know response_format; the schema goes into the prompt instead.
    responseFormat = undefined;
    messages = [...messages, { role: 'user', content: jsonInstruction(schema) }];
    response = await llm.chat({ ...request, messages, responseFormat });
  }
  responses.push(response);

  const first = validate(response.content, schema.zod);
  if (first.ok) return { value: first.value, raw: response.content ?? '', responses };

  const repairMessages: ChatMessage[] = [
    ...messages,
    { role: 'assistant', content: response.content ?? '' },
    {
      role: 'user',
      content:
        `Your reply is not valid JSON for the schema "${schema.name}":\n${first.error}\n\n` +
        'Answer again with the corrected JSON only, no other text.',
    },
  ];
  const repaired = await llm.chat({ ...request, messages: repairMessages, responseFormat });
  responses.push(repaired);

  const second = validate(repaired.content, schema.zod);
  if (second.ok) return { value: second.value, raw: repaired.content ?? '', responses };
  throw new StructuredOutputError(
    `The model did not return JSON matching the schema "${schema.name}", even after being shown the error. ` +
      `Last error:\n${second.error}\nTry a more capable model, or simplify the expected output.`,
    schema.name,
    second.error,
  );
}

/**
 * The JSON value in a model's reply: the whole text, a ```json fenced block, or the first balanced
 * {...} / [...] span. Throws a SyntaxError saying what was found when there is none.
 */
export function parseJsonFromText(text: string): unknown {
  // Reasoning models served locally often prefix their answer with a <think> block.
  const cleaned = text.replace(/<think>[\s\S]*?<\/think>/gi, '').trim();
  if (cleaned === '') throw new SyntaxError('Expected JSON, but the reply was empty.');

  const whole = tryParse(cleaned);
  if (whole.ok) return whole.value;

  for (const match of cleaned.matchAll(/```[a-zA-Z]*[^\S\n]*\n?([\s\S]*?)```/g)) {
    const fenced = tryParse((match[1] ?? '').trim());
    if (fenced.ok) return fenced.value;
  }

  for (const span of balancedSpans(cleaned)) {
    const parsed = tryParse(span);
    if (parsed.ok) return parsed.value;
  }

  const excerpt = cleaned.length > 200 ? `${cleaned.slice(0, 200)}…` : cleaned;
  throw new SyntaxError(`Expected JSON, but the reply contains no parsable JSON object or array: ${excerpt}`);
}

function validate<T>(content: string | null, zod: z.ZodType<T>): { ok: true; value: T } | { ok: false; error: string } {
  if (content === null || content.trim() === '') return { ok: false, error: 'The reply had no text content.' };
  let json: unknown;
  try {
    json = parseJsonFromText(content);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const result = zod.safeParse(json);
  return result.success ? { ok: true, value: result.data } : { ok: false, error: z.prettifyError(result.error) };
}

function rejectsResponseFormat(error: unknown): boolean {
  return error instanceof LlmRequestError && (error.status === 400 || error.status === 422);
}

function jsonInstruction(schema: StructuredSchema<unknown>): string {
  return (
    `Answer with a single JSON value only (no prose, no code fence) that matches this JSON schema ` +
    `named "${schema.name}":\n${JSON.stringify(schema.jsonSchema)}`
  );
}

/** response_format names allow letters, digits, _ and - up to 64 characters. */
function formatName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_-]+/g, '_').slice(0, 64);
  return cleaned === '' ? 'output' : cleaned;
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Candidate JSON spans: from each `{` or `[` to its matching close, skipping brackets inside strings. */
function* balancedSpans(text: string): Generator<string> {
  // Bounded so a long reply full of brackets cannot make the scan quadratic.
  let candidates = 0;
  for (let start = 0; start < text.length && candidates < 32; start += 1) {
    const open = text[start];
    if (open !== '{' && open !== '[') continue;
    candidates += 1;
    const end = matchingClose(text, start);
    if (end !== undefined) yield text.slice(start, end + 1);
  }
}

function matchingClose(text: string, start: number): number | undefined {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i += 1) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i += 1;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') stack.push('}');
    else if (ch === '[') stack.push(']');
    else if (ch === '}' || ch === ']') {
      if (stack.pop() !== ch) return undefined;
      if (stack.length === 0) return i;
    }
  }
  return undefined;
}
