import type { LeaseHolder } from './runStore.ts';

/** Errors a person or a surface can meet when acting on a run; each says what to do. */

export class RunBusyError extends Error {
  override name = 'RunBusyError';
  constructor(
    readonly runId: string,
    /** Who holds the run's lease (host:pid:id) and until when; unknown when it lapsed meanwhile. */
    readonly holder?: LeaseHolder | undefined,
  ) {
    super(
      holder
        ? `Run ${runId} is held by another process, ${holder.owner} (host:pid:id), until ${new Date(holder.expiresAt).toISOString()}; ` +
            `it renews the hold while it works. Follow it with crewbot show ${runId}, or resume it once that process has stopped and the hold has lapsed.`
        : `Run ${runId} is being advanced by another process right now; try again in a moment.`,
    );
  }
}

export class NotAllowedError extends Error {
  override name = 'NotAllowedError';
}

export class RunStateConflictError extends Error {
  override name = 'RunStateConflictError';
}
