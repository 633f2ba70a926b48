// The SDK is loaded on first connection, so commands that never reach a server do not pay for it.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, Tool as McpToolDefinition } from '@modelcontextprotocol/sdk/types.js';
import { errorMessage } from '../../engine/errors.ts';
import { expandReferences, passedThrough } from './environmentValues.ts';
import { McpServerUnavailableError } from './errors.ts';
import type { McpServerConfig } from './serverConfig.ts';

const CLIENT_INFO = { name: 'crewbot', version: '0.1.0' };
/** Starting a server (npx may download it first) gets longer than one call. */
const CONNECT_TIMEOUT_MS = 120_000;

export type { McpToolDefinition };

/**
 * One server, connected on first use and shared by every run in the process. Its tool list is read
 * once and read again when the server says it changed; a server that went away (a crashed child, a
 * dropped HTTP session) is connected again on the next use.
 */
export class McpConnection {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private tools: Promise<McpToolDefinition[]> | undefined;
  private transport: Transport | undefined;
  private pidOf: (() => number | null) | undefined;
  private closed = false;

  constructor(
    readonly config: McpServerConfig,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get name(): string {
    return this.config.name;
  }

  /** The process id of a stdio server while it runs. */
  get pid(): number | undefined {
    return this.pidOf?.() ?? undefined;
  }

  async listTools(): Promise<McpToolDefinition[]> {
    this.tools ??= this.readTools().catch((error: unknown) => {
      this.tools = undefined;
      throw error;
    });
    return this.tools;
  }

  async callTool(name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<CallToolResult> {
    const client = await this.connected();
    try {
      const result = await client.callTool({ name, arguments: args }, undefined, { signal, timeout: this.config.timeoutMs });
      return result as CallToolResult;
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new McpServerUnavailableError(`MCP server "${this.name}" failed the call to ${name}: ${errorMessage(error)}`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.forget();
    await client?.close().catch(() => undefined);
  }

  private async readTools(): Promise<McpToolDefinition[]> {
    const client = await this.connected();
    const tools: McpToolDefinition[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? undefined : { cursor }, { timeout: this.config.timeoutMs });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return tools;
  }

  private async connected(): Promise<Client> {
    if (this.closed) throw new McpServerUnavailableError(`MCP server "${this.name}" was closed because the process is stopping`);
    if (this.client) return this.client;
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<Client> {
    try {
      const client = this.config.transport === 'stdio' ? await this.open(await this.stdioTransport()) : await this.connectHttp();
      this.client = client;
      return client;
    } catch (error) {
      throw error instanceof McpServerUnavailableError
        ? error
        : new McpServerUnavailableError(`MCP server "${this.name}" is not reachable: ${errorMessage(error)}`);
    }
  }

  /** Streamable HTTP first; servers that predate it answer the SSE transport. */
  private async connectHttp(): Promise<Client> {
    const config = this.config as Extract<McpServerConfig, { transport: 'http' }>;
    const headers = expandReferences(this.name, config.headers, this.env);
    const url = new URL(config.url);
    const [{ StreamableHTTPClientTransport }, { SSEClientTransport }] = await Promise.all([
      import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
      import('@modelcontextprotocol/sdk/client/sse.js'),
    ]);
    try {
      return await this.open(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
    } catch (streamable) {
      try {
        return await this.open(new SSEClientTransport(url, { requestInit: { headers }, eventSourceInit: { fetch: withHeaders(headers) } }));
      } catch {
        throw streamable;
      }
    }
  }

  private async stdioTransport(): Promise<StdioClientTransport> {
    const config = this.config as Extract<McpServerConfig, { transport: 'stdio' }>;
    const { StdioClientTransport, getDefaultEnvironment } = await import('@modelcontextprotocol/sdk/client/stdio.js');
    const transport = new StdioClientTransport({
      command: config.command,
      args: config.args,
      cwd: config.cwd,
      env: { ...getDefaultEnvironment(), ...passedThrough(this.name, config.passEnv, this.env), ...expandReferences(this.name, config.env, this.env) },
      // A server's diagnostics are its own; they would interleave with crewbot's output.
      stderr: 'ignore',
    });
    this.pidOf = () => transport.pid;
    return transport;
  }

  private async open(transport: Transport): Promise<Client> {
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const client = new Client(CLIENT_INFO, {
      capabilities: {},
      listChanged: {
        tools: {
          autoRefresh: false,
          onChanged: () => {
            this.tools = undefined;
          },
        },
      },
    });
    client.onclose = () => {
      if (this.client === client) this.forget();
    };
    this.transport = transport;
    try {
      await client.connect(transport, { timeout: CONNECT_TIMEOUT_MS });
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
    return client;
  }

  private forget(): void {
    this.client = undefined;
    this.pidOf = undefined;
    this.tools = undefined;
    this.transport = undefined;
  }
}

function withHeaders(headers: Record<string, string>): typeof fetch {
  return (input, init) => fetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers)), ...headers } });
}
