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
import { cancelCommand } from './cli/cancelCommand.ts';
import { discordCommand } from './cli/discordCommand.ts';
import { DiscordConfigError } from './chat/discord/index.ts';
import { replayCommand } from './cli/replayCommand.ts';
import { resumeCommand } from './cli/resumeCommand.ts';
import { runsCommand } from './cli/runsCommand.ts';
import { showCommand } from './cli/showCommand.ts';
import { HumanAnswerError } from './engine/answers.ts';
import { RunStateConflictError } from './runs/runErrors.ts';
import { RunStoreUrlError } from './runs/openRunStore.ts';
import { RunNotFoundError } from './runs/runStore.ts';
import { processMcpConnections } from './tools/mcp/mcpConnections.ts';
import { PriceFileError } from './llm/prices.ts';

const HELP = `crewbot — run crews of LLM agents

Usage:
  crewbot list [--json]                                  crews with their description and inputs
  crewbot validate [<crew|dir>...]                       check crew files; exit 2 naming every problem
  crewbot run <crew|dir> [--input key=value]... [--json] run a crew; progress on stderr
  crewbot resume <runId> [--approve | --deny [reason] | --feedback TEXT | --answer TEXT] [--request ID] [--json]
                                                         answer a waiting run and continue it
  crewbot runs [--status S]... [--limit N] [--json]      recent runs: status, crew, age, tokens
  crewbot show <runId> [--json]                          tasks, outputs, pending requests, usage, timeline
  crewbot cancel <runId>                                 stop a run at its next step
  crewbot replay <runId> --from <taskId> [--json]        run again from a task, keeping earlier outputs
  crewbot start [--interactive]                          npm start: Slack/Discord when their tokens are set,
                                                         else the terminal session
  crewbot serve                                          chat surfaces, webhooks and schedules, no terminal
  crewbot triggers [--json]                              every crew's triggers, with each schedule's next time
  crewbot trigger <crew> [--event file.json] [--index N] [--json]
                                                         fire a crew's trigger by hand and follow the run
  crewbot discord register [--guild ID]                  register the /crew command with Discord
  crewbot tools <crew|dir> [--check]                     the tools each agent gets and where they come from;
                                                         --check asks each MCP server for its tools now
  crewbot mcp                                            serve the crews to MCP clients over stdio, one tool per crew

Exit codes: 0 completed, 1 failed or cancelled, 2 bad usage or invalid crew,
10 waiting for input (answer with crewbot resume), 130 interrupted (the run stays resumable).`;

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
      case 'resume':
        return await resumeCommand(args, runtime, io, signal);
      case 'runs':
        return await runsCommand(args, runtime, io);
      case 'show':
        return await showCommand(args, runtime, io);
      case 'cancel':
        return await cancelCommand(args, runtime, io);
      case 'replay':
        return await replayCommand(args, runtime, io, signal);
      case 'start':
        return await startCommand(runtime, io, args, signal);
      case 'discord':
        return await discordCommand(args, runtime, io);
      case 'serve':
        return await (await import('./cli/serveCommand.ts')).serveCommand(args, runtime, io, signal);
      case 'triggers':
        return await (await import('./cli/triggersCommand.ts')).triggersCommand(args, runtime, io);
      case 'trigger':
        return await (await import('./cli/triggerCommand.ts')).triggerCommand(args, runtime, io, signal);
      case 'tools':
        return await (await import('./cli/toolsCommand.ts')).toolsCommand(args, runtime, io);
      case 'mcp':
        return await (await import('./cli/mcpCommand.ts')).mcpCommand(args, runtime, io, signal);
      default:
        throw new UsageError(`Unknown command "${command}".\n\n${HELP}`);
    }
  } catch (error) {
    io.err(errorMessage(error));
    return isUsageProblem(error) ? EXIT.usage : EXIT.failed;
  } finally {
    // MCP servers this command started stop with it.
    await processMcpConnections.closeAll();
  }
}

function isUsageProblem(error: unknown): boolean {
  return (
    error instanceof UsageError ||
    error instanceof ConfigError ||
    error instanceof CrewFileError ||
    error instanceof CrewNotFoundError ||
    error instanceof MissingInputError ||
    error instanceof RunNotFoundError ||
    error instanceof RunStateConflictError ||
    error instanceof HumanAnswerError ||
    error instanceof RunStoreUrlError ||
    error instanceof DiscordConfigError ||
    error instanceof PriceFileError
  );
}
