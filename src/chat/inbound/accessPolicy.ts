import type { LoadedCrew } from '../../crews/loadCrew.ts';
import { requesterOrLocal, type AnswerPolicy } from '../../runs/answerPolicy.ts';
import type { Platform, RunRecord } from '../../runs/runRecord.ts';
import type { InboundPerson, KickoffPlace } from './inboundEvent.ts';

export type { KickoffPlace } from './inboundEvent.ts';

/** crew.yaml's section for a platform does not validate; the message names the crew, the file and the key. */
export class CrewSettingsError extends Error {
  override name = 'CrewSettingsError';
}

/** `reason` is ready to show on the policy's platform (its markup, its mentions). */
export type KickoffDecision = { allowed: true } | { allowed: false; reason: string };

/**
 * Who may do what on one platform, from the crew's section for it in crew.yaml. One instance per
 * process, shared by the surface and the runner, so caches (user groups, roles) are kept once.
 */
export interface AccessPolicy {
  readonly platform: Platform;
  /** May this person start this crew here? Throws the platform's settings error when crew.yaml's section is broken. */
  mayKickOff(crew: LoadedCrew, who: InboundPerson, where: KickoffPlace): Promise<KickoffDecision>;
  /** May this person answer the run's requests and cancel it? The requester and the crew's approvers may. */
  mayAnswer(run: RunRecord, who: InboundPerson): Promise<boolean>;
}

/**
 * The runner's answer policy from the process's access policies: each decides for people of its
 * own platform; others (the CLI, the terminal) fall back to `fallback`.
 */
export function answerPolicyOf(policies: readonly AccessPolicy[], fallback: AnswerPolicy = requesterOrLocal): AnswerPolicy {
  const byPlatform = new Map(policies.map((policy) => [policy.platform, policy] as const));
  return (run, actor) => byPlatform.get(actor.platform)?.mayAnswer(run, actor) ?? fallback(run, actor);
}
