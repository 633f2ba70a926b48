import type { LoadedCrew } from '../crews/loadCrew.ts';
import type { TaskFeedback } from '../engine/feedback.ts';
import type { Actor } from './answerPolicy.ts';
import type { RunRecord } from './runRecord.ts';

/** A lesson as the run's thread is told about it. */
export interface LearnedLesson {
  id: string;
  taskId: string;
  text: string;
}

/** A person's 👍 or 👎 on a run's final result; the reason of a 👎 becomes a lesson. */
export interface ResultRating {
  rating: 'up' | 'down';
  reason?: string | undefined;
  by: Actor;
  at: number;
}

/**
 * What runs learn from people and offer to later runs (lessons, memory), given to the runner by
 * whoever builds it; the runner only asks, so runs and the engine never depend on how it is done.
 */
export interface RunLearning {
  /** Text for each task's prompt, by task id, fixed when a run starts. */
  offerFor(crew: LoadedCrew, inputs: Record<string, string>): Promise<Record<string, string>>;
  /** A person asked for changes to a draft of `run`: the lesson kept from it, if any. */
  learnFromFeedback(crew: LoadedCrew, run: RunRecord, feedback: TaskFeedback): Promise<LearnedLesson | undefined>;
  /** Keeps a rating of a completed run's result: the lesson learned from a 👎's reason, if any. */
  rateResult(crew: LoadedCrew, run: RunRecord, rating: ResultRating): Promise<LearnedLesson | undefined>;
  /** Forgets one of the crew's lessons; false when the crew has no such lesson. */
  forgetLesson(crew: LoadedCrew, lessonId: string, by: Actor): Promise<boolean>;
}
