import { z } from 'zod';
import type { RunStore } from '../runs/runStore.ts';
import { LessonAuthorSchema } from './lesson.ts';

const LOG = 'ratings';

/** One person's 👍 or 👎 on a run's final result. A 👎's reason is not kept here: it became a lesson. */
export const RatingSchema = z.object({
  runId: z.string().min(1),
  crew: z.string().min(1),
  rating: z.enum(['up', 'down']),
  by: LessonAuthorSchema,
  at: z.number(),
});
export type Rating = z.infer<typeof RatingSchema>;

/** 👍 and 👎 counts, each person counted once per run (their latest rating). */
export interface RatingTally {
  up: number;
  down: number;
}

/** Ratings of results, an append-only log in the run store. */
export class RatingBook {
  constructor(private readonly store: RunStore) {}

  async record(rating: Rating): Promise<void> {
    await this.store.appendToLog(LOG, RatingSchema.parse(rating));
  }

  /** Tallies by run id. */
  async byRun(): Promise<Map<string, RatingTally>> {
    return tally(await this.#latest(), (rating) => rating.runId);
  }

  /** Tallies by crew, over all its runs. */
  async byCrew(): Promise<Map<string, RatingTally>> {
    return tally(await this.#latest(), (rating) => rating.crew);
  }

  async #latest(): Promise<Rating[]> {
    const latest = new Map<string, Rating>();
    for (const raw of await this.store.readLog(LOG)) {
      const parsed = RatingSchema.safeParse(raw);
      if (parsed.success) latest.set(`${parsed.data.runId}\n${parsed.data.by.platform ?? ''}:${parsed.data.by.userId}`, parsed.data);
    }
    return [...latest.values()];
  }
}

function tally(ratings: Rating[], keyOf: (rating: Rating) => string): Map<string, RatingTally> {
  const tallies = new Map<string, RatingTally>();
  for (const rating of ratings) {
    const key = keyOf(rating);
    const counted = tallies.get(key) ?? { up: 0, down: 0 };
    counted[rating.rating] += 1;
    tallies.set(key, counted);
  }
  return tallies;
}

export const NO_RATINGS: RatingTally = { up: 0, down: 0 };

/** "👍 2 👎 1", or '' for none. */
export function ratingText(tally: RatingTally | undefined): string {
  return tally && tally.up + tally.down > 0 ? `👍 ${tally.up} 👎 ${tally.down}` : '';
}
