import type { McpConnection } from '../tools/mcp/mcpConnection.ts';
import type { McpConnections } from '../tools/mcp/mcpConnections.ts';
import { mcpToolSet } from '../tools/mcp/mcpToolSet.ts';
import { DEFAULT_CALL_TIMEOUT_MS, serverConfig, type McpServerEntry } from '../tools/mcp/serverConfig.ts';
import type { ToolSet } from '../tools/toolSet.ts';
import type { CrewFindings } from './errors.ts';

/** Where a crew's MCP servers come from: the process's shared connections, and headers for `mcps:` URLs. */
export interface McpSources {
  connections: McpConnections;
  /** CREWBOT_MCP_HEADERS: headers (tokens) for `mcps:` URLs, by full URL or by origin. */
  urlHeaders: Record<string, Record<string, string>>;
}

/** crew.yaml `mcp_servers:` as connections, by server name. */
export function crewMcpServers(entries: Record<string, McpServerEntry>, crewDir: string, sources: McpSources): Map<string, McpConnection> {
  return new Map(Object.entries(entries).map(([name, entry]) => [name, sources.connections.connectionFor(serverConfig(name, entry, crewDir))]));
}

/**
 * agents.yaml `mcps:` as CrewAI writes it: server URLs, each optionally narrowed to one tool with
 * `#tool_name`. Headers never come from the YAML: CREWBOT_MCP_HEADERS supplies them.
 */
export function agentMcpToolSets(
  file: string,
  path: string,
  entries: string[],
  sources: McpSources,
  requireApproval: readonly string[],
  found: CrewFindings,
): ToolSet[] {
  const sets: ToolSet[] = [];
  for (const [index, entry] of entries.entries()) {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      url = new URL('invalid:');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      found.warnings.push(`${file}: ${path}[${index}] "${entry}" is not an http(s) URL of an MCP server and is ignored (name local servers in crew.yaml mcp_servers and list them in tools:)`);
      continue;
    }
    const only = url.hash.length > 1 ? decodeURIComponent(url.hash.slice(1)) : undefined;
    url.hash = '';
    const headers = sources.urlHeaders[url.href] ?? sources.urlHeaders[url.origin] ?? {};
    const connection = sources.connections.connectionFor({
      transport: 'http',
      name: url.hostname.replace(/[^A-Za-z0-9]+/g, '_'),
      url: url.href,
      headers,
      timeoutMs: DEFAULT_CALL_TIMEOUT_MS,
    });
    sets.push(mcpToolSet(connection, { only, requireApproval }));
  }
  return sets;
}
