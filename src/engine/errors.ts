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

export class RunStateError extends Error {
  override name = 'RunStateError';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
