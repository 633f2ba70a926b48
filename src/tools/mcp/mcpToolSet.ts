import type { JsonSchemaType, JsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import { z } from 'zod';
import type { ToolSpec } from '../../llm/types.ts';
import { ToolArgumentsError, type Tool } from '../defineTool.ts';
import type { ToolSet } from '../toolSet.ts';
import { McpServerUnavailableError } from './errors.ts';
import type { McpConnection, McpToolDefinition } from './mcpConnection.ts';
import { resultText } from './mcpResult.ts';

/** Compiled on a tool's first call: loading the validator costs start-up time nothing else needs. */
async function compileSchema(schema: unknown): Promise<JsonSchemaValidator<Record<string, unknown>>> {
  const { AjvJsonSchemaValidator } = await import('@modelcontextprotocol/sdk/validation/ajv');
  return new AjvJsonSchemaValidator().getValidator<Record<string, unknown>>(schema as JsonSchemaType);
}
const ArgumentsSchema = z.record(z.string(), z.unknown());

export interface McpToolSetOptions {
  /** One tool of the server (`server.tool`, or a URL's `#tool`); all of them when absent. */
  only?: string | undefined;
  /** crew.yaml require_approval: tool names as the agent sees them, or `server.tool`. */
  requireApproval: readonly string[];
}

/**
 * A server's tools for an agent. The tool list comes from the shared connection (read once,
 * refreshed when the server says it changed); each definition becomes one Tool, reused while the
 * list stays the same, so a call to it goes to the server with arguments checked first.
 */
export function mcpToolSet(connection: McpConnection, options: McpToolSetOptions): ToolSet {
  const built = new WeakMap<McpToolDefinition[], Tool[]>();
  const toolsOf = (definitions: McpToolDefinition[]): Tool[] => {
    let tools = built.get(definitions);
    if (!tools) {
      tools = definitions.map((definition) => mcpTool(connection, definition, options.requireApproval));
      built.set(definitions, tools);
    }
    return tools;
  };
  return {
    kind: 'toolSet',
    name: connection.name,
    label: options.only === undefined ? `all tools of MCP server ${connection.name}` : `${options.only} from MCP server ${connection.name}`,
    async probe() {
      const names = (await connection.listTools()).map((definition) => definition.name);
      if (options.only === undefined) return names;
      if (!names.includes(options.only)) throw new McpServerUnavailableError(`MCP server "${connection.name}" has no tool named "${options.only}"; it has ${names.join(', ')}`);
      return [options.only];
    },
    async list() {
      try {
        const tools = toolsOf(await connection.listTools());
        if (options.only === undefined) return tools;
        const picked = tools.find((tool) => tool.name === options.only);
        return [picked ?? unavailableTool(connection.name, options.only, `the server has no tool named "${options.only}"`, options.requireApproval)];
      } catch (error) {
        // A named tool stays callable, so the agent learns why it fails; a whole server offers nothing.
        if (options.only === undefined) return [];
        const reason = error instanceof Error ? error.message : String(error);
        return [unavailableTool(connection.name, options.only, reason, options.requireApproval)];
      }
    },
  };
}

function mcpTool(connection: McpConnection, definition: McpToolDefinition, requireApproval: readonly string[]): Tool {
  let validator: Promise<JsonSchemaValidator<Record<string, unknown>>> | undefined;
  const spec: ToolSpec = {
    name: definition.name,
    description: definition.description ?? definition.title ?? `Tool ${definition.name} of MCP server ${connection.name}`,
    parameters: definition.inputSchema,
  };
  return {
    name: definition.name,
    description: spec.description,
    requiresApproval: needsApproval(connection.name, definition.name, requireApproval),
    parameters: ArgumentsSchema,
    spec: () => spec,
    async invoke(rawArguments, context) {
      const args = parseArguments(definition.name, rawArguments);
      validator ??= compileSchema(definition.inputSchema);
      const checked = (await validator)(args);
      if (!checked.valid) {
        throw new ToolArgumentsError(
          `Invalid arguments for ${definition.name}: ${checked.errorMessage ?? 'they do not match its input schema'}. Call it again with arguments that match its schema.`,
        );
      }
      const result = await connection.callTool(definition.name, args, context.signal);
      const text = resultText(result);
      if (result.isError) throw new McpServerUnavailableError(`${definition.name} reported an error: ${text}`);
      return text;
    },
  };
}

/** Stands for a named tool the server cannot offer now; calling it tells the agent why. */
function unavailableTool(server: string, name: string, reason: string, requireApproval: readonly string[]): Tool {
  return {
    name,
    description: `Tool ${name} of MCP server ${server} (currently unavailable: ${reason})`,
    requiresApproval: needsApproval(server, name, requireApproval),
    parameters: ArgumentsSchema,
    spec: () => ({ name, description: `Tool ${name} of MCP server ${server} (currently unavailable)`, parameters: { type: 'object', properties: {} } }),
    invoke: () => Promise.reject(new McpServerUnavailableError(`${name} is unavailable: ${reason}`)),
  };
}

function needsApproval(server: string, name: string, requireApproval: readonly string[]): boolean {
  return requireApproval.includes(name) || requireApproval.includes(`${server}.${name}`) || requireApproval.includes(`${server}_${name}`);
}

function parseArguments(tool: string, rawArguments: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = rawArguments.trim() === '' ? {} : JSON.parse(rawArguments);
  } catch {
    throw new ToolArgumentsError(`Arguments for ${tool} are not valid JSON: ${rawArguments.slice(0, 200)}`);
  }
  const parsed = ArgumentsSchema.safeParse(json);
  if (!parsed.success) throw new ToolArgumentsError(`Arguments for ${tool} must be a JSON object.`);
  return parsed.data;
}
