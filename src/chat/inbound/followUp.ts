import type { LoadedCrew } from '../../crews/loadCrew.ts';
import { errorMessage } from '../../engine/errors.ts';
import { FollowUpError } from '../../runs/followUp.ts';
import { InputTooLargeError } from '../../runs/inputLimits.ts';
import type { Requester, RunRecord } from '../../runs/runRecord.ts';
import { readFollowUpText } from '../kickoffText.ts';
import type { InboundEvent } from './inboundEvent.ts';
import type { Notice } from './inboundReply.ts';
import { inputProblem, mayStart, type KickoffParts } from './kickoff.ts';

type ReplyEvent = Extract<InboundEvent, { type: 'reply' }>;

/** started: the follow-up run; quiet: not for the bot (chatter, or someone who was not addressing it); notice: what to tell. */
export type FollowUpOutcome = { started: RunRecord } | { quiet: string } | { notice: Notice } | { duplicate: true };

/**
 * A reply in the thread of a completed run starts a follow-up run of the same crew there: the
 * earlier inputs (`key=value` in the reply overrides them), with its result and the reply offered
 * to the first task. Only people who may start the crew there may; people chatting who may not
 * are left alone, and someone who called the bot is told why not.
 */
export async function followUp(
  parts: KickoffParts & { claim(): Promise<boolean>; loadCrew(run: RunRecord): Promise<LoadedCrew> },
  event: ReplyEvent,
  earlier: RunRecord,
): Promise<FollowUpOutcome> {
  const { runner } = parts;
  if (!event.place || !earlier.thread) return { quiet: 'no place to check the crew’s rules against' };
  const loaded = await parts.loadCrew(earlier);
  const refusal = await mayStart(parts.access, loaded, event.who, event.place);
  if (refusal) return event.addressed ? claimed(parts, { notice: refusal }) : { quiet: 'not allowed to start the crew' };
  const { request, inputs } = readFollowUpText(event.text, { name: loaded.spec.name, inputs: loaded.inputs });
  if (request === '' && Object.keys(inputs).length === 0) {
    if (!event.addressed) return { quiet: 'no text' };
    return claimed(parts, { notice: { tone: 'unclear', text: `Write what to do next ("make it shorter", or key=value to change an input): it starts a follow-up run of ${loaded.spec.name} in this thread.` } });
  }
  const merged = { ...earlier.inputs, ...inputs };
  const problem = inputProblem(runner, loaded, merged) ?? replyTooLong(parts, request);
  if (problem) return claimed(parts, { notice: problem });
  if (!(await parts.claim())) return { duplicate: true };
  const requester: Requester = { platform: event.who.platform, userId: event.who.userId, ...(event.who.name ? { name: event.who.name } : {}) };
  try {
    const run = await runner.kickoff({
      crew: earlier.crewDir ?? earlier.crew,
      inputs: merged,
      requester,
      thread: earlier.thread,
      idempotencyKey: `${event.who.platform}:${event.delivery}`,
      followUp: { runId: earlier.id, text: request },
    });
    return run ? { started: run } : { duplicate: true };
  } catch (error) {
    if (!(error instanceof FollowUpError)) return { notice: { tone: 'failed', text: `Could not start the follow-up: ${errorMessage(error)}` } };
    return { notice: { tone: 'unclear', text: error.message } };
  }
}

/** The reply goes into the prompt like an input, so it has the same size limit. */
function replyTooLong(parts: KickoffParts, request: string): Notice | undefined {
  try {
    parts.runner.checkInputs({ 'the reply': request });
    return undefined;
  } catch (error) {
    if (!(error instanceof InputTooLargeError)) throw error;
    return { tone: 'unclear', text: `Nothing started. ${error.message}` };
  }
}

async function claimed(parts: { claim(): Promise<boolean> }, outcome: { notice: Notice }): Promise<FollowUpOutcome> {
  return (await parts.claim()) ? outcome : { duplicate: true };
}
