import type { ToolSpec } from '../llm/types.ts';
import type { Tool } from './defineTool.ts';

/**
 * Tools known only when their source answers, and which may change while a run goes on (an MCP
 * server's list). The agent loop reads the list before each model call.
 */
export interface ToolSet {
  readonly kind: 'toolSet';
  /** The name a crew gives the source (an MCP server's name); prefixes its tools' names on a collision. */
  readonly name: string;
  /** Where the tools come from, for people: "all tools of MCP server github". */
  readonly label: string;
  /** The tools offered now. Never throws: a source that cannot answer offers what it can. */
  list(): Promise<Tool[]>;
  /** The source's tool names, asked for now; throws, saying why, when it does not answer. */
  probe(): Promise<string[]>;
}

/** What an agent or a task holds: tools, and sets of tools read at run time. */
export type AgentTool = Tool | ToolSet;

export function isToolSet(tool: AgentTool): tool is ToolSet {
  return 'kind' in tool && tool.kind === 'toolSet';
}

/**
 * The tools as the model sees them: sets expanded, each tool once, and a set's tool whose name is
 * already taken renamed `<set>_<name>` (names as given wherever they do not collide).
 */
export async function expandTools(tools: AgentTool[]): Promise<Tool[]> {
  const lists = await Promise.all(tools.map(async (tool) => (isToolSet(tool) ? { set: tool, tools: await tool.list() } : { set: undefined, tools: [tool] })));
  const seen = new Set<Tool>();
  const entries = lists.flatMap(({ set, tools: listed }) =>
    listed.filter((tool) => !seen.has(tool) && seen.add(tool)).map((tool) => ({ set, tool })),
  );
  const count = new Map<string, number>();
  for (const { tool } of entries) count.set(tool.name, (count.get(tool.name) ?? 0) + 1);
  return entries.map(({ set, tool }) => (set && count.get(tool.name)! > 1 ? renamedTool(tool, `${set.name}_${tool.name}`) : tool));
}

function renamedTool(tool: Tool, name: string): Tool {
  let spec: ToolSpec | undefined;
  return {
    name,
    description: tool.description,
    requiresApproval: tool.requiresApproval,
    parameters: tool.parameters,
    spec: () => (spec ??= { ...tool.spec(), name }),
    invoke: (rawArguments, context) => tool.invoke(rawArguments, context),
  };
}
