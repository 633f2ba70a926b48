import OpenAI from 'openai';
import { Redactor } from '../redactor.ts';
import { classifyFailure, formatSeconds, toLlmError, unreachableCode } from './apiFailure.ts';
import { LlmAbortedError, LlmUnavailableError, LlmUnreachableError } from './errors.ts';
import { isLocalEndpoint } from './localEndpoint.ts';
import { DEFAULT_RETRY_POLICY, withRetry, type RetryInfo, type RetryPolicy, type Sleep } from './retry.ts';
import type { LlmClient, LlmRequest, LlmResponse } from './types.ts';
import { fromCompletion, toCompletionParams } from './wireFormat.ts';

export interface OpenAiLlmOptions {
  /** Local servers (Ollama, LM Studio) need none; a placeholder is sent then. */
  apiKey?: string | undefined;
  /** Any OpenAI-compatible endpoint ending in /v1; OpenAI's own when absent. */
  baseURL?: string | undefined;
  defaultModel: string;
  /** Per attempt. Default 120 s. */
  timeoutMs?: number | undefined;
  retry?: Partial<RetryPolicy> | undefined;
  sleep?: Sleep | undefined;
  onRetry?: ((info: RetryInfo) => void) | undefined;
  /** Removes the key (and every other secret the runtime knows) from what the server echoes; by default the key alone. */
  redactor?: Redactor | undefined;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const PLACEHOLDER_API_KEY = 'not-set';

/** The LLM port over the `openai` package's Chat Completions, with retries we control. */
export class OpenAiLlm implements LlmClient {
  readonly #client: OpenAI;
  readonly #apiKey: string;
  readonly defaultModel: string;
  readonly #timeoutMs: number;
  readonly #policy: RetryPolicy;
  readonly #sleep: Sleep | undefined;
  readonly #onRetry: ((info: RetryInfo) => void) | undefined;
  readonly #redactor: Redactor;
  /** The endpoint as shown in error messages, without any credentials in the URL. */
  readonly endpoint: string;
  /** A server on this machine or a private network: a refused connection there is not waited out. */
  readonly #local: boolean;

  constructor(options: OpenAiLlmOptions) {
    this.#apiKey = options.apiKey || PLACEHOLDER_API_KEY;
    this.defaultModel = options.defaultModel;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#policy = { ...DEFAULT_RETRY_POLICY, ...definedOnly(options.retry ?? {}) };
    this.#sleep = options.sleep;
    this.#onRetry = options.onRetry;
    this.#redactor = options.redactor ?? new Redactor([options.apiKey]);
    // maxRetries 0: retries happen in withRetry, where Retry-After, the budget and the message are ours.
    this.#client = new OpenAI({
      apiKey: this.#apiKey,
      baseURL: options.baseURL,
      timeout: this.#timeoutMs,
      maxRetries: 0,
    });
    this.endpoint = displayUrl(this.#client.baseURL);
    this.#local = isLocalEndpoint(this.#client.baseURL);
  }

  async chat(request: LlmRequest): Promise<LlmResponse> {
    const model = request.model || this.defaultModel;
    const params = toCompletionParams(request, model);
    const signal = request.signal;
    const redact = (text: string) => this.#redactor.redact(text);
    try {
      return await withRetry(
        async () => fromCompletion(await this.#client.chat.completions.create(params, { signal }), model),
        {
          policy: this.#policy,
          signal,
          sleep: this.#sleep,
          onRetry: this.#onRetry && ((info) => this.#onRetry?.({ ...info, reason: redact(info.reason) })),
          classify: (error) => classifyFailure(error, this.#timeoutMs, this.#local),
          giveUp: ({ attempts, elapsedMs, reason, error }) => {
            const unreachable = this.#local ? unreachableCode(error) : undefined;
            if (unreachable) return new LlmUnreachableError(this.endpoint, attempts, unreachable);
            const lastReason = redact(reason);
            const attemptsText = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
            return new LlmUnavailableError(
              `LLM endpoint ${this.endpoint} failed after ${attemptsText} over ${formatSeconds(elapsedMs)}: ` +
                `${lastReason}. Check OPENAI_BASE_URL and that the server is up.`,
              attempts,
              elapsedMs,
              lastReason,
            );
          },
        },
      );
    } catch (error) {
      if (signal?.aborted && !(error instanceof LlmAbortedError)) throw new LlmAbortedError();
      throw toLlmError(error, this.endpoint, redact);
    }
  }
}

function definedOnly(policy: Partial<RetryPolicy>): Partial<RetryPolicy> {
  return Object.fromEntries(Object.entries(policy).filter(([, value]) => value !== undefined));
}

function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
