import { z } from 'zod';

/** One tool call the model asked for. `arguments` is the raw JSON text the model produced. */
export const ToolCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  arguments: z.string(),
});
export type ToolCall = z.infer<typeof ToolCallSchema>;

/**
 * A chat message in the shape the engine keeps in RunState. It is a subset of the Chat
 * Completions message params, so it maps 1:1 onto the wire format.
 */
export const ChatMessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: z.string() }),
  z.object({ role: z.literal('user'), content: z.string() }),
  z.object({
    role: z.literal('assistant'),
    content: z.string().nullable(),
    tool_calls: z.array(ToolCallSchema).optional(),
  }),
  z.object({ role: z.literal('tool'), tool_call_id: z.string(), content: z.string() }),
]);
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

export const TokenUsageSchema = z.object({
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
});
export type TokenUsage = z.infer<typeof TokenUsageSchema>;

/** A tool as the model sees it: name, description and JSON schema of its arguments. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** Ask the server for JSON that matches a schema (response_format json_schema). */
export interface ResponseFormat {
  name: string;
  schema: Record<string, unknown>;
}

export interface LlmRequest {
  /** Model name; the client's default model when absent. */
  model?: string | undefined;
  messages: ChatMessage[];
  tools?: ToolSpec[] | undefined;
  responseFormat?: ResponseFormat | undefined;
  signal?: AbortSignal | undefined;
  /**
   * Receives the answer's text as the model writes it. A client or server that cannot stream
   * never calls it; either way `chat` resolves with the whole response.
   */
  onTextDelta?: ((text: string) => void) | undefined;
  /** The text handed over so far is void: the call is made again (a retry, or unstreamed after a broken stream). */
  onTextRestart?: (() => void) | undefined;
}

export interface LlmResponse {
  content: string | null;
  toolCalls: ToolCall[];
  usage: TokenUsage;
  model: string;
}

/** The LLM port the engine depends on. src/llm/openaiLlm.ts implements it over the `openai` package. */
export interface LlmClient {
  /** The model used when a request names none (the engine looks up its context window). */
  readonly defaultModel?: string | undefined;
  chat(request: LlmRequest): Promise<LlmResponse>;
}
