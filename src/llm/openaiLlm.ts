import OpenAI from 'openai';
import { Stream } from 'openai/streaming';
import { Redactor } from '../redactor.ts';
import { classifyFailure, formatSeconds, isStreamRefusal, toLlmError, unreachableCode } from './apiFailure.ts';
import { LlmAbortedError, LlmResponseError, LlmUnavailableError, LlmUnreachableError } from './errors.ts';
import { isLocalEndpoint } from './localEndpoint.ts';
import { DEFAULT_RETRY_POLICY, withRetry, type RetryInfo, type RetryPolicy, type Sleep } from './retry.ts';
import { assembleStream } from './streamedCompletion.ts';
import type { LlmClient, LlmRequest, LlmResponse } from './types.ts';
import { fromCompletion, toCompletionParams, toStreamingParams } from './wireFormat.ts';

export interface OpenAiLlmOptions {
  /** Local servers (Ollama, LM Studio) need none; a placeholder is sent then. */
  apiKey?: string | undefined;
  /** Any OpenAI-compatible endpoint ending in /v1; OpenAI's own when absent. */
  baseURL?: string | undefined;
  defaultModel: string;
  /** Per attempt, and the longest silence inside a streamed answer. Default 120 s. */
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
  /** Turned off for good once the server refuses a streamed request or answers it unstreamed. */
  #streams = true;
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
    const signal = request.signal;
    const redact = (text: string) => this.#redactor.redact(text);
    const onTextDelta = request.onTextDelta;
    let textSent = false;
    const onText = (text: string) => {
      textSent = true;
      onTextDelta?.(text);
    };
    const restartText = () => {
      if (textSent) request.onTextRestart?.();
      textSent = false;
    };
    try {
      return await withRetry(
        async () => {
          restartText();
          return onTextDelta && this.#streams ? this.#streamedOrPlain(request, model, onText, restartText) : this.#plain(request, model);
        },
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

  async #plain(request: LlmRequest, model: string): Promise<LlmResponse> {
    return fromCompletion(await this.#client.chat.completions.create(toCompletionParams(request, model), { signal: request.signal }), model);
  }

  /** A server that will not stream costs one refused request, once; an error inside a stream, this call only. */
  async #streamedOrPlain(request: LlmRequest, model: string, onText: (text: string) => void, restartText: () => void): Promise<LlmResponse> {
    try {
      return await this.#streamed(request, model, onText);
    } catch (error) {
      if (isStreamRefusal(error)) this.#streams = false;
      else if (!isInStreamError(error)) throw error;
      restartText();
      return this.#plain(request, model);
    }
  }

  async #streamed(request: LlmRequest, model: string, onText: (text: string) => void): Promise<LlmResponse> {
    const idle = new AbortController();
    const signal = request.signal ? AbortSignal.any([request.signal, idle.signal]) : idle.signal;
    const response = await this.#client.chat.completions.create(toStreamingParams(request, model), { signal }).asResponse();
    if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
      // The server ignored `stream: true` and answered whole: it is asked plainly from now on.
      this.#streams = false;
      return fromCompletion(await response.json(), model);
    }
    let assembled;
    try {
      assembled = await assembleStream(untilIdle(Stream.fromSSEResponse<unknown>(response, idle), this.#timeoutMs, idle), model, onText);
    } catch (error) {
      if (error instanceof OpenAI.APIError || error instanceof LlmResponseError) throw error;
      throw new OpenAI.APIConnectionError({ message: 'the streamed answer broke off', cause: error instanceof Error ? error : undefined });
    }
    // The SDK ends a stream quietly when it is aborted, so a cut-off stream is told apart here.
    if (request.signal?.aborted) throw new OpenAI.APIUserAbortError();
    if (idle.signal.aborted) throw new OpenAI.APIConnectionTimeoutError();
    if (!assembled.finished) throw new OpenAI.APIConnectionError({ message: 'the streamed answer ended before the model finished' });
    return assembled.response;
  }
}

/** An `error` event sent inside a stream (no HTTP status): the call is made again, unstreamed. */
function isInStreamError(error: unknown): boolean {
  return (
    error instanceof OpenAI.APIError &&
    error.status === undefined &&
    !(error instanceof OpenAI.APIConnectionError) &&
    !(error instanceof OpenAI.APIUserAbortError)
  );
}

/** Aborts `controller` when the source stays silent for `idleMs`, so a stalled stream cannot hang a run. */
async function* untilIdle<T>(source: AsyncIterable<T>, idleMs: number, controller: AbortController): AsyncGenerator<T> {
  const timer = setTimeout(() => controller.abort(), idleMs);
  try {
    for await (const item of source) {
      timer.refresh();
      yield item;
    }
  } finally {
    clearTimeout(timer);
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
