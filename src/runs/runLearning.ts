import type { LoadedCrew } from '../crews/loadCrew.ts';
import type { TaskFeedback } from '../engine/feedback.ts';
import type { RunRecord } from './runRecord.ts';

/** A lesson as the run's thread is told about it. */
export interface LearnedLesson {
  id: string;
  taskId: string;
  text: string;
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
}
