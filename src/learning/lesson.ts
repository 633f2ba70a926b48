import { z } from 'zod';
import { PlatformSchema } from '../runs/runRecord.ts';

/** Who a lesson came from, as their platform knows them. */
export const LessonAuthorSchema = z.object({
  platform: PlatformSchema.optional(),
  userId: z.string().min(1),
  name: z.string().optional(),
});
export type LessonAuthor = z.infer<typeof LessonAuthorSchema>;

/**
 * A short, general instruction for one task of one crew, with where it came from: a review that
 * asked for changes, a thumbs-down with a reason, or a person who added it by hand. The person's
 * own words are not kept here; they stay in the run (and its thread) they were written in.
 */
export const LessonSchema = z.object({
  id: z.string().min(1),
  crew: z.string().min(1),
  taskId: z.string().min(1),
  text: z.string().min(1),
  source: z.enum(['review', 'rating', 'added']),
  runId: z.string().optional(),
  by: LessonAuthorSchema.optional(),
  at: z.number(),
});
export type Lesson = z.infer<typeof LessonSchema>;

/** The lessons log: lessons learned and forgotten, in order. */
export const LessonLogEntrySchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('learn'), lesson: LessonSchema }),
  z.object({ op: z.literal('forget'), id: z.string().min(1), by: LessonAuthorSchema.optional(), at: z.number() }),
]);
export type LessonLogEntry = z.infer<typeof LessonLogEntrySchema>;

/** Lessons are shown and offered as one line each, so a prompt's budget holds several. */
export const MAX_LESSON_CHARS = 240;
