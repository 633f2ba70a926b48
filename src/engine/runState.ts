import { z } from 'zod';
import { ChatMessageSchema } from '../llm/types.ts';
import { HumanRequestSchema, RecordedAnswerSchema } from './humanRequest.ts';
import { RunStateError } from './errors.ts';
import { TaskOutputSchema, UsageSchema, emptyUsage, type Usage } from './output.ts';

/** Bump when the shape changes; older checkpoints are then refused with a clear message. */
export const RUN_STATE_VERSION = 1;

export const TaskStatusSchema = z.enum(['pending', 'running', 'awaiting_input', 'completed', 'skipped', 'failed']);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

export const TaskStateSchema = z.object({
  status: TaskStatusSchema,
  /** Agent id chosen for the task (its own, or allocated). */
  agent: z.string().optional(),
  output: TaskOutputSchema.optional(),
  error: z.string().optional(),
  skipReason: z.string().optional(),
  /** Guardrail failures so far in this execution. */
  guardrailFailures: z.number().int().nonnegative().default(0),
  /** Human review rounds that asked for changes. */
  reviewRounds: z.number().int().nonnegative().default(0),
  /** Output of the loop task that sent the run back here, to be addressed on the next pass. */
  feedback: z.string().optional(),
  /** Failed executions retried so far (max_retry_limit). */
  retries: z.number().int().nonnegative().default(0),
  /** The agent's reasoning before it started (reasoning: true), kept so a resume does not reason again. */
  reasoning: z
    .object({ plan: z.string(), ready: z.boolean(), attempts: z.number().int().positive() })
    .optional(),
});
export type TaskState = z.infer<typeof TaskStateSchema>;

/** One agent's working memory for one execution: enough to continue after any LLM call or tool result. */
export const ConversationSchema = z.object({
  agent: z.string(),
  messages: z.array(ChatMessageSchema),
  /** LLM calls made in this execution (max_iter counts these). */
  iterations: z.number().int().nonnegative(),
});
export type Conversation = z.infer<typeof ConversationSchema>;

/**
 * One `run(taskId)` of a custom process, keyed by task and occurrence (the third `answer_task`
 * is `answer_task#3`), so a process re-run from the top gets finished steps back without paying again.
 */
export const ProcessStepSchema = z.object({
  key: z.string(),
  task: z.string(),
  occurrence: z.number().int().positive(),
  feedback: z.string().optional(),
  status: z.enum(['running', 'completed']),
  output: TaskOutputSchema.optional(),
});
export type ProcessStep = z.infer<typeof ProcessStepSchema>;

export const RunStateSchema = z.object({
  version: z.literal(RUN_STATE_VERSION),
  runId: z.string(),
  crew: z.string(),
  inputs: z.record(z.string(), z.string()),
  tasks: z.record(z.string(), TaskStateSchema),
  /** Keyed by task id, or `<parent key>>` + tool call id for delegated work. */
  conversations: z.record(z.string(), ConversationSchema),
  /** Completed passes of each review loop, by the id of the task that owns the loop. */
  loops: z.record(z.string(), z.number().int().nonnegative()),
  /** Answers of routing and yes/no calls, so a resumed run makes the same choices without paying again. */
  decisions: z.record(z.string(), z.unknown()),
  /** Requests waiting for a person. */
  pending: z.array(HumanRequestSchema),
  /** Answers by request slot, kept until the step that asked has used them. */
  answers: z.record(z.string(), RecordedAnswerSchema),
  usage: UsageSchema,
  usageByAgent: z.record(z.string(), UsageSchema),
  usageByTask: z.record(z.string(), UsageSchema),
  /** The crew's plan per task id (planning: true); present once planned, so a resume does not plan again. */
  plans: z.record(z.string(), z.string()).optional(),
  /** Tool results by tool and arguments (the agents' `cache`). */
  toolCache: z.record(z.string(), z.string()).default({}),
  /** Custom process only: every step it asked for, in the order it first asked. */
  steps: z.array(ProcessStepSchema).default([]),
  /**
   * Text offered from outside the run to each task's prompt (lessons, past results), by task id.
   * Fixed when the run starts, so a resumed or replayed run offers the same text.
   */
  offered: z.record(z.string(), z.string()).default({}),
});
export type RunState = z.infer<typeof RunStateSchema>;

export function newRunState(
  runId: string,
  crew: string,
  inputs: Record<string, string>,
  taskIds: string[],
  offered: Record<string, string> = {},
): RunState {
  return {
    version: RUN_STATE_VERSION,
    runId,
    crew,
    inputs,
    tasks: Object.fromEntries(taskIds.map((id) => [id, freshTaskState()])),
    conversations: {},
    loops: {},
    decisions: {},
    pending: [],
    answers: {},
    usage: emptyUsage(),
    usageByAgent: {},
    usageByTask: {},
    toolCache: {},
    steps: [],
    offered,
  };
}

export function freshTaskState(): TaskState {
  return { status: 'pending', guardrailFailures: 0, reviewRounds: 0, retries: 0 };
}

/** Validate a stored checkpoint. Never guesses: an unknown version or a damaged record is refused. */
export function parseRunState(json: unknown): RunState {
  const version = typeof json === 'object' && json !== null ? (json as { version?: unknown }).version : undefined;
  if (version !== RUN_STATE_VERSION) {
    throw new RunStateError(
      `Checkpoint has version ${JSON.stringify(version)}, this crewbot reads version ${RUN_STATE_VERSION}. ` +
        'Run it with the crewbot release that saved it, or replay the run from its first task.',
    );
  }
  const parsed = RunStateSchema.safeParse(json);
  if (!parsed.success) {
    throw new RunStateError(`Checkpoint is damaged and cannot be resumed: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

export function usageBucket(record: Record<string, Usage>, key: string): Usage {
  return (record[key] ??= emptyUsage());
}
