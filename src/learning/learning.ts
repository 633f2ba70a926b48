import { createHash } from 'node:crypto';
import type { LoadedCrew } from '../crews/loadCrew.ts';
import { interpolate } from '../engine/interpolate.ts';
import type { TaskFeedback } from '../engine/feedback.ts';
import type { LearnedLesson, RunLearning } from '../runs/runLearning.ts';
import type { RunRecord } from '../runs/runRecord.ts';
import type { RunStore } from '../runs/runStore.ts';
import { chooseLessons, lessonsText, type LessonBudget } from './chooseLessons.ts';
import { distilLesson } from './distil.ts';
import type { Lesson } from './lesson.ts';
import { LessonBook } from './lessonBook.ts';

export interface LearningOptions {
  store: RunStore;
  lessonBudget?: LessonBudget | undefined;
  now?: () => number;
}

/** crew.yaml `learning: false` turns lessons off; a crew built in code learns. */
export function learnsLessons(crew: LoadedCrew): boolean {
  return crew.learning?.lessons ?? true;
}

/**
 * Lessons learned from people's feedback, kept in the run store and offered to later runs'
 * tasks; handed to the runner as its RunLearning.
 */
export class Learning implements RunLearning {
  readonly lessons: LessonBook;
  readonly #options: LearningOptions;

  constructor(options: LearningOptions) {
    this.#options = options;
    this.lessons = new LessonBook(options.store, options.now);
  }

  async offerFor(crew: LoadedCrew, inputs: Record<string, string>): Promise<Record<string, string>> {
    if (!learnsLessons(crew)) return {};
    const kept = await this.lessons.ofCrew(crew.spec.name);
    const offered: Record<string, string> = {};
    for (const task of crew.spec.tasks) {
      const query = [interpolate(task.description, inputs), ...Object.values(inputs)].join('\n');
      const text = lessonsText(chooseLessons(kept.filter((lesson) => lesson.taskId === task.id), query, this.#options.lessonBudget));
      if (text) offered[task.id] = text;
    }
    return offered;
  }

  async learnFromFeedback(crew: LoadedCrew, run: RunRecord, feedback: TaskFeedback): Promise<LearnedLesson | undefined> {
    if (!learnsLessons(crew)) return undefined;
    const text = await distilLesson(feedback.llm, { task: feedback.description, work: feedback.draft, feedback: feedback.text });
    const lesson: Lesson = {
      // The same feedback told twice (a resumed run) is the same lesson.
      id: lessonId(run.id, feedback.taskId, feedback.at),
      crew: crew.spec.name,
      taskId: feedback.taskId,
      text,
      source: 'review',
      runId: run.id,
      by: { userId: feedback.by.userId, ...(feedback.by.name ? { name: feedback.by.name } : {}) },
      at: feedback.at,
    };
    await this.lessons.learn(lesson);
    return { id: lesson.id, taskId: lesson.taskId, text: lesson.text };
  }
}

export function lessonId(runId: string, taskId: string, at: number): string {
  return createHash('sha256').update(`${runId}\n${taskId}\n${at}`).digest('hex').slice(0, 8);
}
