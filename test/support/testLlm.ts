import { OpenAiLlm } from '../../src/llm/openaiLlm.ts';
import type { ScriptedOpenAI } from './scriptedOpenAI.ts';

/** The real OpenAI-compatible client pointed at the scripted server, with retries that do not wait. */
export function llmFor(server: ScriptedOpenAI, options: { maxAttempts?: number } = {}): OpenAiLlm {
  return new OpenAiLlm({
    apiKey: 'sk-test-not-a-real-key',
    baseURL: server.url,
    defaultModel: 'test-model',
    timeoutMs: 5_000,
    retry: { maxAttempts: options.maxAttempts ?? 3, baseDelayMs: 1, maxDelayMs: 5 },
  });
}
