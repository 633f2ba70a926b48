import type { CustomProcess, ProcessControls, RunTaskOptions } from '../customProcess.ts';
import { CustomProcessError, NonDeterminismError, RunCancelledError, RunLimitError, TaskFailedError, errorMessage } from '../errors.ts';
import { HumanInputRequired } from '../humanRequest.ts';
import type { TaskOutput } from '../output.ts';
import type { RunContext } from '../runContext.ts';
import type { ProcessStep } from '../runState.ts';
import type { TaskSpec } from '../spec.ts';
import { runTask } from '../taskRunner.ts';
import { resetTask } from '../workingMemory.ts';
import { settleAll } from './settleAll.ts';

export const NOT_RUN_REASON = 'not run by the custom process';

/**
 * Drives a custom process the way durable-execution engines replay workflows: the function runs
 * from the top on every pass; a step the RunState already finished resolves with its saved output;
 * a new step runs for real. The pass ends when the function returns, or when nothing is left to do
 * but wait for a person.
 */
export async function runCustom(ctx: RunContext, process: CustomProcess): Promise<void> {
  const pass = new CustomPass(ctx);
  await pass.drive(process);
}

class CustomPass {
  readonly #occurrences = new Map<string, number>();
  readonly #requested = new Set<string>();
  readonly #inFlight = new Map<string, Promise<unknown>>();
  readonly #outputs: Record<string, TaskOutput> = {};
  #waiting = 0;
  #onIdle: (() => void) | undefined;

  constructor(readonly ctx: RunContext) {}

  async drive(process: CustomProcess): Promise<void> {
    const controls: ProcessControls = {
      run: (taskId, options) => this.#run(taskId, options ?? {}),
      inputs: Object.freeze({ ...this.ctx.state.inputs }),
      outputs: this.#outputs,
    };
    let failure: { error: unknown } | undefined;
    const finished = Promise.resolve()
      .then(() => process(controls))
      .then(
        () => 'finished' as const,
        (error: unknown) => {
          failure = { error };
          return 'finished' as const;
        },
      );
    const idle = new Promise<'waiting'>((resolve) => (this.#onIdle = () => resolve('waiting')));
    const outcome = await Promise.race([finished, idle]);
    // Work the function started and did not await still finishes (CrewAI joins async tasks at the end).
    await settleAll(this.#inFlight.values());
    if (failure) throw asRunFailure(failure.error);
    if (outcome === 'finished' && this.#waiting === 0) await this.#markNotRun();
  }

  #run(taskId: string, options: RunTaskOptions): Promise<TaskOutput> {
    this.ctx.throwIfCancelled();
    const task = this.ctx.tasksById.get(taskId);
    if (!task) {
      const known = this.ctx.spec.tasks.map((candidate) => candidate.id).join(', ');
      return Promise.reject(new CustomProcessError(`run("${taskId}"): the crew has no task "${taskId}" (tasks: ${known}).`));
    }
    if ([...this.#inFlight.keys()].some((key) => key.startsWith(`${taskId}#`))) {
      return Promise.reject(
        new CustomProcessError(`run("${taskId}") was called while ${taskId} is still running; await the first run before starting it again.`),
      );
    }
    const occurrence = (this.#occurrences.get(taskId) ?? 0) + 1;
    this.#occurrences.set(taskId, occurrence);
    const key = `${taskId}#${occurrence}`;
    this.#requested.add(key);
    const recorded = this.ctx.state.steps.find((step) => step.key === key);
    if (recorded) {
      const mismatch = feedbackMismatch(recorded, options);
      if (mismatch) return Promise.reject(new NonDeterminismError(mismatch));
    }
    if (recorded?.status === 'completed' && recorded.output) return Promise.resolve(this.#replayed(task, recorded.output));
    const step = this.#execute(task, key, occurrence, options, recorded);
    const settled = step.catch(() => undefined);
    this.#inFlight.set(key, settled);
    return step;
  }

  /** A finished step: its saved output, and the task's state shows it when nothing newer replaced it. */
  #replayed(task: TaskSpec, output: TaskOutput): TaskOutput {
    const state = this.ctx.state.tasks[task.id]!;
    if (state.status === 'pending' && !state.output) {
      state.status = 'completed';
      state.output = output;
    }
    this.#outputs[task.id] = output;
    return output;
  }

  async #execute(task: TaskSpec, key: string, occurrence: number, options: RunTaskOptions, recorded: ProcessStep | undefined): Promise<TaskOutput> {
    let output: TaskOutput | undefined;
    try {
      const step = recorded ?? (await this.#startStep(task, key, occurrence, options));
      let parked = false;
      try {
        await runTask(this.ctx, task);
      } catch (error) {
        if (!(error instanceof HumanInputRequired)) throw error;
        parked = true;
        this.#waiting += 1;
      }
      if (!parked) {
        output = this.ctx.state.tasks[task.id]!.output!;
        step.status = 'completed';
        step.output = output;
        await this.ctx.checkpoint();
        this.#outputs[task.id] = output;
      }
    } finally {
      this.#inFlight.delete(key);
      this.#checkIdleSoon();
    }
    // The step waits for a person: the function stays parked here until the run resumes.
    return output ?? new Promise<never>(() => {});
  }

  async #startStep(task: TaskSpec, key: string, occurrence: number, options: RunTaskOptions): Promise<ProcessStep> {
    // Finished steps a resumed function replays resolve in microtasks; let them all be asked for
    // before deciding that this new step is the one the recorded history goes on with.
    await new Promise((resolve) => setImmediate(resolve));
    this.#assertHistoryReplayed(key);
    this.ctx.throwIfCancelled();
    const state = this.ctx.state.tasks[task.id]!;
    if (occurrence > 1 || state.status !== 'pending') resetTask(this.ctx.state, task.id);
    if (options.feedback !== undefined) this.ctx.state.tasks[task.id]!.feedback = options.feedback;
    const step: ProcessStep = { key, task: task.id, occurrence, status: 'running', ...(options.feedback !== undefined ? { feedback: options.feedback } : {}) };
    this.ctx.state.steps.push(step);
    await this.ctx.checkpoint();
    return step;
  }

  #assertHistoryReplayed(newKey: string): void {
    const skipped = this.ctx.state.steps.filter((step) => !this.#requested.has(step.key)).map((step) => step.key);
    if (skipped.length === 0) return;
    throw new NonDeterminismError(
      `The custom process asked for a new step ${newKey}, but this run recorded ${skipped.join(', ')}, which it did not ask for this time. ` +
        'A custom process must decide only from its inputs and the outputs run() gives it (no clocks, randomness or outside reads), ' +
        'and its code must not change while a run is under way. Replay the run from a task to go on with the changed process.',
    );
  }

  /** After a step settles and the function had its turn: nothing in flight and someone asked for → the pass waits. */
  #checkIdleSoon(): void {
    setImmediate(() => {
      if (this.#inFlight.size === 0 && this.#waiting > 0) this.#onIdle?.();
    });
  }

  async #markNotRun(): Promise<void> {
    let changed = false;
    for (const task of this.ctx.spec.tasks) {
      const state = this.ctx.state.tasks[task.id]!;
      if (state.status !== 'pending') continue;
      state.status = 'skipped';
      state.skipReason = NOT_RUN_REASON;
      this.ctx.emit({ type: 'task_skipped', taskId: task.id, reason: NOT_RUN_REASON });
      changed = true;
    }
    if (changed) await this.ctx.checkpoint();
  }
}

function feedbackMismatch(recorded: ProcessStep, options: RunTaskOptions): string | undefined {
  if ((recorded.feedback ?? undefined) === (options.feedback ?? undefined)) return undefined;
  return (
    `The custom process asked for ${recorded.key} with different feedback than this run recorded. ` +
    'A custom process must decide only from its inputs and the outputs run() gives it; replay the run from a task to go on with the changed process.'
  );
}

/** Errors the engine knows keep their type; anything the function itself threw names the custom process. */
function asRunFailure(error: unknown): unknown {
  if (
    error instanceof TaskFailedError ||
    error instanceof RunCancelledError ||
    error instanceof RunLimitError ||
    error instanceof NonDeterminismError ||
    error instanceof CustomProcessError
  ) {
    return error;
  }
  return new CustomProcessError(`The custom process failed: ${errorMessage(error)}`);
}
