/** Errors a person or a surface can meet when acting on a run; each says what to do. */

export class RunBusyError extends Error {
  override name = 'RunBusyError';
  constructor(readonly runId: string) {
    super(`Run ${runId} is being advanced by another process right now; try again in a moment.`);
  }
}

export class NotAllowedError extends Error {
  override name = 'NotAllowedError';
}

export class RunStateConflictError extends Error {
  override name = 'RunStateConflictError';
}
