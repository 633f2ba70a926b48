/** Errors a crew author or a person starting a run can meet; each says what to do. */

export class MissingInputError extends Error {
  override name = 'MissingInputError';
  constructor(readonly missing: string[]) {
    super(
      `Missing input${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}: ` +
        `pass ${missing.map((m) => `--input ${m}=...`).join(' ')} (or declare a default in crew.yaml inputs).`,
    );
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
  ) {
    super(`Task ${taskId} failed: ${reason}`);
  }
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
