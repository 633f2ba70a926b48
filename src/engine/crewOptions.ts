import { z } from 'zod';
import type { LlmClient } from '../llm/types.ts';
import { isTool, type Tool } from '../tools/defineTool.ts';
import { Agent } from './agent.ts';
import { parseOptions, slug, text } from './codeOptions.ts';
import { isCustomProcess, type CustomProcess } from './customProcess.ts';
import type { CrewEvent } from './events.ts';
import type { TaskOutput } from './output.ts';
import type { ConditionSpec, CrewSpec, TaskSpec } from './spec.ts';
import { Task, type TaskCondition } from './task.ts';
import { zodOutputSchema } from './zodOutputSchema.ts';
import { CrewOptionsError } from './errors.ts';

const CrewOptionsSchema = z.strictObject({
  /** Names the crew in run records and events; default "crew". */
  name: text().default('crew'),
  description: text().optional(),
  agents: z.array(z.instanceof(Agent, { message: 'must be an Agent' })),
  tasks: z.array(z.instanceof(Task, { message: 'must be a Task' })),
  process: z.enum(['sequential', 'parallel', 'hierarchical', 'custom']).default('sequential'),
  /** process custom: the code that decides which tasks run, in what order and how often (defineProcess). */
  customProcess: z.custom<CustomProcess>(isCustomProcess, 'must be a function made with defineProcess').optional(),
  /** hierarchical: model name of the built-in manager. */
  managerLlm: text().optional(),
  /** hierarchical: an agent that manages instead of the built-in manager (it need not be in `agents`). */
  managerAgent: z.instanceof(Agent, { message: 'must be an Agent' }).optional(),
  verbose: z.boolean().default(false),
  maxConcurrency: z.int().positive().optional(),
  limits: z.strictObject({ maxLlmCalls: z.int().positive().optional(), maxTokens: z.int().positive().optional() }).optional(),
  /** Inputs the crew takes, with descriptions and defaults; every {placeholder} is required otherwise. */
  inputs: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.strictObject({ description: text().optional(), required: z.boolean().default(true), default: z.string().optional() }))
    .optional(),
  /** Tools (or tool names) a person must approve before they run. */
  requireApproval: z.array(z.union([text(), z.custom<Tool>((value) => isTool(value), 'must be a tool or a tool name')])).default([]),
  maxReviewRounds: z.int().nonnegative().optional(),
  requestTimeout: z
    .strictObject({
      afterMs: z.int().positive(),
      review: z.literal('approve').optional(),
      approval: z.enum(['approve', 'deny']).optional(),
      question: text().optional(),
    })
    .optional(),
  /** The model client; OPENAI_* from the environment when the crew is imported from the package and none is given. */
  llm: z.custom<LlmClient>((value) => typeof value === 'object' && value !== null && 'chat' in value && typeof value.chat === 'function', 'must be an LLM client (an object with chat())').optional(),
  /** CrewAI's step_callback: every event of every run. */
  stepCallback: z.custom<(event: CrewEvent) => void>((value) => typeof value === 'function', 'must be a function').optional(),
  /** CrewAI's task_callback: every completed task's output. */
  taskCallback: z.custom<(output: TaskOutput) => void | Promise<void>>((value) => typeof value === 'function', 'must be a function').optional(),
  /** Directory outputFile paths are relative to; the working directory when absent. */
  outputDir: text().optional(),
});

/** CrewAI's Crew options in camelCase: agents and tasks as objects, CrewAI's defaults for the rest. */
export type CrewOptions = z.input<typeof CrewOptionsSchema>;

/** What a crew written in code brings besides its spec: the run environment it was given. */
export interface CodeCrew {
  spec: CrewSpec;
  llm?: LlmClient | undefined;
  stepCallback?: ((event: CrewEvent) => void) | undefined;
  taskCallback?: ((output: TaskOutput) => void | Promise<void>) | undefined;
  outputDir?: string | undefined;
}

/**
 * The engine's spec of a crew written in code. Agents keep their ids; tasks are named by `name` or
 * by position (task_1, task_2, …), which is what durable runs key their state by. References are
 * not checked here: the engine checks every crew the same way when it is built.
 */
export function codeCrew(options: CrewOptions): CodeCrew {
  const settings = parseOptions(CrewOptionsSchema, options, `Crew "${typeof options.name === 'string' ? options.name : 'crew'}"`);
  const taskIds = new Map(settings.tasks.map((task, index) => [task, task.name !== undefined ? slug(task.name) : `task_${index + 1}`]));
  const idOf = (task: Task) => taskIds.get(task) ?? (task.name !== undefined ? slug(task.name) : shortly(task.description));
  const agents = settings.agents.map((agent) => agent.toSpec());
  const manager = settings.managerAgent;
  if (manager && !settings.agents.includes(manager)) agents.push(manager.toSpec());
  const spec: CrewSpec = {
    name: settings.name,
    description: settings.description,
    process: settings.process,
    customProcess: settings.customProcess,
    agents,
    tasks: settings.tasks.map((task) => taskSpec(task, idOf)),
    managerLlm: settings.managerLlm,
    managerAgent: manager?.id,
    verbose: settings.verbose,
    maxConcurrency: settings.maxConcurrency,
    limits: settings.limits,
    inputs: settings.inputs,
    requireApproval: settings.requireApproval.map((tool) => (typeof tool === 'string' ? tool : tool.name)),
    maxReviewRounds: settings.maxReviewRounds,
    requestTimeout: settings.requestTimeout,
  };
  return { spec, llm: settings.llm, stepCallback: settings.stepCallback, taskCallback: settings.taskCallback, outputDir: settings.outputDir };
}

function taskSpec(task: Task, idOf: (task: Task) => string): TaskSpec {
  const settings = task.settings;
  const id = idOf(task);
  const condition = (entry: TaskCondition): ConditionSpec => {
    const target = idOf(entry.task as Task);
    if ('ask' in entry) return { task: target, ask: entry.ask };
    return { task: target, matches: typeof entry.matches === 'string' ? entry.matches : entry.matches.source };
  };
  let outputSchema: TaskSpec['outputSchema'];
  if (settings.outputJson) {
    const schema = zodOutputSchema(`${id}_output`, settings.outputJson);
    if (typeof schema === 'string') throw new CrewOptionsError(`Task "${id}" has invalid options:\n- outputJson: ${schema}`);
    outputSchema = schema;
  }
  return {
    id,
    description: settings.description,
    expectedOutput: settings.expectedOutput,
    agent: settings.agent?.id,
    context: settings.context?.map(idOf),
    asyncExecution: settings.asyncExecution,
    humanInput: settings.humanInput,
    outputSchema,
    outputFile: settings.outputFile,
    markdown: settings.markdown,
    guardrail: settings.guardrail,
    guardrailMaxRetries: settings.guardrailMaxRetries,
    callback: settings.callback,
    tools: settings.tools,
    priority: settings.priority,
    condition: settings.condition && condition(settings.condition),
    loop: settings.loop && { backTo: idOf(settings.loop.backTo), while: condition(settings.loop.while), max: settings.loop.max },
  };
}

function shortly(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
