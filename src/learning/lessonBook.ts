import type { RunStore } from '../runs/runStore.ts';
import { LessonLogEntrySchema, type Lesson, type LessonAuthor, type LessonLogEntry } from './lesson.ts';

const LOG = 'lessons';

/**
 * Every crew's lessons, kept as one append-only log in the run store (SQLite or Redis), so
 * learning in one process and forgetting in another never lose each other's writes.
 */
export class LessonBook {
  constructor(
    private readonly store: RunStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Lessons still kept, oldest first. An entry that does not parse (a newer release's) is skipped. */
  async all(): Promise<Lesson[]> {
    const kept = new Map<string, Lesson>();
    const forgotten = new Set<string>();
    for (const raw of await this.store.readLog(LOG)) {
      const parsed = LessonLogEntrySchema.safeParse(raw);
      if (!parsed.success) continue;
      const entry = parsed.data;
      if (entry.op === 'forget') {
        forgotten.add(entry.id);
        kept.delete(entry.id);
      } else if (!forgotten.has(entry.lesson.id) && !kept.has(entry.lesson.id)) {
        kept.set(entry.lesson.id, entry.lesson);
      }
    }
    return [...kept.values()];
  }

  async ofCrew(crew: string): Promise<Lesson[]> {
    return (await this.all()).filter((lesson) => lesson.crew === crew);
  }

  async find(id: string): Promise<Lesson | undefined> {
    return (await this.all()).find((lesson) => lesson.id === id);
  }

  /** Keeps a lesson; a lesson with the same id (the same feedback told twice) is kept once. */
  async learn(lesson: Lesson): Promise<void> {
    await this.#append({ op: 'learn', lesson });
  }

  /** Forgets a lesson for good; undefined when there is no such lesson (left alone). */
  async forget(id: string, by?: LessonAuthor): Promise<Lesson | undefined> {
    const lesson = await this.find(id);
    if (!lesson) return undefined;
    await this.#append({ op: 'forget', id, ...(by ? { by } : {}), at: this.now() });
    return lesson;
  }

  #append(entry: LessonLogEntry): Promise<void> {
    return this.store.appendToLog(LOG, LessonLogEntrySchema.parse(entry));
  }
}
