import { McpConnection } from './mcpConnection.ts';
import type { McpServerConfig } from './serverConfig.ts';

/**
 * The process's MCP connections: one per server (same settings, same connection), shared by every
 * crew and run in the process, closed together when the process stops.
 */
export class McpConnections {
  private readonly connections = new Map<string, McpConnection>();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  connectionFor(config: McpServerConfig): McpConnection {
    const key = JSON.stringify(config);
    let connection = this.connections.get(key);
    if (!connection) {
      connection = new McpConnection(config, this.env);
      this.connections.set(key, connection);
    }
    return connection;
  }

  async closeAll(): Promise<void> {
    const open = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(open.map((connection) => connection.close()));
  }
}

/** The connections of this process; the CLI closes them when it stops. */
export const processMcpConnections = new McpConnections();
