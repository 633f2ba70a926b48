import type { HumanRequest } from './humanRequest.ts';
import type { TaskOutput, Usage } from './output.ts';

interface EventBase {
  runId: string;
  /** Milliseconds since the epoch. */
  at: number;
  taskId?: string | undefined;
  /** Role of the agent concerned. */
  agent?: string | undefined;
}

/**
 * Everything the engine reports while it works. Names follow CrewAI's event bus so people who
 * know CrewAI recognise them; surfaces render these into progress views.
 */
export type CrewEvent = EventBase &
  (
    | { type: 'crew_kickoff_started'; crew: string; inputs: Record<string, string>; resumed: boolean }
    | { type: 'crew_kickoff_completed'; crew: string; output: string; usage: Usage }
    | { type: 'crew_kickoff_failed'; crew: string; error: string; usage: Usage; cancelled?: boolean }
    | { type: 'task_started'; taskId: string; description: string }
    | { type: 'task_completed'; taskId: string; output: TaskOutput }
    | { type: 'task_failed'; taskId: string; error: string }
    /** max_retry_limit: the task's execution failed and is tried again (attempt counts from 1) after `delayMs`. */
    | { type: 'task_retry'; taskId: string; attempt: number; maxRetryLimit: number; error: string; delayMs: number }
    /** planning: the plan written for each task before the first one started. */
    | { type: 'crew_planning_completed'; crew: string; plans: Record<string, string> }
    /** reasoning: the agent's approach to the task, and whether it judged itself ready. */
    | { type: 'agent_reasoning_completed'; taskId: string; agent: string; plan: string; ready: boolean; attempt: number }
    /** respect_context_window: older turns and long tool results were summarised to fit the model's window. */
    | { type: 'context_summarized'; taskId: string; agent: string; model: string; tokensBefore: number; tokensAfter: number }
    | { type: 'task_skipped'; taskId: string; reason: string }
    | { type: 'task_allocated'; taskId: string; agent: string; reason: string }
    | { type: 'agent_execution_started'; taskId: string; agent: string }
    | { type: 'agent_execution_completed'; taskId: string; agent: string; output: string }
    | { type: 'llm_call_started'; model: string | undefined }
    /** Text of the answer as the model writes it (live only: never kept in a run's log). */
    /** `restart`: the call's text so far is void, the call is being made again (`chunk` is then empty). */
    | { type: 'llm_stream_chunk'; taskId: string; agent: string; chunk: string; restart?: true }
    | { type: 'llm_call_completed'; model: string; usage: Usage }
    | { type: 'llm_call_failed'; error: string }
    | { type: 'tool_usage_started'; tool: string; arguments: string }
    /** `fromCache`: the recorded result of an identical earlier call, not a new run of the tool. */
    | { type: 'tool_usage_finished'; tool: string; output: string; fromCache?: boolean }
    /** `denied`: a person refused the call (requires approval); the tool itself did not fail. */
    | { type: 'tool_usage_error'; tool: string; error: string; denied?: boolean }
    | { type: 'delegation_started'; kind: 'delegate' | 'ask'; coworker: string; request: string }
    | { type: 'delegation_completed'; kind: 'delegate' | 'ask'; coworker: string; output: string }
    | { type: 'guardrail_failed'; taskId: string; attempt: number; feedback: string }
    | { type: 'loop_iteration'; taskId: string; backTo: string; iteration: number }
    | { type: 'human_input_requested'; request: HumanRequest }
    | { type: 'human_input_received'; taskId: string; requestId: string; kind: HumanRequest['kind']; answer: string; by: string }
    | { type: 'crew_suspended'; crew: string; pending: string[]; usage: Usage }
    /** A person's feedback on a task became a lesson later runs of the crew are offered (the runtime tells it, not the engine). */
    | { type: 'lesson_learned'; taskId: string; lessonId: string; lesson: string }
    /** Someone cancelled the run; `pending` are the requests that no longer wait. */
    | { type: 'crew_cancelled'; crew: string; by: string; pending: HumanRequest[] }
  );

export type CrewEventType = CrewEvent['type'];

/**
 * Events only for whoever watches now: there are far too many to keep, and the response they add
 * up to is kept whole when its step is checkpointed.
 */
export function isLiveOnly(event: CrewEvent): boolean {
  return event.type === 'llm_stream_chunk';
}
export type CrewEventListener = (event: CrewEvent) => void;

/** Subscribers to a crew's events. A listener that throws never breaks the run. */
export class CrewEventBus {
  readonly #listeners = new Set<CrewEventListener>();

  subscribe(listener: CrewEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: CrewEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        process.emitWarning(`crew event listener failed on ${event.type}: ${String(error)}`);
      }
    }
  }
}
