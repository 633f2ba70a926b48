import type { LoadedCrew } from '../../crews/loadCrew.ts';
import type { RunRecord } from '../../runs/runRecord.ts';
import type { AccessPolicy, KickoffDecision } from '../inbound/accessPolicy.ts';
import type { InboundPerson } from '../inbound/inboundEvent.ts';

/**
 * The terminal's rules: whoever sits at it may start any crew, answer and cancel the runs they
 * started there, and step in for runs started in chat or by the CLI (they can open the store
 * anyway). A run another login started at a terminal is theirs to answer.
 */
export class ConsoleAccess implements AccessPolicy {
  readonly platform = 'console';

  async mayKickOff(_crew: LoadedCrew, _who: InboundPerson): Promise<KickoffDecision> {
    return { allowed: true };
  }

  async mayAnswer(run: RunRecord, who: InboundPerson): Promise<boolean> {
    if (who.platform !== 'console') return false;
    return run.requester.platform !== 'console' || run.requester.userId === who.userId;
  }
}
