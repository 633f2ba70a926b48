import { z } from 'zod';
import type { ToolSpec } from '../llm/types.ts';

/** What a tool learns about the call it serves. */
export interface ToolContext {
  runId: string;
  taskId: string;
  agentRole: string;
  /** Id of the model's tool call this invocation answers. */
  toolCallId?: string | undefined;
  signal?: AbortSignal | undefined;
  /**
   * Ask a person and get their answer. The run is saved and waits (minutes or days) for the
   * answer; the tool then runs again from the start and this call returns it.
   */
  askHuman?: ((question: string) => Promise<string>) | undefined;
}

export interface ToolDefinition<P extends z.ZodType> {
  name: string;
  description: string;
  parameters: P;
  /** When true the run asks a person before the tool runs (durable runs). */
  requiresApproval?: boolean;
  /**
   * Default true: an identical call (same arguments) later in the same run gets the recorded result
   * (agents' `cache`). Set false for tools whose answer changes from call to call or that act on the world.
   */
  cacheable?: boolean;
  /**
   * How long one call may run before it is stopped and the agent told so (default 120 s). The
   * call's `context.signal` aborts then too, so a tool that listens can stop its own work.
   */
  timeoutMs?: number;
  /**
   * What the tool lacks to work as configured ("needs SERPER_API_KEY: set it in .env"), so commands
   * can say so before a run instead of the tool failing on every call during it.
   */
  setupProblem?: string | undefined;
  run(args: z.infer<P>, context: ToolContext): Promise<unknown> | unknown;
}

export interface Tool {
  readonly name: string;
  readonly description: string;
  readonly requiresApproval: boolean;
  /** False: never answered from the run's tool-result cache. Absent means true. */
  readonly cacheable?: boolean;
  /** Its own limit per call; the engine's default applies when undefined. */
  readonly timeoutMs?: number | undefined;
  /** What it lacks to work as configured, e.g. "needs SERPER_API_KEY: set it in .env"; undefined when ready. */
  readonly setupProblem?: string | undefined;
  readonly parameters: z.ZodType;
  /** The tool as the model sees it. */
  spec(): ToolSpec;
  /** Validate raw JSON arguments with the zod schema, then run. Throws ToolArgumentsError on bad input. */
  invoke(rawArguments: string, context: ToolContext): Promise<string>;
}

export class ToolArgumentsError extends Error {
  override name = 'ToolArgumentsError';
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export function defineTool<P extends z.ZodType>(definition: ToolDefinition<P>): Tool {
  if (!TOOL_NAME.test(definition.name)) {
    throw new Error(
      `Tool name "${definition.name}" is invalid: use 1-64 letters, digits, "_" or "-" (the Chat Completions API refuses others).`,
    );
  }
  if (definition.timeoutMs !== undefined && !(Number.isFinite(definition.timeoutMs) && definition.timeoutMs > 0)) {
    throw new Error(`Tool "${definition.name}" has timeoutMs ${definition.timeoutMs}: give a positive number of milliseconds, or leave it out for the default.`);
  }
  let cachedSpec: ToolSpec | undefined;
  return {
    name: definition.name,
    description: definition.description,
    requiresApproval: definition.requiresApproval ?? false,
    cacheable: definition.cacheable ?? true,
    timeoutMs: definition.timeoutMs,
    setupProblem: definition.setupProblem,
    parameters: definition.parameters,
    spec() {
      cachedSpec ??= {
        name: definition.name,
        description: definition.description,
        parameters: toolParametersJsonSchema(definition.parameters),
      };
      return cachedSpec;
    },
    async invoke(rawArguments, context) {
      let json: unknown;
      try {
        json = rawArguments.trim() === '' ? {} : JSON.parse(rawArguments);
      } catch {
        throw new ToolArgumentsError(`Arguments for ${definition.name} are not valid JSON: ${rawArguments.slice(0, 200)}`);
      }
      const parsed = definition.parameters.safeParse(json);
      if (!parsed.success) {
        throw new ToolArgumentsError(
          `Invalid arguments for ${definition.name}: ${z.prettifyError(parsed.error)}. Call it again with arguments that match its schema.`,
        );
      }
      const result = await definition.run(parsed.data, context);
      return typeof result === 'string' ? result : JSON.stringify(result);
    },
  };
}

function toolParametersJsonSchema(parameters: z.ZodType): Record<string, unknown> {
  const schema = z.toJSONSchema(parameters, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  delete schema.$schema;
  return schema;
}

/** A tool made with defineTool (or shaped like one: a crew may load a second copy of this module). */
export function isTool(value: unknown): value is Tool {
  return (
    typeof value === 'object' &&
    value !== null &&
    'name' in value &&
    typeof value.name === 'string' &&
    'spec' in value &&
    typeof value.spec === 'function' &&
    'invoke' in value &&
    typeof value.invoke === 'function'
  );
}

// A crew's tools.ts imports everything it defines from 'crewbot/tools', its custom process included,
// without loading the rest of the package.
export { defineProcess, type CustomProcess, type ProcessControls, type RunTaskOptions } from '../engine/customProcess.ts';
