import { z } from 'zod';
import type { Tool } from '../tools/defineTool.ts';
import { parseOptions, slug, text, toolList } from './codeOptions.ts';
import { AGENT_DEFAULTS } from './defaults.ts';
import type { AgentSpec } from './spec.ts';

const AgentOptionsSchema = z.strictObject({
  role: text(),
  goal: text(),
  backstory: text(),
  /** How tasks, events and run records name the agent; from the role when absent. */
  id: text().optional(),
  /** Model name; the crew's model's default when absent. */
  llm: text().optional(),
  tools: toolList().default([]),
  allowDelegation: z.boolean().default(AGENT_DEFAULTS.allowDelegation),
  maxIter: z.int().positive().default(AGENT_DEFAULTS.maxIter),
  maxRpm: z.int().positive().optional(),
  /** Seconds. */
  maxExecutionTime: z.number().positive().optional(),
  verbose: z.boolean().default(AGENT_DEFAULTS.verbose),
});

/** CrewAI's Agent options in camelCase; everything but role, goal and backstory has CrewAI's default. */
export type AgentOptions = z.input<typeof AgentOptionsSchema>;

/** An agent written in code: `new Agent({ role, goal, backstory, tools })`. */
export class Agent {
  readonly id: string;
  readonly role: string;
  readonly goal: string;
  readonly backstory: string;
  readonly tools: readonly Tool[];
  readonly #spec: AgentSpec;

  constructor(options: AgentOptions) {
    const parsed = parseOptions(AgentOptionsSchema, options, `Agent "${describe(options)}"`);
    this.id = parsed.id ?? slug(parsed.role);
    this.role = parsed.role;
    this.goal = parsed.goal;
    this.backstory = parsed.backstory;
    this.tools = parsed.tools;
    this.#spec = {
      id: this.id,
      role: parsed.role,
      goal: parsed.goal,
      backstory: parsed.backstory,
      llm: parsed.llm,
      tools: parsed.tools,
      allowDelegation: parsed.allowDelegation,
      maxIter: parsed.maxIter,
      maxRpm: parsed.maxRpm,
      maxExecutionTime: parsed.maxExecutionTime,
      verbose: parsed.verbose,
    };
  }

  /** The agent as the engine runs it. */
  toSpec(): AgentSpec {
    return { ...this.#spec, tools: [...this.#spec.tools] };
  }
}

function describe(options: unknown): string {
  const role = typeof options === 'object' && options !== null && 'role' in options ? options.role : undefined;
  return typeof role === 'string' ? role : '(no role)';
}
