import { LlmAbortedError } from './errors.ts';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** No retry is started when it would end past this much time since the first attempt. */
  maxTotalMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxTotalMs: 5 * 60_000,
};

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** How one failed attempt should be handled. */
export type FailureVerdict =
  | { retry: false }
  | { retry: true; reason: string; retryAfterMs?: number | undefined; /** Fewer attempts than the policy allows for this kind of failure. */ maxAttempts?: number | undefined };

export interface RetryInfo {
  /** The attempt that just failed (1-based). */
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface GiveUpInfo {
  attempts: number;
  elapsedMs: number;
  reason: string;
  error: unknown;
}

export interface RetryOptions {
  policy: RetryPolicy;
  classify: (error: unknown) => FailureVerdict;
  /** Builds the error thrown when retryable failures outlast the policy. */
  giveUp: (info: GiveUpInfo) => Error;
  signal?: AbortSignal | undefined;
  sleep?: Sleep | undefined;
  onRetry?: ((info: RetryInfo) => void) | undefined;
  now?: () => number;
  random?: () => number;
}

/**
 * Runs `attempt` until it succeeds, a failure is not retryable (rethrown as is), or the policy runs
 * out (the error from `giveUp`). Waits grow exponentially with jitter; a server's Retry-After wins.
 */
export async function withRetry<T>(attempt: (attemptNumber: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy, signal } = options;
  const sleep = options.sleep ?? abortableSleep;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const startedAt = now();

  for (let attemptNumber = 1; ; attemptNumber += 1) {
    throwIfAborted(signal);
    let error: unknown;
    try {
      return await attempt(attemptNumber);
    } catch (caught) {
      error = caught;
    }
    throwIfAborted(signal);
    const verdict = options.classify(error);
    if (!verdict.retry) throw error;

    const delayMs = retryDelay(attemptNumber, policy, verdict.retryAfterMs, random);
    const elapsedMs = now() - startedAt;
    const maxAttempts = Math.min(policy.maxAttempts, verdict.maxAttempts ?? policy.maxAttempts);
    if (attemptNumber >= maxAttempts || elapsedMs + delayMs > policy.maxTotalMs) {
      throw options.giveUp({ attempts: attemptNumber, elapsedMs, reason: verdict.reason, error });
    }
    options.onRetry?.({ attempt: attemptNumber, delayMs, reason: verdict.reason });
    await sleep(delayMs, signal);
  }
}

/** Exponential backoff with equal jitter, or the server's Retry-After; either capped at maxDelayMs. */
export function retryDelay(
  attemptNumber: number,
  policy: RetryPolicy,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(0, Math.round(retryAfterMs)), policy.maxDelayMs);
  const exponential = Math.min(policy.baseDelayMs * 2 ** (attemptNumber - 1), policy.maxDelayMs);
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/**
 * Reads `retry-after-ms` (milliseconds) or `retry-after` (seconds or an HTTP date).
 * Returns undefined when neither is present or readable.
 */
export function parseRetryAfter(
  headers: { get(name: string): string | null } | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = headers.get('retry-after')?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number(retryAfter) * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** setTimeout as a promise that rejects with LlmAbortedError when the signal fires. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new LlmAbortedError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new LlmAbortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LlmAbortedError();
}
