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

/**
 * A local or private endpoint refused the connection (or its name did not resolve): the server is
 * most likely not running, so waiting longer will not help. Tried at most twice.
 */
export class LlmUnreachableError extends LlmError {
  override name = 'LlmUnreachableError';

  constructor(
    readonly endpoint: string,
    readonly attempts: number,
    /** The system error code, e.g. ECONNREFUSED. */
    readonly code: string,
  ) {
    super(`LLM endpoint ${endpoint} cannot be reached (${code}, ${attempts === 1 ? '1 attempt' : `${attempts} attempts`}): is the server running at ${endpoint}? Start it, or point OPENAI_BASE_URL at one that is.`);
  }
}

/** Neither OPENAI_API_KEY nor OPENAI_BASE_URL is set: no run can reach a model. */
export class LlmNotConfiguredError extends LlmError {
  override name = 'LlmNotConfiguredError';

  constructor() {
    super(
      'No model endpoint is configured: set OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (a local OpenAI-compatible server, e.g. http://localhost:11434/v1 for Ollama) in .env or the environment.',
    );
  }
}

/** The server does not know the model asked for; `source` says where that model name came from. */
export class ModelNotFoundError extends LlmRequestError {
  override name = 'ModelNotFoundError';

  constructor(
    cause: LlmRequestError,
    readonly model: string,
    readonly source: string,
  ) {
    super(`${cause.message} — model "${model}" comes from ${source}; name a model the server serves there.`, cause.status, cause.serverMessage, cause.code);
  }
}
