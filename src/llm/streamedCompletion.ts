import { z } from 'zod';
import type { LlmResponse } from './types.ts';
import { notACompletion, toToolCall, WireUsageSchema } from './wireFormat.ts';

/** The part of a streamed chunk we rely on. Chunks are untrusted, so each is checked before use. */
const ChunkSchema = z.object({
  model: z.string().nullish(),
  choices: z
    .array(
      z.object({
        delta: z
          .object({
            content: z.string().nullish(),
            tool_calls: z
              .array(
                z.object({
                  index: z.number().int().nonnegative().nullish(),
                  id: z.string().nullish(),
                  type: z.string().nullish(),
                  function: z
                    .object({
                      name: z.string().nullish(),
                      arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
                    })
                    .nullish(),
                }),
              )
              .nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: WireUsageSchema,
});

interface ToolCallParts {
  id: string | undefined;
  name: string;
  arguments: string;
  /** Arguments some servers send whole, as an object, in one delta. */
  object: Record<string, unknown> | undefined;
}

export interface AssembledStream {
  response: LlmResponse;
  /** The model said why it stopped; a stream cut off before that is not a whole response. */
  finished: boolean;
}

/**
 * Builds the whole response from a Chat Completions stream: text is handed to `onText` as it comes,
 * tool calls are put together from their deltas (by index) and only returned once complete, so no
 * tool ever runs on half its arguments.
 */
export async function assembleStream(
  chunks: AsyncIterable<unknown>,
  requestedModel: string,
  onText: (text: string) => void,
): Promise<AssembledStream> {
  let finished = false;
  let content: string | null = null;
  let model = requestedModel;
  let usage = { promptTokens: 0, completionTokens: 0 };
  const calls: ToolCallParts[] = [];
  for await (const raw of chunks) {
    const parsed = ChunkSchema.safeParse(raw);
    if (!parsed.success) throw notACompletion('streamed something that is not a chat completion chunk', parsed.error);
    const chunk = parsed.data;
    if (chunk.model) model = chunk.model;
    if (chunk.usage) {
      usage = { promptTokens: chunk.usage.prompt_tokens ?? 0, completionTokens: chunk.usage.completion_tokens ?? 0 };
    }
    const choice = chunk.choices?.[0];
    if (choice?.finish_reason) finished = true;
    const delta = choice?.delta;
    if (!delta) continue;
    if (delta.content) {
      content = (content ?? '') + delta.content;
      onText(delta.content);
    }
    (delta.tool_calls ?? []).forEach((part, position) => {
      if (part.type && part.type !== 'function') return;
      // Servers that send each call whole in one chunk sometimes leave the index out.
      const index = part.index ?? position;
      const call = (calls[index] ??= { id: undefined, name: '', arguments: '', object: undefined });
      if (part.id) call.id = part.id;
      if (part.function?.name) call.name += part.function.name;
      const args = part.function?.arguments;
      if (typeof args === 'string') call.arguments += args;
      else if (args) call.object = args;
    });
  }
  const toolCalls = calls
    .filter((call) => call.name !== '')
    .map((call) => toToolCall(call.id, call.name, call.object ?? call.arguments));
  return { response: { content, toolCalls, usage, model }, finished };
}
