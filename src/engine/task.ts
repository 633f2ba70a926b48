import { z } from 'zod';
import { Agent } from './agent.ts';
import { parseOptions, text, toolList } from './codeOptions.ts';
import { LOOP_MAX_DEFAULT, TASK_DEFAULTS } from './defaults.ts';
import type { TaskOutput } from './output.ts';
import type { GuardrailFunction } from './spec.ts';

const fn = <T>(message: string) => z.custom<T>((value) => typeof value === 'function', message);
const earlierTask = () => z.custom<Task>((value) => value instanceof Task, 'must be a Task');

const ConditionSchema = z.union([
  z.strictObject({ task: earlierTask(), matches: z.union([text(), z.instanceof(RegExp)]) }),
  z.strictObject({ task: earlierTask(), ask: text() }),
]);

const TaskOptionsSchema = z.strictObject({
  description: text(),
  expectedOutput: text(),
  /** How events, run records and other crews' context name the task; its position (task_1, …) when absent. */
  name: text().optional(),
  /** When absent the engine picks the agent that fits best. */
  agent: z.instanceof(Agent, { message: 'must be an Agent' }).optional(),
  /** Tasks whose outputs this task sees; all earlier tasks when absent. */
  context: z.array(earlierTask()).optional(),
  asyncExecution: z.boolean().default(TASK_DEFAULTS.asyncExecution),
  humanInput: z.boolean().default(TASK_DEFAULTS.humanInput),
  /** A zod object schema; the task's answer is validated against it and returned as `json`. */
  outputJson: z.custom<z.ZodType>((value) => typeof value === 'object' && value !== null && '_zod' in value, 'must be a zod schema such as z.object({...})').optional(),
  /** Path with {input} placeholders, relative to the run's output directory. */
  outputFile: text().optional(),
  markdown: z.boolean().default(TASK_DEFAULTS.markdown),
  /** A function, or a rule in plain words that an LLM checks the output against. */
  guardrail: z.union([text(), fn<GuardrailFunction>('must be a function or a rule in words')]).optional(),
  guardrailMaxRetries: z.int().nonnegative().default(TASK_DEFAULTS.guardrailMaxRetries),
  callback: fn<(output: TaskOutput) => void | Promise<void>>('must be a function').optional(),
  /** Replace the agent's tools for this task. */
  tools: toolList().optional(),
  /** Higher runs first among tasks ready at the same time (parallel process). */
  priority: z.int().default(TASK_DEFAULTS.priority),
  /** Run the task only when this holds on an earlier task's output (a case-insensitive pattern, or a yes/no question). */
  condition: ConditionSchema.optional(),
  /** While `while` holds (at most `max` times) the run goes back to `backTo` with this task's output as feedback. */
  loop: z
    .strictObject({ backTo: earlierTask(), while: ConditionSchema, max: z.int().positive().default(LOOP_MAX_DEFAULT) })
    .optional(),
});

/** CrewAI's Task options in camelCase; everything but description and expectedOutput has CrewAI's default. */
export type TaskOptions = z.input<typeof TaskOptionsSchema>;
export type TaskSettings = z.output<typeof TaskOptionsSchema>;
export type TaskCondition = z.input<typeof ConditionSchema>;

/** A task written in code: `new Task({ description, expectedOutput, agent, context })`. */
export class Task {
  readonly settings: TaskSettings;

  constructor(options: TaskOptions) {
    this.settings = parseOptions(TaskOptionsSchema, options, `Task "${describe(options)}"`);
  }

  get description(): string {
    return this.settings.description;
  }

  get name(): string | undefined {
    return this.settings.name;
  }
}

function describe(options: unknown): string {
  const record = typeof options === 'object' && options !== null ? (options as Record<string, unknown>) : {};
  const label = typeof record.name === 'string' ? record.name : typeof record.description === 'string' ? record.description : '(no description)';
  return label.length > 40 ? `${label.slice(0, 40)}…` : label;
}
