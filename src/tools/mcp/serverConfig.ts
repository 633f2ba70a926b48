import path from 'node:path';
import { z } from 'zod';

/** A server name is how agents.yaml `tools:` refers to it, and the prefix of its colliding tools. */
export const SERVER_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

const seconds = z.number().positive();

/** A local server crewbot starts as a child process and talks to over stdin/stdout. */
export const StdioServerSchema = z.strictObject({
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  /** Names of variables to pass through, or NAME: value with `${VAR}` taken from the environment. */
  env: z.union([z.array(z.string().min(1)), z.record(z.string(), z.string())]).optional(),
  /** Relative to the crew directory. */
  cwd: z.string().min(1).optional(),
  /** Seconds a call may take before the agent is told it timed out (default 60). */
  timeout: seconds.optional(),
});

/** A remote server: streamable HTTP, falling back to SSE for older servers. */
export const HttpServerSchema = z.strictObject({
  url: z.url({ message: 'must be an http(s) URL' }),
  /** Values may use `${VAR}`, so tokens stay in the environment. */
  headers: z.record(z.string(), z.string()).default({}),
  timeout: seconds.optional(),
});

/** One entry of crew.yaml `mcp_servers:`. */
export const McpServerEntrySchema = z.union([StdioServerSchema, HttpServerSchema], {
  error: 'give either `command` (a local server over stdio) or `url` (a remote server over HTTP)',
});
export type McpServerEntry = z.infer<typeof McpServerEntrySchema>;

/** A server as a connection needs it; `${VAR}` references are still unexpanded. */
export type McpServerConfig =
  | { transport: 'stdio'; name: string; command: string; args: string[]; env: Record<string, string>; passEnv: string[]; cwd: string; timeoutMs: number }
  | { transport: 'http'; name: string; url: string; headers: Record<string, string>; timeoutMs: number };

export const DEFAULT_CALL_TIMEOUT_MS = 60_000;

export function serverConfig(name: string, entry: McpServerEntry, crewDir: string): McpServerConfig {
  const timeoutMs = entry.timeout === undefined ? DEFAULT_CALL_TIMEOUT_MS : entry.timeout * 1000;
  if ('url' in entry) return { transport: 'http', name, url: entry.url, headers: entry.headers, timeoutMs };
  const env = Array.isArray(entry.env) || entry.env === undefined ? {} : entry.env;
  const passEnv = Array.isArray(entry.env) ? entry.env : [];
  return {
    transport: 'stdio',
    name,
    command: entry.command,
    args: entry.args,
    env,
    passEnv,
    cwd: path.resolve(crewDir, entry.cwd ?? '.'),
    timeoutMs,
  };
}
