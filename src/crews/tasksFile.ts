import { z } from 'zod';
import { LOOP_MAX_DEFAULT, TASK_DEFAULTS } from '../engine/defaults.ts';
import { regexProblem } from '../engine/references.ts';
import { promptText } from './textFields.ts';

/**
 * A test on an earlier task's output. `matches` is a JavaScript regular expression source and is
 * always applied case-insensitively (JS has no inline `(?i)`; a leading one, as Python writes it,
 * is dropped). `ask` is a yes/no question an LLM answers about the output.
 */
export const ConditionSchema = z
  .strictObject({
    task: z.string().min(1),
    matches: z
      .string()
      .min(1)
      .transform((source) => source.replace(/^\(\?i\)/, ''))
      .check((ctx) => {
        const message = regexProblem(ctx.value);
        if (message) ctx.issues.push({ code: 'custom', input: ctx.value, message });
      })
      .optional(),
    ask: promptText().optional(),
  })
  .refine((condition) => (condition.matches === undefined) !== (condition.ask === undefined), {
    message: 'needs exactly one of matches (a regular expression) or ask (a yes/no question)',
  });
export type ConditionEntry = z.infer<typeof ConditionSchema>;

/** Run again from `back_to` while the condition holds, at most `max` extra rounds so a loop always ends. */
export const LoopSchema = z.strictObject({
  back_to: z.string().min(1),
  while: ConditionSchema,
  max: z.int().positive().default(LOOP_MAX_DEFAULT),
});
export type LoopEntry = z.infer<typeof LoopSchema>;

/** One entry of tasks.yaml, keyed by the task's id; tasks run in file order (sequential). */
export const TaskEntrySchema = z.object({
  description: promptText(),
  /** CrewAI accepts an empty one; it loads with a warning and the prompt then says nothing about it. */
  expected_output: z.string().trim(),
  /** Agent id from agents.yaml; when absent the engine picks the agent that fits best. */
  agent: z.string().min(1).optional(),
  /** Task ids whose outputs this task sees. */
  context: z.array(z.string()).optional(),
  async_execution: z.boolean().default(TASK_DEFAULTS.asyncExecution),
  human_input: z.boolean().default(TASK_DEFAULTS.humanInput),
  /** A JSON schema given inline; the task's answer is validated against it. */
  output_json: z.record(z.string(), z.unknown()).optional(),
  /** Path with {input} placeholders; the output is written there. */
  output_file: z.string().min(1).optional(),
  markdown: z.boolean().default(TASK_DEFAULTS.markdown),
  /**
   * A single identifier names a function exported from tools.ts under `guardrails`; anything else
   * is a rule in plain words that an LLM checks the output against.
   */
  guardrail: z.string().trim().min(1).optional(),
  guardrail_max_retries: z.int().nonnegative().default(TASK_DEFAULTS.guardrailMaxRetries),
  /** CrewAI's older name for guardrail_max_retries; wins when both are given, as in CrewAI. */
  max_retries: z.int().nonnegative().optional(),
  /** Tool names that replace the agent's tools for this task. */
  tools: z.array(z.string()).optional(),
  /** Higher runs first among tasks ready at the same time (parallel process). */
  priority: z.int().default(TASK_DEFAULTS.priority),
  /** Run the task only when this holds; otherwise it is skipped. */
  condition: ConditionSchema.optional(),
  loop: LoopSchema.optional(),
  /** Name of a function exported from tools.ts under `callbacks`, called with the output. */
  callback: z.string().min(1).optional(),
});
export type TaskEntry = z.infer<typeof TaskEntrySchema>;

/** CrewAI task settings a CrewAI project may carry: accepted with a warning each. */
export const UNSUPPORTED_TASK_KEYS = [
  'output_pydantic',
  'create_directory',
  'config',
  'name',
  'converter_cls',
  'guardrails',
  'security_config',
  'allow_crewai_trigger_context',
] as const;

/** How tasks.yaml names a guardrail function rather than a rule. */
export const FUNCTION_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
