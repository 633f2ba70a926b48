import { z } from 'zod';
import type { RunRecord } from './runRecord.ts';
import type { RunStore } from './runStore.ts';

/** A run that follows up a completed one: its id, and what the person asked for now (may be empty). */
export interface FollowUpRequest {
  runId: string;
  text: string;
}

/** The run to follow up does not exist, is not finished well, or is of another crew; says what to do. */
export class FollowUpError extends Error {
  override name = 'FollowUpError';
}

/** Past output is offered, not pasted whole: a long report would crowd out the task itself. */
const MAX_EARLIER_OUTPUT_CHARS = 12_000;

const CompletedEventSchema = z.object({ type: z.literal('crew_kickoff_completed'), output: z.string() });

/**
 * What a follow-up's first task is offered: the earlier run's inputs, its final output and the
 * request. Built once at kickoff and kept in the run's checkpoint, so a resume offers the same.
 */
export async function followUpOffer(store: RunStore, crew: string, request: FollowUpRequest): Promise<{ earlier: RunRecord; offer: string }> {
  const earlier = await store.getRun(request.runId);
  if (!earlier) throw new FollowUpError(`No run ${request.runId} to follow up; \`crewbot runs\` lists them.`);
  if (earlier.crew !== crew) throw new FollowUpError(`Run ${earlier.id} is a run of ${earlier.crew}, not ${crew}; follow it up with ${earlier.crew}.`);
  if (earlier.status !== 'completed') throw new FollowUpError(`Run ${earlier.id} is ${earlier.status.replace('_', ' ')}; only a completed run can be followed up.`);
  const events = await store.getEvents(earlier.id);
  const completed = events.map((event) => CompletedEventSchema.safeParse(event)).findLast((parsed) => parsed.success);
  const output = completed?.data?.output ?? '';
  const shown = output.length > MAX_EARLIER_OUTPUT_CHARS ? `${output.slice(0, MAX_EARLIER_OUTPUT_CHARS)}\n[… ${output.length - MAX_EARLIER_OUTPUT_CHARS} more characters not shown]` : output;
  const inputs = Object.entries(earlier.inputs).map(([name, value]) => `- ${name}: ${value}`);
  const lines = [
    `This run follows up an earlier run of this crew (${earlier.id}).`,
    ...(inputs.length > 0 ? ['Its inputs were:', ...inputs] : []),
    'Its final result was:',
    '"""',
    shown,
    '"""',
  ];
  const asked = request.text.trim();
  if (asked) lines.push('What was asked for now, in reply to that result:', '"""', asked, '"""');
  return { earlier, offer: lines.join('\n') };
}
