import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { expandReferences, passedThrough } from './environmentValues.ts';
import { McpServerConfigError } from './errors.ts';
import type { McpServerConfig } from './serverConfig.ts';

/**
 * Why a server could not start as configured, found without starting it (so `crewbot list` stays
 * fast): a stdio command that is not on PATH, a `${VAR}` or passed-through variable not set.
 */
export function serverSetupProblems(config: McpServerConfig, env: NodeJS.ProcessEnv = process.env): string[] {
  const problems: string[] = [];
  const check = (fill: () => unknown) => {
    try {
      fill();
    } catch (error) {
      if (!(error instanceof McpServerConfigError)) throw error;
      problems.push(error.message);
    }
  };
  if (config.transport === 'stdio') {
    if (!commandFound(config.command, config.cwd, env)) {
      const where = hasDirectory(config.command) ? `in ${config.cwd}` : 'on PATH';
      problems.push(`MCP server "${config.name}": command "${config.command}" is not found ${where}; install it, or correct its command in crew.yaml mcp_servers`);
    }
    check(() => expandReferences(config.name, config.env, env));
    check(() => passedThrough(config.name, config.passEnv, env));
  } else {
    check(() => expandReferences(config.name, config.headers, env));
  }
  return problems;
}

/** The lookup a spawn does: a path relative to the server's cwd, or a bare name on PATH (with PATHEXT on Windows). */
function commandFound(command: string, cwd: string, env: NodeJS.ProcessEnv): boolean {
  if (hasDirectory(command)) return isExecutableFile(path.resolve(cwd, command));
  const extensions = process.platform === 'win32' ? ['', ...(env['PATHEXT'] ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  const directories = (env['PATH'] ?? '').split(path.delimiter).filter(Boolean);
  return directories.some((directory) => extensions.some((extension) => isExecutableFile(path.join(directory, command + extension))));
}

function hasDirectory(command: string): boolean {
  return command.includes('/') || command.includes(path.sep);
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
