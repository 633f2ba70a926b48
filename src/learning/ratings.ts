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
    const latest = new Map<string, Rating>();
    for (const raw of await this.store.readLog(LOG)) {
      const parsed = RatingSchema.safeParse(raw);
      if (parsed.success) latest.set(`${parsed.data.runId}\n${parsed.data.by.platform ?? ''}:${parsed.data.by.userId}`, parsed.data);
    }
    const tallies = new Map<string, RatingTally>();
    for (const rating of latest.values()) {
      const tally = tallies.get(rating.runId) ?? { up: 0, down: 0 };
      tally[rating.rating] += 1;
      tallies.set(rating.runId, tally);
    }
    return tallies;
  }
}
