import type { LlmClient } from '../llm/types.ts';
import type { Responder } from './humanRequest.ts';

/**
 * A person asked for changes to a task's draft. Told to whoever the run was given to learn from
 * it (lessons); the engine itself only revises the draft.
 */
export interface TaskFeedback {
  taskId: string;
  /** The task's description as the agent saw it. */
  description: string;
  draft: string;
  text: string;
  by: Responder;
  at: number;
  /** The run's model for one short call about it, booked to the Crew Coordinator on this task. */
  llm: LlmClient;
}

/**
 * Runs beside the task, never holding it up: the run goes on while it works, and a listener that
 * fails is reported as a warning, never as the run's failure.
 */
export type FeedbackListener = (feedback: TaskFeedback) => Promise<void>;
