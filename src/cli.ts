import { ConfigError, loadConfig } from './config.ts';
import { CrewFileError, CrewNotFoundError } from './crews/errors.ts';
import { MissingInputError, errorMessage } from './engine/errors.ts';
import { createRuntime } from './runtime.ts';
import { UsageError } from './cli/cliArgs.ts';
import { EXIT, processIo, type CliIo } from './cli/io.ts';
import { listCommand } from './cli/listCommand.ts';
import { runCommand } from './cli/runCommand.ts';
import { startCommand } from './cli/startCommand.ts';
import { validateCommand } from './cli/validateCommand.ts';

const HELP = `crewbot — run crews of LLM agents

Usage:
  crewbot list [--json]                                  crews with their description and inputs
  crewbot validate [<crew|dir>...]                       check crew files; exit 2 naming every problem
  crewbot run <crew|dir> [--input key=value]... [--json] run a crew; progress on stderr
  crewbot start                                          the default of npm start

Exit codes: 0 completed, 1 failed, 2 bad usage or invalid crew.`;

export async function main(argv: string[], io: CliIo = processIo, signal?: AbortSignal): Promise<number> {
  const [command, ...args] = argv;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.out(HELP);
      return command === undefined ? EXIT.usage : EXIT.ok;
    }
    const runtime = createRuntime(loadConfig());
    switch (command) {
      case 'list':
        return await listCommand(args, runtime, io);
      case 'validate':
        return await validateCommand(args, runtime, io);
      case 'run':
        return await runCommand(args, runtime, io, signal);
      case 'start':
        return await startCommand(runtime, io);
      default:
        throw new UsageError(`Unknown command "${command}".\n\n${HELP}`);
    }
  } catch (error) {
    io.err(errorMessage(error));
    return isUsageProblem(error) ? EXIT.usage : EXIT.failed;
  }
}

function isUsageProblem(error: unknown): boolean {
  return (
    error instanceof UsageError ||
    error instanceof ConfigError ||
    error instanceof CrewFileError ||
    error instanceof CrewNotFoundError ||
    error instanceof MissingInputError
  );
}
