/** Errors a user can meet when talking to the LLM endpoint. Messages say what to do and never carry the API key. */

export class LlmError extends Error {
  override name = 'LlmError';
}

/** The endpoint kept failing with retryable errors (5xx, 429, timeouts, refused connections) until retries ran out. */
export class LlmUnavailableError extends LlmError {
  override name = 'LlmUnavailableError';

  constructor(
    message: string,
    readonly attempts: number,
    readonly elapsedMs: number,
    readonly lastReason: string,
  ) {
    super(message);
  }
}

/** 401 / 403: the key is missing, wrong or lacks access. */
export class LlmAuthError extends LlmError {
  override name = 'LlmAuthError';

  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Any other 4xx: the server refused the request itself, so retrying it unchanged cannot help. */
export class LlmRequestError extends LlmError {
  override name = 'LlmRequestError';

  constructor(
    message: string,
    readonly status: number,
    /** The server's own explanation, as it sent it. */
    readonly serverMessage: string,
    /** The server's error code when it sent one (e.g. `context_length_exceeded`). */
    readonly code?: string | undefined,
  ) {
    super(message);
  }
}

/** The server answered 2xx with a body that is not a usable chat completion. */
export class LlmResponseError extends LlmError {
  override name = 'LlmResponseError';
}

/** The caller aborted the request (its AbortSignal fired) during the call or a retry wait. */
export class LlmAbortedError extends LlmError {
  // The conventional name, so code that checks `error.name === 'AbortError'` recognizes it.
  override name = 'AbortError';

  constructor(message = 'The LLM request was aborted.') {
    super(message);
  }
}

/** The model did not produce JSON matching the schema, even after being shown what was wrong. */
export class StructuredOutputError extends LlmError {
  override name = 'StructuredOutputError';

  constructor(
    message: string,
    readonly schemaName: string,
    readonly lastError: string,
  ) {
    super(message);
  }
}
