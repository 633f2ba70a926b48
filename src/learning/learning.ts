import { createHash } from 'node:crypto';
import type { LoadedCrew } from '../crews/loadCrew.ts';
import { interpolate } from '../engine/interpolate.ts';
import type { TaskFeedback } from '../engine/feedback.ts';
import { addUsage, type TaskOutput } from '../engine/output.ts';
import type { LlmClient } from '../llm/types.ts';
import type { Actor } from '../runs/answerPolicy.ts';
import type { LearnedLesson, ResultRating, RunLearning } from '../runs/runLearning.ts';
import type { RunRecord } from '../runs/runRecord.ts';
import type { RunStore } from '../runs/runStore.ts';
import { chooseLessons, lessonsText, type LessonBudget } from './chooseLessons.ts';
import { distilLesson } from './distil.ts';
import type { Lesson, LessonAuthor } from './lesson.ts';
import { LessonBook } from './lessonBook.ts';
import { RatingBook } from './ratings.ts';
import { CrewMemory, pastResultsText, recallFor } from './recall.ts';

export interface LearningOptions {
  store: RunStore;
  /** The model that distils a 👎's reason, given after the run ended (feedback during a run uses the run's own). */
  llm?: LlmClient | undefined;
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
  readonly ratings: RatingBook;
  readonly memory: CrewMemory;
  readonly #options: LearningOptions;

  constructor(options: LearningOptions) {
    this.#options = options;
    this.lessons = new LessonBook(options.store, options.now);
    this.ratings = new RatingBook(options.store);
    this.memory = new CrewMemory(options.store, options.now);
  }

  /** Each task's lessons (unless `learning: false`) and, with `memory: true`, its past results. */
  async offerFor(crew: LoadedCrew, inputs: Record<string, string>): Promise<Record<string, string>> {
    const kept = learnsLessons(crew) ? await this.lessons.ofCrew(crew.spec.name) : [];
    const past = crew.learning?.memory ? await this.memory.pastResults(crew.spec.name) : [];
    const offered: Record<string, string> = {};
    for (const task of crew.spec.tasks) {
      const query = [interpolate(task.description, inputs), ...Object.values(inputs)].join('\n');
      const parts = [
        lessonsText(chooseLessons(kept.filter((lesson) => lesson.taskId === task.id), query, this.#options.lessonBudget)),
        pastResultsText(recallFor(past, task.id, query)),
      ].filter((part): part is string => part !== undefined);
      if (parts.length > 0) offered[task.id] = parts.join('\n\n');
    }
    return offered;
  }

  async learnFromFeedback(crew: LoadedCrew, run: RunRecord, feedback: TaskFeedback): Promise<LearnedLesson | undefined> {
    if (!learnsLessons(crew)) return undefined;
    const { text } = await distilLesson(feedback.llm, { task: feedback.description, work: feedback.draft, feedback: feedback.text });
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

  /**
   * The rating is kept; a 👎's reason is distilled against the run's final task and its output.
   * That call is made after the run ended, so its usage is added to the run's record.
   */
  async rateResult(crew: LoadedCrew, run: RunRecord, rating: ResultRating): Promise<LearnedLesson | undefined> {
    const by = authorOf(rating.by);
    await this.ratings.record({ runId: run.id, crew: run.crew, rating: rating.rating, by, at: rating.at });
    const reason = rating.reason?.trim();
    if (rating.rating !== 'down' || !reason || !learnsLessons(crew) || !this.#options.llm) return undefined;
    const final = await finalOutput(this.#options.store, crew, run.id);
    if (!final) return undefined;
    const task = crew.spec.tasks.find((candidate) => candidate.id === final.taskId);
    const distilled = await distilLesson(this.#options.llm, { task: interpolate(task?.description ?? final.description, run.inputs), work: final.raw, feedback: reason });
    const current = (await this.#options.store.getRun(run.id)) ?? run;
    await this.#options.store.updateRun(run.id, { usage: addUsage({ ...current.usage }, { llmCalls: 1, ...distilled.usage }) });
    const lesson: Lesson = { id: lessonId(run.id, final.taskId, rating.at), crew: crew.spec.name, taskId: final.taskId, text: distilled.text, source: 'rating', runId: run.id, by, at: rating.at };
    await this.lessons.learn(lesson);
    return { id: lesson.id, taskId: lesson.taskId, text: lesson.text };
  }

  async forgetLesson(crew: LoadedCrew, id: string, by: Actor): Promise<boolean> {
    const lesson = await this.lessons.find(id);
    // A button names its lesson; it only ever forgets one of the crew whose run it is in.
    if (!lesson || lesson.crew !== crew.spec.name) return false;
    return (await this.lessons.forget(id, authorOf(by))) !== undefined;
  }
}

function authorOf(actor: Actor): LessonAuthor {
  return { platform: actor.platform, userId: actor.userId, ...(actor.name ? { name: actor.name } : {}) };
}

/** The output of the crew's last task that has one: the run's final result. */
async function finalOutput(store: RunStore, crew: LoadedCrew, runId: string): Promise<TaskOutput | undefined> {
  const outputs = await store.getTaskOutputs(runId);
  for (const task of [...crew.spec.tasks].reverse()) {
    const output = outputs[task.id] as TaskOutput | undefined;
    if (output && typeof output.raw === 'string') return output;
  }
  return undefined;
}

export function lessonId(runId: string, taskId: string, at: number): string {
  return createHash('sha256').update(`${runId}\n${taskId}\n${at}`).digest('hex').slice(0, 8);
}
