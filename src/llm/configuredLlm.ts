import type { LlmConfig } from '../config.ts';
import { OpenAiLlm } from './openaiLlm.ts';

/** The OpenAI-compatible client the OPENAI_* settings describe. */
export function llmFromConfig(config: LlmConfig): OpenAiLlm {
  return new OpenAiLlm({
    apiKey: config.OPENAI_API_KEY,
    baseURL: config.OPENAI_BASE_URL,
    defaultModel: config.OPENAI_MODEL,
    timeoutMs: config.OPENAI_TIMEOUT_MS,
  });
}
