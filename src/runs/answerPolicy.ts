import type { RunRecord } from './runRecord.ts';

/** Someone acting on a run from a surface. */
export interface Actor {
  platform: RunRecord['requester']['platform'];
  userId: string;
  name?: string | undefined;
}

/**
 * Who may answer a run's requests or cancel it. Surfaces pass their crew's rules (approvers, roles);
 * without any, the requester may, and so may whoever sits at this machine's terminal or CLI, who
 * can open the store anyway.
 */
export type AnswerPolicy = (run: RunRecord, actor: Actor) => boolean | Promise<boolean>;

export const requesterOrLocal: AnswerPolicy = (run, actor) =>
  actor.platform === 'cli' ||
  actor.platform === 'console' ||
  (actor.platform === run.requester.platform && actor.userId === run.requester.userId);
