import { z } from 'zod';
import type { HumanRequest } from './humanRequest.ts';
import type { RunState } from './runState.ts';

export const UsageSchema = z.object({
  llmCalls: z.number().int().nonnegative(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  /** USD of the calls whose model has a known price. */
  costUsd: z.number().nonnegative().optional(),
  /** Calls whose model has no known price: their tokens count, their cost is unknown (never guessed). */
  unpricedCalls: z.number().int().nonnegative().optional(),
});
export type Usage = z.infer<typeof UsageSchema>;

export const emptyUsage = (): Usage => ({ llmCalls: 0, promptTokens: 0, completionTokens: 0 });

export function addUsage(into: Usage, add: Usage): Usage {
  into.llmCalls += add.llmCalls;
  into.promptTokens += add.promptTokens;
  into.completionTokens += add.completionTokens;
  if (add.costUsd !== undefined) into.costUsd = (into.costUsd ?? 0) + add.costUsd;
  if (add.unpricedCalls !== undefined) into.unpricedCalls = (into.unpricedCalls ?? 0) + add.unpricedCalls;
  return into;
}

export const TaskOutputSchema = z.object({
  taskId: z.string(),
  /** Role of the agent that produced it. */
  agent: z.string(),
  description: z.string(),
  raw: z.string(),
  /** Validated structured output when the task has an output schema. */
  json: z.unknown().optional(),
  usage: UsageSchema,
});
export type TaskOutput = z.infer<typeof TaskOutputSchema>;

export interface CrewOutput {
  runId: string;
  /** awaiting_input: the run stopped where it needs people; answer `pending` and run it again. */
  status: 'completed' | 'awaiting_input';
  pending: HumanRequest[];
  /** The last completed task's output. */
  raw: string;
  json?: unknown;
  tasks: TaskOutput[];
  usage: Usage;
  usageByAgent: Record<string, Usage>;
  usageByTask: Record<string, Usage>;
  /** The run as it stands (plain JSON): keep it to answer `pending` with Crew.resume, here or in another process. */
  state: RunState;
}
