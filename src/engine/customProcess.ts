import type { TaskOutput } from './output.ts';

export interface RunTaskOptions {
  /** Shown to the agent as feedback to address on this run of the task (a reviewer's or a check's words). */
  feedback?: string | undefined;
}

/** What a custom process gets to drive its run. */
export interface ProcessControls {
  /**
   * Runs a task and resolves with its output. Each call is a step of its own: the third
   * `run('answer_task')` is a different step from the first. Steps a resumed run already
   * finished resolve with their saved output at once, without any LLM call.
   */
  run(taskId: string, options?: RunTaskOptions): Promise<TaskOutput>;
  /** The run's inputs. */
  readonly inputs: Readonly<Record<string, string>>;
  /** The latest output of each task this process has run so far, by task id. */
  readonly outputs: Readonly<Record<string, TaskOutput>>;
}

/**
 * A crew's own process. It is run again from the top whenever its run resumes, so it must decide
 * only from `inputs` and the outputs `run` gives it: no clocks, no randomness, no outside reads.
 */
export type CustomProcess = (controls: ProcessControls) => Promise<void>;

/** Types a function as a crew's custom process (its argument and what it returns). */
export function defineProcess(process: CustomProcess): CustomProcess {
  return process;
}

export function isCustomProcess(value: unknown): value is CustomProcess {
  return typeof value === 'function';
}
