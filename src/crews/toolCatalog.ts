import { z } from 'zod';
import { defineTool, type Tool } from '../tools/defineTool.ts';
import { LOCAL_TOOLS_FILE } from './localTools.ts';
import type { McpConnection } from '../tools/mcp/mcpConnection.ts';
import { mcpToolSet } from '../tools/mcp/mcpToolSet.ts';
import type { ToolSet } from '../tools/toolSet.ts';

/** crew.yaml's MCP servers, by name, and the tool names a person approves (MCP tools are matched when they run). */
export interface McpCatalog {
  servers: Map<string, McpConnection>;
  requireApproval: readonly string[];
}

/** The tools a crew's YAML may name: crew-local (tools.ts) first, then built-in tools, then their aliases, then MCP servers. */
export interface ToolCatalog {
  resolve(name: string): Tool | undefined;
  /** `server` (all its tools) or `server.tool` (one) for a server of crew.yaml `mcp_servers:`. */
  resolveSet(name: string): ToolSet | undefined;
  /** For error messages: every name that resolves, grouped by where it comes from. */
  describeAvailable(): string;
  /** Every name that resolves, aliases and MCP servers included, to suggest from. */
  names(): string[];
}

export function createToolCatalog(
  local: Map<string, Tool>,
  builtin: Record<string, Tool>,
  aliases: Record<string, string> = {},
  mcp: McpCatalog = { servers: new Map(), requireApproval: [] },
  /** tools.ts was read, not run (a listing): a name nothing else gives is taken as one of its tools. */
  trustLocal = false,
): ToolCatalog {
  return {
    resolve(name) {
      const aliased = aliases[name];
      const known = local.get(name) ?? builtin[name] ?? (aliased === undefined ? undefined : builtin[aliased]);
      if (known || !trustLocal || mcp.servers.has(name.split('.')[0] ?? name)) return known;
      return unrunTool(name);
    },
    resolveSet(name) {
      const dot = name.indexOf('.');
      const server = mcp.servers.get(dot === -1 ? name : name.slice(0, dot));
      if (!server) return undefined;
      return mcpToolSet(server, { only: dot === -1 ? undefined : name.slice(dot + 1), requireApproval: mcp.requireApproval });
    },
    describeAvailable() {
      const groups = [
        [[...local.keys()], 'tools.ts'],
        [Object.keys(builtin), 'built in'],
        [[...mcp.servers.keys()], 'MCP servers: all their tools, or server.tool for one'],
      ] as const;
      const listed = groups.filter(([names]) => names.length > 0).map(([names, source]) => `${names.join(', ')} (${source})`);
      return listed.length > 0 ? `available: ${listed.join('; ')}` : 'this crew has no tools available';
    },
    names() {
      return [...local.keys(), ...Object.keys(builtin), ...Object.keys(aliases), ...mcp.servers.keys()];
    },
  };
}

/** Stands for a tools.ts tool in a listing, which never calls it. */
function unrunTool(name: string): Tool {
  return defineTool({
    name,
    description: `a tool of ${LOCAL_TOOLS_FILE}, not loaded for a listing`,
    parameters: z.object({}),
    run: () => {
      throw new Error(`${name} comes from ${LOCAL_TOOLS_FILE}, which a listing does not run`);
    },
  });
}
