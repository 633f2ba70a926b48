import { McpServerConfigError } from './errors.ts';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * `${VAR}` references filled from the environment when a server is started, so secrets live only
 * in the environment and never in crew files, run records or logs.
 */
export function expandReferences(server: string, values: Record<string, string>, env: NodeJS.ProcessEnv): Record<string, string> {
  const expanded: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    expanded[key] = value.replace(REFERENCE, (_, name: string) => {
      const found = env[name];
      if (found === undefined) throw new McpServerConfigError(`MCP server "${server}": ${key} uses \${${name}}, which is not set; set it in the environment or .env`);
      return found;
    });
  }
  return expanded;
}

/** Variables named in a stdio server's `env:` list, passed through as they are. */
export function passedThrough(server: string, names: string[], env: NodeJS.ProcessEnv): Record<string, string> {
  const passed: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value === undefined) throw new McpServerConfigError(`MCP server "${server}": env ${name} is not set; set it in the environment or .env`);
    passed[name] = value;
  }
  return passed;
}
