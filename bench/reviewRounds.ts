import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LoadedCrew } from '../src/crews/loadCrew.ts';
import { DISTIL_INSTRUCTIONS } from '../src/learning/distil.ts';
import { Learning } from '../src/learning/learning.ts';
import type { HumanRequest } from '../src/engine/humanRequest.ts';
import { openRunStore } from '../src/runs/openRunStore.ts';
import { Runner } from '../src/runs/runner.ts';
import { ScriptedLlm } from '../src/testing/scriptedLlm.ts';
import { agent, crew, task } from '../test/support/crewBuilders.ts';

/**
 * Review rounds per run, over 5 runs of a crew whose draft a person reviews, without lessons and
 * with them. The scripted reviewer asks for the same change ("state the refund timeline") until
 * the draft contains it; the scripted writer includes it once anything it is shown asks for it
 * (the reviewer's feedback, or a lesson in its task prompt).
 */

export interface ReviewRoundsResult {
  withoutLessons: number[];
  withLessons: number[];
}

const RUNS = 5;
/** A writer that never learns would loop forever; past this many reviews the bench stops and says so. */
const MAX_REVIEWS = 10;
const TIMELINE = '5–10 business days';
const REQUESTER = { platform: 'cli' as const, userId: 'reviewer', name: 'Reviewer' };

const spec = crew({
  name: 'refund_desk',
  agents: [agent('writer', { role: 'Support Writer', goal: 'Answer customers about refunds', backstory: 'You answer refund emails.' })],
  tasks: [
    task('reply_task', { agent: 'writer', description: 'Draft a reply to the customer: {question}', expectedOutput: 'A short reply.', humanInput: true }),
  ],
});

const writer = () =>
  new ScriptedLlm((request) => {
    if (request.messages[0]?.content === DISTIL_INSTRUCTIONS) return { content: `Always state the refund timeline: ${TIMELINE}.` };
    const shown = request.messages.map((message) => message.content ?? '').join('\n');
    const timeline = /refund timeline/i.test(shown) ? ` The refund reaches your account in ${TIMELINE}.` : '';
    return { content: `Sorry for the trouble; we have refunded your order.${timeline}` };
  });

/** Review rounds of each of `RUNS` runs of the crew, on a fresh store. */
async function roundsPerRun(lessons: boolean): Promise<number[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-bench-rounds-'));
  const store = await openRunStore(`sqlite://${path.join(dir, 'runs.sqlite')}`);
  try {
    const loaded: LoadedCrew = { spec, dir: '.', warnings: [], inputs: {}, surfaces: {}, learning: { lessons, memory: false } };
    const runner = new Runner({ store, llm: writer(), loadCrew: async () => loaded, schedule: () => undefined, learning: new Learning({ store }) });
    const rounds: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      const run = await runner.kickoff({ crew: spec.name, inputs: { question: `Where is the refund for order ${1000 + i}?` }, requester: REQUESTER });
      let record = await runner.advance(run!.id);
      let reviews = 0;
      while (record.status === 'awaiting_input') {
        const request = (record.pending as HumanRequest[])[0]!;
        if (request.kind !== 'review') throw new Error(`unexpected ${request.kind} request`);
        reviews += 1;
        if (reviews > MAX_REVIEWS) throw new Error(`run ${run!.id} was still not approved after ${MAX_REVIEWS} reviews`);
        const answer = request.draft.includes(TIMELINE) ? { type: 'approve' as const } : { type: 'feedback' as const, text: `Please state the refund timeline: ${TIMELINE}.` };
        await runner.answer(run!.id, { requestId: request.id, answer, actor: REQUESTER });
        record = await runner.advance(run!.id);
      }
      if (record.status !== 'completed') throw new Error(`run ${run!.id} ended ${record.status}: ${record.error ?? ''}`);
      rounds.push(reviews);
    }
    await runner.shutdown();
    return rounds;
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function reviewRounds(): Promise<ReviewRoundsResult> {
  return { withoutLessons: await roundsPerRun(false), withLessons: await roundsPerRun(true) };
}

export function formatReviewRounds(result: ReviewRoundsResult): string {
  const total = (rounds: number[]) => rounds.reduce((sum, n) => sum + n, 0);
  return (
    `review rounds over ${RUNS} runs: without lessons ${result.withoutLessons.join(', ')} (${total(result.withoutLessons)}), ` +
    `with lessons ${result.withLessons.join(', ')} (${total(result.withLessons)}) (expected 2, 2, 2, 2, 2 against 2, 1, 1, 1, 1)`
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  console.log(formatReviewRounds(await reviewRounds()));
}
