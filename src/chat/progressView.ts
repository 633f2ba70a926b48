import type { CrewEvent } from '../engine/events.ts';
import { addUsage, type Usage } from '../engine/output.ts';
import { costText } from '../llm/costText.ts';
import { tallyToolEvent, toolErrorsOf, toolFailureLine, toolFailureSummary, type ToolTally } from '../runs/toolErrors.ts';

export type TaskMark = 'waiting' | 'running' | 'needs_input' | 'done' | 'skipped' | 'failed';

export interface ProgressView {
  crew: string;
  status: 'running' | 'awaiting_input' | 'completed' | 'failed' | 'cancelled';
  tasks: Array<{ id: string; mark: TaskMark; agent?: string | undefined; plan?: string | undefined; usage?: Usage | undefined }>;
  /** What is happening right now, e.g. "Senior Researcher is calling web_search". */
  step?: string | undefined;
  startedAt: number;
  updatedAt: number;
  usage: Usage;
  error?: string | undefined;
  /** Calls per tool, failures and the last error: a crew can complete while its tools fail. */
  tools?: ToolTally[] | undefined;
}

/**
 * The platform-neutral picture of a run that every surface renders: the terminal's checklist,
 * Slack's and Discord's status message. Built only from events, so it can be rebuilt from a log.
 */
export function initialProgress(crew: string, taskIds: string[], startedAt: number): ProgressView {
  return {
    crew,
    status: 'running',
    tasks: taskIds.map((id) => ({ id, mark: 'waiting' })),
    startedAt,
    updatedAt: startedAt,
    usage: { llmCalls: 0, promptTokens: 0, completionTokens: 0 },
  };
}

export function applyEvent(view: ProgressView, event: CrewEvent): ProgressView {
  const next: ProgressView = { ...view, updatedAt: event.at, tasks: view.tasks };
  const mark = (taskId: string, value: TaskMark, agent?: string) => {
    next.tasks = next.tasks.map((task) => (task.id === taskId ? { ...task, mark: value, agent: agent ?? task.agent } : task));
  };
  switch (event.type) {
    case 'crew_kickoff_started':
      next.status = 'running';
      break;
    case 'crew_kickoff_completed':
      next.status = 'completed';
      next.step = undefined;
      next.usage = { ...event.usage };
      break;
    case 'crew_kickoff_failed':
      next.status = event.cancelled ? 'cancelled' : 'failed';
      next.error = event.error;
      next.step = undefined;
      next.usage = { ...event.usage };
      break;
    case 'task_started':
      mark(event.taskId, 'running');
      next.step = `${event.taskId} started`;
      break;
    case 'task_completed':
      mark(event.taskId, 'done', event.output.agent);
      break;
    case 'task_failed':
      mark(event.taskId, 'failed');
      break;
    case 'task_skipped':
      mark(event.taskId, 'skipped');
      break;
    case 'task_retry':
      mark(event.taskId, 'running');
      next.step = `${event.taskId} failed (${event.error}); retrying, attempt ${event.attempt} of ${event.maxRetryLimit + 1}`;
      break;
    case 'crew_planning_completed':
      next.tasks = next.tasks.map((task) => ({ ...task, plan: event.plans[task.id] ?? task.plan }));
      next.step = `planned ${Object.keys(event.plans).length} tasks`;
      break;
    case 'agent_reasoning_completed':
      next.step = `${event.agent} planned its approach to ${event.taskId}${event.ready ? '' : ' (not yet sure it is ready)'}`;
      break;
    case 'context_summarized':
      next.step = `${event.agent} summarised earlier work to fit ${event.model}'s context window`;
      break;
    case 'loop_iteration':
      next.step = `${event.taskId} sent the work back to ${event.backTo} (pass ${event.iteration})`;
      break;
    case 'task_allocated':
      mark(event.taskId, 'running', event.agent);
      next.step = `${event.taskId} went to ${event.agent}`;
      break;
    case 'agent_execution_started':
      mark(event.taskId, 'running', event.agent);
      next.step = `${event.agent} is working on ${event.taskId}`;
      break;
    case 'llm_call_started':
      next.step = `${event.agent ?? 'The crew'} is thinking`;
      break;
    case 'llm_call_completed':
      next.usage = addUsage({ ...view.usage }, event.usage);
      if (event.taskId) {
        const add = (task: ProgressView['tasks'][number]) => addUsage({ ...(task.usage ?? { llmCalls: 0, promptTokens: 0, completionTokens: 0 }) }, event.usage);
        next.tasks = next.tasks.map((task) => (task.id === event.taskId ? { ...task, usage: add(task) } : task));
      }
      break;
    case 'tool_usage_started':
      next.step = `${event.agent ?? 'An agent'} is calling ${event.tool}`;
      break;
    case 'delegation_started':
      next.step = `${event.coworker} is ${event.kind === 'delegate' ? 'working on delegated work' : 'answering a question'}`;
      break;
    case 'guardrail_failed':
      next.step = `${event.taskId} is revising its output (guardrail attempt ${event.attempt})`;
      break;
    case 'human_input_requested':
      mark(event.request.taskId, 'needs_input', event.request.agent);
      next.step = `${event.request.taskId} is waiting for a person (${event.request.kind})`;
      break;
    case 'human_input_received':
      next.step = `${event.by} ${event.answer}`;
      break;
    case 'crew_cancelled':
      next.status = 'cancelled';
      next.step = undefined;
      break;
    case 'crew_suspended':
      next.status = 'awaiting_input';
      next.usage = { ...event.usage };
      break;
    case 'tool_usage_finished':
    case 'tool_usage_error':
      next.tools = tallyToolEvent(view.tools ?? [], event);
      break;
    case 'agent_execution_completed':
    case 'llm_stream_chunk':
    case 'llm_call_failed':
    case 'delegation_completed':
    case 'lesson_learned':
      break;
    default: {
      const never: never = event;
      throw new Error(`Unhandled event ${JSON.stringify(never)}`);
    }
  }
  return next;
}

const MARKS: Record<TaskMark, string> = { waiting: '[ ]', running: '[~]', needs_input: '[?]', done: '[x]', skipped: '[-]', failed: '[!]' };

/** Plain-text rendering (terminal and logs). */
export function renderProgressText(view: ProgressView, now: number): string {
  const lines = view.tasks.flatMap((task) => [
    `  ${MARKS[task.mark]} ${task.id}${task.agent ? ` — ${task.agent}` : ''}${taskCost(task)}`,
    ...(task.plan ? [`      plan: ${planLine(task.plan)}`] : []),
  ]);
  const elapsed = Math.round((now - view.startedAt) / 1000);
  const tokens = view.usage.promptTokens + view.usage.completionTokens;
  const header = `${view.crew}: ${withToolFailures(view.status, view)} · ${elapsed}s · ${view.usage.llmCalls} LLM calls · ${tokens} tokens · ${costText(view.usage)}`;
  const failures = toolFailureLines(view).map((line) => `  ! ${line}`);
  return [header, ...lines, ...failures, ...(view.step ? [`  → ${view.step}`] : [])].join('\n');
}

/** A status with the tools that failed, e.g. "completed — web_search failed 3 of 3 calls". */
export function withToolFailures(status: string, view: ProgressView): string {
  const summary = toolFailureSummary(toolErrorsOf(view.tools));
  return summary ? `${status} — ${summary}` : status;
}

/** One line per tool that failed: its count and its last error (already redacted, capped). */
export function toolFailureLines(view: ProgressView): string[] {
  return toolErrorsOf(view.tools).map(toolFailureLine);
}

/** A task's plan on one line, short enough for a checklist (the full plan is in the run's events). */
export function planLine(plan: string, max = 200): string {
  const flat = plan.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** " · $0.0060" after a task that has spent something at a known price; nothing where the price is unknown. */
export function taskCost(task: ProgressView['tasks'][number]): string {
  if (!task.usage || task.usage.llmCalls === 0 || task.usage.costUsd === undefined) return '';
  return ` · ${costText(task.usage)}`;
}
