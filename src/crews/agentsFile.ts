import { z } from 'zod';
import { AGENT_DEFAULTS } from '../engine/defaults.ts';
import { modelName, promptText } from './textFields.ts';

/** One entry of agents.yaml, keyed by the agent's id (CrewAI's classic format). */
export const AgentEntrySchema = z.object({
  role: promptText(),
  goal: promptText(),
  backstory: promptText(),
  /** Model name; OPENAI_MODEL when absent. */
  llm: modelName().optional(),
  /** Tool names: crew-local (tools.ts) first, then built-in tools, then their aliases. */
  tools: z.array(z.string()).default([]),
  /** MCP server URLs (CrewAI's `mcps`), each optionally `#tool_name`; headers come from CREWBOT_MCP_HEADERS. */
  mcps: z.array(z.string()).default([]),
  allow_delegation: z.boolean().default(AGENT_DEFAULTS.allowDelegation),
  max_iter: z.int().positive().default(AGENT_DEFAULTS.maxIter),
  max_rpm: z.int().positive().optional(),
  /** Seconds. */
  max_execution_time: z.number().positive().optional(),
  verbose: z.boolean().default(AGENT_DEFAULTS.verbose),
  /** A failed execution is tried again this many times (CrewAI's default 2). */
  max_retry_limit: z.int().nonnegative().default(2),
  /** Summarise older turns past the model's context window; false fails instead. */
  respect_context_window: z.boolean().default(true),
  /** Tokens; overrides crewbot's table of model context windows. */
  context_window: z.int().positive().optional(),
  /** Plan the approach before each task. */
  reasoning: z.boolean().default(false),
  max_reasoning_attempts: z.int().positive().optional(),
  /** Identical tool calls within a run return the recorded result. */
  cache: z.boolean().default(true),
});
export type AgentEntry = z.infer<typeof AgentEntrySchema>;

/** CrewAI agent settings a CrewAI project may carry: accepted with a warning each. */
export const UNSUPPORTED_AGENT_KEYS = [
  'memory',
  'allow_code_execution',
  'code_execution_mode',
  'function_calling_llm',
  'step_callback',
  'system_template',
  'prompt_template',
  'response_template',
  'use_system_prompt',
  'multimodal',
  'knowledge',
  'knowledge_sources',
  'knowledge_config',
  'embedder',
  'inject_date',
  'date_format',
  'max_tokens',
  'callbacks',
  'config',
  'guardrail',
  'security_config',
  'apps',
] as const;
