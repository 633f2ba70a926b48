import type { ChatMessage, ToolSpec } from './types.ts';

/**
 * Context windows (tokens) of common models, by name prefix; the longest matching prefix wins.
 * A model missing here is still protected: the server's `context_length_exceeded` refusal is the
 * fallback signal, and agents.yaml `context_window` overrides any entry.
 */
const CONTEXT_WINDOWS: ReadonlyArray<readonly [prefix: string, tokens: number]> = [
  ['gpt-5', 400_000],
  ['gpt-4.1', 1_047_576],
  ['gpt-4o', 128_000],
  ['gpt-4-turbo', 128_000],
  ['gpt-4-32k', 32_768],
  ['gpt-4', 8_192],
  ['gpt-3.5-turbo', 16_385],
  ['o1-mini', 128_000],
  ['o1', 200_000],
  ['o3', 200_000],
  ['o4-mini', 200_000],
  ['claude', 200_000],
  ['gemini-1.5-pro', 2_097_152],
  ['gemini', 1_048_576],
  ['mistral-large', 128_000],
  ['mistral-small', 32_000],
  ['mixtral', 32_768],
  ['llama3.1', 131_072],
  ['llama3.2', 131_072],
  ['llama3.3', 131_072],
  ['llama-3.1', 131_072],
  ['llama-3.2', 131_072],
  ['llama-3.3', 131_072],
  ['llama3', 8_192],
  ['llama-3', 8_192],
  ['qwen2.5', 32_768],
  ['qwen3', 40_960],
  ['deepseek', 128_000],
];

/** The model's context window when known; provider prefixes such as `openai/` are ignored. */
export function knownContextWindow(model: string): number | undefined {
  const name = model.toLowerCase().split('/').at(-1) ?? '';
  let best: readonly [string, number] | undefined;
  for (const entry of CONTEXT_WINDOWS) {
    if (name.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  }
  return best?.[1];
}

/** The size a server states when it refuses a request as too long ("maximum context length is 8192 tokens"). */
export function statedContextWindow(serverMessage: string): number | undefined {
  const match = /context (?:length|window)[^\d]{0,40}?(\d[\d,]*)\s*tokens/i.exec(serverMessage);
  return match ? Number(match[1]!.replace(/,/g, '')) : undefined;
}

/** The server refused a request for being longer than the model's window. */
export function isContextLengthRefusal(code: string | undefined, serverMessage: string): boolean {
  return code === 'context_length_exceeded' || /context[_ ](length|window)|maximum context|too many tokens/i.test(serverMessage);
}

/**
 * About four characters a token (of the request as JSON): close enough to decide when to summarise,
 * and free. Each message's length is remembered, so a long conversation is not serialized again
 * before every call; messages are never changed once in a conversation.
 */
export function estimateTokens(messages: ChatMessage[], tools?: ToolSpec[] | undefined): number {
  return Math.ceil((jsonArrayLength(messages) + (tools ? jsonArrayLength(tools) : 0)) / 4);
}

const jsonLengths = new WeakMap<object, number>();

/** JSON.stringify(items).length, from the remembered length of each item. */
function jsonArrayLength(items: ReadonlyArray<object>): number {
  let length = 2 + Math.max(0, items.length - 1);
  for (const item of items) {
    let known = jsonLengths.get(item);
    if (known === undefined) {
      known = JSON.stringify(item).length;
      jsonLengths.set(item, known);
    }
    length += known;
  }
  return length;
}
