import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { LlmResponseError } from './errors.ts';
import type { ChatMessage, LlmRequest, LlmResponse, ToolCall } from './types.ts';

/** Our request in Chat Completions wire format (non-streaming). */
export function toCompletionParams(request: LlmRequest, model: string): ChatCompletionCreateParamsNonStreaming {
  const params: ChatCompletionCreateParamsNonStreaming = {
    model,
    messages: request.messages.map(toWireMessage),
    stream: false,
  };
  if (request.tools && request.tools.length > 0) params.tools = request.tools.map(toWireTool);
  if (request.responseFormat) {
    params.response_format = {
      type: 'json_schema',
      json_schema: { name: request.responseFormat.name, schema: request.responseFormat.schema, strict: false },
    };
  }
  return params;
}

/** The same request streamed, with the usage sent in the last chunk. */
export function toStreamingParams(request: LlmRequest, model: string): ChatCompletionCreateParamsStreaming {
  return { ...toCompletionParams(request, model), stream: true, stream_options: { include_usage: true } };
}

function toWireMessage(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'tool':
      return { role: 'tool', tool_call_id: message.tool_call_id, content: message.content };
    case 'assistant': {
      const toolCalls = message.tool_calls ?? [];
      // Some servers reject an empty tool_calls array, so it is left out when there are none.
      if (toolCalls.length === 0) return { role: 'assistant', content: message.content };
      return {
        role: 'assistant',
        content: message.content,
        tool_calls: toolCalls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: call.arguments },
        })),
      };
    }
    default: {
      const unknownRole: never = message;
      throw new Error(`Unknown chat message role: ${JSON.stringify(unknownRole)}`);
    }
  }
}

function toWireTool(tool: NonNullable<LlmRequest['tools']>[number]): ChatCompletionTool {
  return {
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  };
}

const WireToolCallSchema = z.object({
  id: z.string().nullish(),
  type: z.string().nullish(),
  function: z.object({
    name: z.string(),
    // Some compatible servers send the arguments as an object rather than JSON text.
    arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
  }),
});

const tokenCount = z.number().int().nonnegative().catch(0);

/** Token counts as a completion (or a stream's last chunk) reports them; unusable counts are ignored. */
export const WireUsageSchema = z
  .object({ prompt_tokens: tokenCount.optional(), completion_tokens: tokenCount.optional() })
  .nullish()
  .catch(null);

/** The part of a chat completion we rely on. The body is untrusted, so it is checked before use. */
const CompletionSchema = z.object({
  model: z.string().nullish(),
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z.array(WireToolCallSchema).nullish(),
        }),
      }),
    )
    .min(1),
  usage: WireUsageSchema,
});

/** Maps a completion body to our LlmResponse; missing usage becomes zeros, missing tool call ids are made up. */
export function fromCompletion(body: unknown, requestedModel: string): LlmResponse {
  const parsed = CompletionSchema.safeParse(body);
  if (!parsed.success) throw notACompletion('answered with something that is not a chat completion', parsed.error);
  const completion = parsed.data;
  const message = completion.choices[0]?.message;
  const toolCalls = (message?.tool_calls ?? [])
    .filter((call) => call.type === undefined || call.type === null || call.type === 'function')
    .map((call) => toToolCall(call.id, call.function.name, call.function.arguments));
  return {
    content: message?.content ?? null,
    toolCalls,
    usage: {
      promptTokens: completion.usage?.prompt_tokens ?? 0,
      completionTokens: completion.usage?.completion_tokens ?? 0,
    },
    model: completion.model ?? requestedModel,
  };
}

/** Ids must stay unique across the conversation, since tool results refer to them: a missing one is made up. */
export function toToolCall(
  id: string | null | undefined,
  name: string,
  args: string | Record<string, unknown> | null | undefined,
): ToolCall {
  return {
    id: id || `call_${randomUUID()}`,
    name,
    // Some compatible servers send the arguments as an object rather than JSON text.
    arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
  };
}

/** The endpoint sent something we cannot read as Chat Completions: most often OPENAI_BASE_URL points elsewhere. */
export function notACompletion(what: string, error: z.ZodError): LlmResponseError {
  return new LlmResponseError(
    `The LLM endpoint ${what}:\n${z.prettifyError(error)}\nCheck that OPENAI_BASE_URL points at an OpenAI-compatible /v1 endpoint.`,
  );
}
