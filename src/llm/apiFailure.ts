import OpenAI from 'openai';
import { LlmAbortedError, LlmAuthError, LlmRequestError } from './errors.ts';
import { parseRetryAfter, type FailureVerdict } from './retry.ts';

/** Statuses worth another try: timeouts, conflicts, rate limits and server errors. */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Codes that mean nothing listens at the address (or the name is unknown), as opposed to a slow or busy server. */
const NOBODY_THERE = new Set(['ECONNREFUSED', 'ENOTFOUND']);

/** One quick retry for a local server that refused: enough for one that is just coming up. */
export const UNREACHABLE_RETRY = { maxAttempts: 2, delayMs: 250 } as const;

/**
 * Decides whether a failed call to the endpoint is worth retrying, and why it failed. `local`: the
 * endpoint is on this machine or a private network, where a refused connection is not waited out.
 */
export function classifyFailure(error: unknown, timeoutMs: number, local = false): FailureVerdict {
  if (error instanceof OpenAI.APIUserAbortError) return { retry: false };
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return { retry: true, reason: `no answer within ${formatSeconds(timeoutMs)} (timeout)` };
  }
  if (error instanceof OpenAI.APIConnectionError) {
    const cause = rootCause(error);
    const reason = cause ? `connection failed (${cause})` : 'connection failed';
    if (local && unreachableCode(error)) return { retry: true, reason, retryAfterMs: UNREACHABLE_RETRY.delayMs, maxAttempts: UNREACHABLE_RETRY.maxAttempts };
    return { retry: true, reason };
  }
  if (error instanceof OpenAI.APIError && error.status !== undefined && isRetryableStatus(error.status)) {
    return { retry: true, reason: error.message, retryAfterMs: parseRetryAfter(error.headers) };
  }
  return { retry: false };
}

/**
 * Turns a failure that is not retried into the error a user should see. `redact` removes the API key
 * from anything the server echoed back.
 */
export function toLlmError(error: unknown, endpoint: string, redact: (text: string) => string): unknown {
  if (error instanceof OpenAI.APIUserAbortError) return new LlmAbortedError();
  if (!(error instanceof OpenAI.APIError) || error.status === undefined) return error;
  const status = error.status;
  const serverMessage = redact(error.message.replace(/^\d{3} /, ''));
  if (status === 401 || status === 403) {
    return new LlmAuthError(
      `LLM endpoint ${endpoint} refused the credentials (${status}: ${serverMessage}). ` +
        'Check OPENAI_API_KEY (and that the key may use this model).',
      status,
    );
  }
  return new LlmRequestError(
    `LLM endpoint ${endpoint} rejected the request (${status}): ${serverMessage}`,
    status,
    serverMessage,
    typeof error.code === 'string' ? error.code : undefined,
  );
}

/** ECONNREFUSED or ENOTFOUND under the SDK's connection error, or undefined for any other failure. */
export function unreachableCode(error: unknown): string | undefined {
  if (!(error instanceof OpenAI.APIConnectionError) || error instanceof OpenAI.APIConnectionTimeoutError) return undefined;
  const cause = rootCause(error);
  return cause && NOBODY_THERE.has(cause) ? cause : undefined;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * What went wrong under fetch's generic "fetch failed": the system error code (ECONNREFUSED,
 * ENOTFOUND, ...) when there is one, otherwise the innermost cause's message.
 */
function rootCause(error: unknown): string | undefined {
  let current: unknown = error;
  let innermost: string | undefined;
  for (let depth = 0; depth < 6 && current instanceof Error; depth += 1) {
    const code: unknown = Reflect.get(current, 'code');
    if (typeof code === 'string' && code !== '') return code;
    if (depth > 0 && current.message) innermost = current.message;
    current = current.cause;
  }
  return innermost === 'fetch failed' ? undefined : innermost;
}

/** Bad request, not found, unsupported media type, unprocessable, not implemented. */
const STREAM_REFUSAL_STATUSES = new Set([400, 404, 415, 422, 501]);

/**
 * A server or model that does not stream says so with a client error naming the stream
 * (OpenAI: `param: "stream"`; others: "stream_options is not supported", "streaming is not available").
 */
export function isStreamRefusal(error: unknown): boolean {
  if (!(error instanceof OpenAI.APIError) || error.status === undefined) return false;
  if (!STREAM_REFUSAL_STATUSES.has(error.status)) return false;
  const param: unknown = Reflect.get(error, 'param');
  return (typeof param === 'string' && param.startsWith('stream')) || STREAM_WORD.test(error.message);
}

/** "stream", "streaming", "stream_options" as words: an error that merely says "upstream" is not about streaming. */
const STREAM_WORD = /\bstream(?:ing|_options)?\b/i;
