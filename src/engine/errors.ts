/** Errors a crew author or a person starting a run can meet; each says what to do. */

export class MissingInputError extends Error {
  override name = 'MissingInputError';
  constructor(readonly missing: string[]) {
    super(
      `Missing input${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}: ` +
        `give ${missing.length > 1 ? 'them values' : 'it a value'} when the crew is kicked off, or declare a default in the crew's inputs.`,
    );
  }
}

/** A crew whose agents and tasks do not fit together; found when it is built, before any model call. */
export class CrewDefinitionError extends Error {
  override name = 'CrewDefinitionError';
  constructor(
    readonly crew: string,
    /** One line per problem, each naming the task or setting. */
    readonly problems: string[],
  ) {
    super(`Crew "${crew}" cannot run until ${problems.length > 1 ? 'these are' : 'this is'} fixed:\n${problems.map((line) => `- ${line}`).join('\n')}`);
  }
}

/** new Agent, new Task or new Crew got an option of the wrong kind; the message lists each one. */
export class CrewOptionsError extends Error {
  override name = 'CrewOptionsError';
}

/** No model to run with: the crew needs an LLM client. */
export class NoModelError extends Error {
  override name = 'NoModelError';
  constructor() {
    super('The crew has no model: pass { llm } to new Crew or to kickoff (for example new OpenAiLlm({ baseURL, apiKey, defaultModel })).');
  }
}

export class RunLimitError extends Error {
  override name = 'RunLimitError';
}

export class RunCancelledError extends Error {
  override name = 'RunCancelledError';
  constructor() {
    super('The run was cancelled.');
  }
}

export class TaskFailedError extends Error {
  override name = 'TaskFailedError';
  constructor(
    readonly taskId: string,
    reason: string,
    /** Executions tried when max_retry_limit allowed more than one. */
    readonly attempts?: { made: number; maxRetryLimit: number },
  ) {
    super(
      attempts && attempts.made > 1
        ? `Task ${taskId} failed after ${attempts.made} attempts (max_retry_limit: ${attempts.maxRetryLimit}): ${reason}`
        : `Task ${taskId} failed: ${reason}`,
    );
  }
}

/** The next request cannot fit the model's context window, and nothing may be summarised to make it fit. */
export class ContextWindowExceededError extends Error {
  override name = 'ContextWindowExceededError';
}

/** A custom process that threw, or asked for something it cannot have. */
export class CustomProcessError extends Error {
  override name = 'CustomProcessError';
}

/**
 * A resumed custom process asked for a different step than the run recorded: its code decided
 * from something other than its inputs and outputs (a clock, randomness) or was changed.
 */
export class NonDeterminismError extends Error {
  override name = 'NonDeterminismError';
}

export class RunStateError extends Error {
  override name = 'RunStateError';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
