import { LlmAbortedError, LlmAuthError, LlmNotConfiguredError, LlmRequestError, LlmUnreachableError } from '../llm/errors.ts';
import { ContextWindowExceededError, CustomProcessError, MissingInputError, NonDeterminismError, RunCancelledError, RunLimitError, RunStateError, TaskFailedError, errorMessage } from './errors.ts';
import { HumanInputRequired } from './humanRequest.ts';
import { managerFor } from './manager.ts';
import type { RunContext } from './runContext.ts';
import type { TaskSpec } from './spec.ts';

/** CrewAI's default max_retry_limit. */
export const DEFAULT_MAX_RETRY_LIMIT = 2;

const FIRST_DELAY_MS = 2_000;
const MAX_DELAY_MS = 30_000;

/**
 * Errors another try cannot fix: a person's answer or setting (credentials, a refused request, a
 * missing input, no model endpoint, a local server that is not running, respect_context_window: false), the run's budget, a cancel, and task failures the
 * engine already decided (guardrail retries spent, max_execution_time).
 */
const FINAL_ERRORS = [
  HumanInputRequired,
  RunCancelledError,
  RunLimitError,
  RunStateError,
  MissingInputError,
  TaskFailedError,
  ContextWindowExceededError,
  CustomProcessError,
  NonDeterminismError,
  LlmAuthError,
  LlmRequestError,
  LlmAbortedError,
  LlmNotConfiguredError,
  // The client already gave a local server its quick second try; minutes of task retries would not start it.
  LlmUnreachableError,
];

export function isRetryable(error: unknown): boolean {
  return !FINAL_ERRORS.some((kind) => error instanceof kind);
}

/** The task's agent's max_retry_limit (the manager's in hierarchical crews). */
export function maxRetryLimitOf(ctx: RunContext, task: TaskSpec): number {
  const agentId = ctx.state.tasks[task.id]?.agent;
  const agent = ctx.spec.process === 'hierarchical' ? managerFor(ctx.spec) : agentId ? ctx.agentsById.get(agentId) : undefined;
  return agent?.maxRetryLimit ?? DEFAULT_MAX_RETRY_LIMIT;
}

/** 2 s, 4 s, 8 s … at most 30 s between tries. */
export function retryDelayMs(retry: number): number {
  return Math.min(FIRST_DELAY_MS * 2 ** (retry - 1), MAX_DELAY_MS);
}

/**
 * After a failed execution: when the error is worth another try and the limit allows, records the
 * retry in the RunState, tells the watchers, waits the backoff and returns true. The task then
 * continues from its checkpointed conversation, so finished steps are not paid for again.
 */
export async function retryAfterFailure(ctx: RunContext, task: TaskSpec, error: unknown): Promise<boolean> {
  const state = ctx.state.tasks[task.id]!;
  const limit = maxRetryLimitOf(ctx, task);
  if (!isRetryable(error) || state.retries >= limit) return false;
  state.retries += 1;
  const delayMs = retryDelayMs(state.retries);
  ctx.emit({
    type: 'task_retry',
    taskId: task.id,
    attempt: state.retries + 1,
    maxRetryLimit: limit,
    error: errorMessage(error),
    delayMs,
  });
  await ctx.checkpoint();
  await ctx.sleep(delayMs);
  return true;
}
