import type { z } from 'zod';
import type { Tool } from '../tools/defineTool.ts';
import type { ToolSet } from '../tools/toolSet.ts';
import type { CustomProcess } from './customProcess.ts';
import type { TaskOutput } from './output.ts';

/**
 * The engine's input: a crew with every reference resolved. src/crews builds this from
 * CrewAI-format YAML; TypeScript users can build it by hand.
 */
export interface CrewSpec {
  name: string;
  description?: string | undefined;
  /** The crew's directory as shown in messages (`crews/research`) when it was loaded from files. */
  sourceDir?: string | undefined;
  process: ProcessKind;
  /** process `custom`: the code that decides which tasks run, in what order and how often. */
  customProcess?: CustomProcess | undefined;
  agents: AgentSpec[];
  tasks: TaskSpec[];
  /** hierarchical: model for the built-in manager agent. */
  managerLlm?: string | undefined;
  /** hierarchical: id of an agent in `agents` that manages instead of the built-in manager. */
  managerAgent?: string | undefined;
  verbose?: boolean | undefined;
  /** Upper bound on tasks running at once (parallel process, async tasks) and LLM calls in flight. */
  maxConcurrency?: number | undefined;
  limits?: RunLimits | undefined;
  inputs?: Record<string, InputSpec> | undefined;
  /** Tool names that must be approved by a person before they run. */
  requireApproval?: string[] | undefined;
  /** Cap on human review rounds per task. */
  maxReviewRounds?: number | undefined;
  /** Requests nobody answers within `afterMs` get the outcome given for their kind (none: they keep waiting). */
  requestTimeout?: RequestTimeout | undefined;
  /** CrewAI's `planning`: one call before the first task writes a short plan for each task. */
  planning?: boolean | undefined;
  /** Model of the planning call (OPENAI_MODEL when absent). */
  planningLlm?: string | undefined;
  /** CrewAI's crew-wide tool-result cache switch; default true (each agent's `cache` decides too). */
  cache?: boolean | undefined;
  /** The run's events as JSON lines, to this path (with {input} placeholders) under the output directory. */
  outputLogFile?: string | undefined;
}

export interface RequestTimeout {
  afterMs: number;
  review?: 'approve' | undefined;
  approval?: 'approve' | 'deny' | undefined;
  /** The answer given to an unanswered question. */
  question?: string | undefined;
}

export type ProcessKind = 'sequential' | 'parallel' | 'hierarchical' | 'custom';

export interface RunLimits {
  maxLlmCalls?: number | undefined;
  maxTokens?: number | undefined;
  /** USD; when reached the run asks a person (a `budget` request) to extend it by the same amount. */
  maxCostUsd?: number | undefined;
}

export interface InputSpec {
  description?: string | undefined;
  required: boolean;
  default?: string | undefined;
}

export interface AgentSpec {
  /** Key in agents.yaml; tasks refer to agents by it. */
  id: string;
  role: string;
  goal: string;
  backstory: string;
  /** Model name; OPENAI_MODEL when absent. */
  llm?: string | undefined;
  tools: Tool[];
  /** Tools read when the agent works (an MCP server's tools), offered next to `tools`. */
  toolSets?: ToolSet[] | undefined;
  allowDelegation: boolean;
  /** Default 25. When reached the agent is asked once for its best final answer. */
  maxIter: number;
  maxRpm?: number | undefined;
  /** Seconds. */
  maxExecutionTime?: number | undefined;
  verbose: boolean;
  /** CrewAI's max_retry_limit: a failed execution is tried again this many times (default 2). */
  maxRetryLimit?: number | undefined;
  /** Default true: past the model's context window, older turns are summarised; false fails instead. */
  respectContextWindow?: boolean | undefined;
  /** Tokens; overrides the built-in table of model context windows. */
  contextWindow?: number | undefined;
  /** The agent writes its approach (and whether it is ready) before executing a task. */
  reasoning?: boolean | undefined;
  /** Rounds of refining that approach until ready (default 3). */
  maxReasoningAttempts?: number | undefined;
  /** Identical tool calls within a run return the recorded result (default true). */
  cache?: boolean | undefined;
}

/** A condition on an earlier task's output: a regex test, or a yes/no question the LLM answers. */
export type ConditionSpec = { task: string; matches: string } | { task: string; ask: string };

export interface LoopSpec {
  /** Task id to run again from. */
  backTo: string;
  while: ConditionSpec;
  max: number;
}

export type GuardrailResult = { ok: true; output?: string | undefined } | { ok: false; feedback: string };
export type GuardrailFunction = (output: TaskOutput) => GuardrailResult | Promise<GuardrailResult>;

/** Structured output for a task: JSON schema for the model, zod for validation. */
export interface OutputSchema {
  name: string;
  jsonSchema: Record<string, unknown>;
  zod: z.ZodType;
}

export interface TaskSpec {
  /** Key in tasks.yaml. */
  id: string;
  description: string;
  expectedOutput: string;
  /** Agent id; when absent the engine allocates the best-fitting agent. */
  agent?: string | undefined;
  /** Task ids whose outputs this task sees; all earlier completed tasks when absent. */
  context?: string[] | undefined;
  asyncExecution: boolean;
  humanInput: boolean;
  outputSchema?: OutputSchema | undefined;
  /** Path with {input} placeholders; the output is written there. */
  outputFile?: string | undefined;
  markdown: boolean;
  /** A function, or a sentence an LLM checks the output against. */
  guardrail?: GuardrailFunction | string | undefined;
  guardrailMaxRetries: number;
  /** CrewAI's older name for guardrailMaxRetries; wins when given, as in CrewAI. */
  maxRetries?: number | undefined;
  callback?: ((output: TaskOutput) => void | Promise<void>) | undefined;
  /** Replace the agent's tools for this task. */
  tools?: Tool[] | undefined;
  /** With `tools`, replace the agent's tool sets for this task. */
  toolSets?: ToolSet[] | undefined;
  /** Higher runs first among ready tasks (parallel process). */
  priority: number;
  condition?: ConditionSpec | undefined;
  loop?: LoopSpec | undefined;
}
