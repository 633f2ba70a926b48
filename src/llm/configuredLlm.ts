import type { LlmConfig } from '../config.ts';
import type { Redactor } from '../redactor.ts';
import { LlmNotConfiguredError } from './errors.ts';
import { OpenAiLlm } from './openaiLlm.ts';

/** The OpenAI-compatible client the OPENAI_* settings describe. */
export function llmFromConfig(config: LlmConfig, redactor?: Redactor): OpenAiLlm {
  assertLlmConfigured(config);
  return new OpenAiLlm({
    apiKey: config.OPENAI_API_KEY,
    baseURL: config.OPENAI_BASE_URL,
    defaultModel: config.OPENAI_MODEL,
    timeoutMs: config.OPENAI_TIMEOUT_MS,
    redactor,
  });
}

/**
 * With neither a key nor a base URL, every call would go to OpenAI without credentials and fail
 * after the retries; a run is refused before it starts instead.
 */
export function assertLlmConfigured(config: Pick<LlmConfig, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL'>): void {
  if (!config.OPENAI_API_KEY && !config.OPENAI_BASE_URL) throw new LlmNotConfiguredError();
}
