import { z } from 'zod';
import { McpServerEntrySchema, SERVER_NAME } from '../tools/mcp/serverConfig.ts';
import { TriggerSchema } from '../triggers/triggerFile.ts';
import { modelName, promptText } from './textFields.ts';

/** `{name}` placeholders fill inputs, so input names follow the placeholder rule. */
const INPUT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const InputEntrySchema = z.strictObject({
  description: promptText().optional(),
  required: z.boolean().default(true),
  /** YAML reads `default: 3` as a number; inputs are text. */
  default: z
    .union([z.string(), z.number(), z.boolean()])
    .transform(String)
    .optional(),
});

const DURATION = /^\s*(\d+)\s*(s|m|h|d)\s*$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A bare number is seconds; otherwise 90s, 30m, 4h, 2d. */
function durationMs(value: number | string): number {
  if (typeof value === 'number') return value * 1000;
  const [, amount, unit] = DURATION.exec(value)!;
  return Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
}

/** crew.yaml: optional; everything about the crew that is not an agent or a task. */
export const CrewFileSchema = z.object({
  description: promptText().optional(),
  process: z.enum(['sequential', 'parallel', 'hierarchical', 'custom']).default('sequential'),
  /** hierarchical: model of the built-in manager (OPENAI_MODEL when absent). */
  manager_llm: modelName().optional(),
  /** hierarchical: an agent id from agents.yaml that manages instead of the built-in manager. */
  manager_agent: z.string().min(1).optional(),
  verbose: z.boolean().default(false),
  inputs: z
    .record(z.string().regex(INPUT_NAME, 'use letters, digits and _ (not starting with a digit), as {placeholders} do'), InputEntrySchema.nullable())
    .default({}),
  max_concurrency: z.int().positive().optional(),
  limits: z
    .strictObject({
      max_llm_calls: z.int().positive().optional(),
      max_tokens: z.int().positive().optional(),
      /** USD; reaching it asks a person to extend the budget or stop the run. */
      max_cost_usd: z.number().positive().optional(),
    })
    .optional(),
  /** Named MCP servers agents list in `tools:` (the server for all its tools, `server.tool` for one). */
  mcp_servers: z
    .record(z.string().regex(SERVER_NAME, 'use letters, digits, _ and - (starting with a letter)'), McpServerEntrySchema)
    .default({}),
  /** Tool names a person must approve before they run. */
  require_approval: z.array(z.string()).default([]),
  max_review_rounds: z.int().nonnegative().optional(),
  /** When nobody answers a request in time, this outcome is applied for them. */
  request_timeout: z
    .strictObject({
      after: z.union([z.int().positive(), z.string().regex(DURATION, 'write a duration such as 90s, 30m, 4h or 2d')]).transform(durationMs),
      review: z.literal('approve').optional(),
      approval: z.enum(['approve', 'deny']).optional(),
      question: z.string().min(1).optional(),
    })
    .optional(),
  /** One planning call before the first task writes a short plan for each task. */
  planning: z.boolean().default(false),
  /** Model of the planning call (OPENAI_MODEL when absent). */
  planning_llm: modelName().optional(),
  /** Crew-wide switch of the agents' tool-result cache. */
  cache: z.boolean().default(true),
  /** The run's events as JSON lines under the output directory; true writes logs.jsonl. */
  output_log_file: z
    .union([z.boolean(), z.string().min(1)])
    .transform((value) => (value === true ? 'logs.jsonl' : value === false ? undefined : value))
    .optional(),
  /** Lessons from people's feedback: learned from reviews and ratings, offered to later runs' tasks. */
  learning: z.boolean().default(true),
  /** CrewAI's crew memory: earlier completed runs' outputs offered to later runs' tasks. */
  memory: z.boolean().default(false),
  /** Schedules, webhooks and other crews' results that start this crew. */
  triggers: z.array(TriggerSchema).default([]),
  /** Chat surface settings, read by the surfaces themselves. */
  slack: z.unknown().optional(),
  discord: z.unknown().optional(),
});
export type CrewFileEntry = z.infer<typeof CrewFileSchema>;

/** CrewAI crew settings a CrewAI project may carry: accepted with a warning each. */
export const UNSUPPORTED_CREW_KEYS = [
  'name',
  'embedder',
  'function_calling_llm',
  'step_callback',
  'task_callback',
  'manager_callbacks',
  'share_crew',
  'prompt_file',
  'knowledge_sources',
  'max_rpm',
  'chat_llm',
  'config',
  'security_config',
  'tracing',
] as const;
