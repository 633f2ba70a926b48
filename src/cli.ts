import { ConfigError, loadConfig } from './config.ts';
import { CrewFileError, CrewNotFoundError } from './crews/errors.ts';
import { MissingInputError, errorMessage } from './engine/errors.ts';
import { createRuntime } from './runtime.ts';
import { UsageError } from './cli/cliArgs.ts';
import { FollowUpError } from './runs/followUp.ts';
import { EXIT, processIo, terminalSafe, type CliIo } from './cli/io.ts';
import { redactProcessOutput } from './cli/redactedOutput.ts';
import { DiscordConfigError } from './chat/discord/errors.ts';
import { HumanAnswerError } from './engine/answers.ts';
import { OutputFileError } from './engine/outputFile.ts';
import { InputTooLargeError } from './runs/inputLimits.ts';
import { RunStateConflictError } from './runs/runErrors.ts';
import { processMcpConnections } from './tools/mcp/mcpConnections.ts';
import { PriceFileError } from './llm/prices.ts';
import { LlmNotConfiguredError } from './llm/errors.ts';

const HELP = `crewbot — run crews of LLM agents

Usage:
  crewbot list [--json]                                  crews with their description and inputs
  crewbot validate [<crew|dir>...]                       check crew files; exit 2 naming every problem
  crewbot run <crew|dir> [--input key=value]... [--json] run a crew; progress on stderr
                         [--follow-up <runId> [--reply <text>]]  follow up a completed run of the crew
                         [--detach]                      with CREWBOT_QUEUE: enqueue, print the id, return
  crewbot resume <runId> [--approve | --deny [reason] | --feedback TEXT | --answer TEXT] [--request ID] [--json]
                                                         answer a waiting run and continue it
  crewbot runs [--status S]... [--limit N] [--json]      recent runs: status, crew, age, tokens
  crewbot show <runId> [--json]                          tasks, outputs, pending requests, usage, timeline
  crewbot cancel <runId>                                 stop a run at its next step
  crewbot replay <runId> --from <taskId> [--json]        run again from a task, keeping earlier outputs
  crewbot remove <runId>                                 delete a finished or damaged run and all kept about it
  crewbot start [--interactive]                          npm start: Slack/Discord when their tokens are set,
                                                         else the terminal session
  crewbot serve                                          chat surfaces, webhooks and schedules, no terminal
  crewbot triggers [--json]                              every crew's triggers, with each schedule's next time
  crewbot trigger <crew> [--event file.json] [--index N] [--json]
                                                         fire a crew's trigger by hand and follow the run
  crewbot discord register [--guild ID]                  register the /crew command with Discord
  crewbot worker [--concurrency N]                       advance runs from the CREWBOT_QUEUE queue (a fleet)
  crewbot wait <runId> [--json]                          wait for a run (e.g. run --detach) and print its result
  crewbot prune --older-than 30d [--status S,...] [--dry-run]  delete finished runs older than that
  crewbot tools <crew|dir> [--check]                     the tools each agent gets and where they come from;
                                                         --check asks each MCP server for its tools now
  crewbot lessons <crew> [--json]                        what people's feedback taught a crew
  crewbot lessons forget <id> | add <crew> <task> "text" forget a lesson, or add one by hand
  crewbot memory <crew> [--clear]                        the earlier runs a crew with memory: true recalls
  crewbot mcp                                            serve the crews to MCP clients over stdio, one tool per crew

Exit codes: 0 completed, 1 failed or cancelled, 2 bad usage or invalid crew,
10 waiting for input (answer with crewbot resume), 130 interrupted (the run stays resumable).`;

export async function main(argv: string[], processOutput: CliIo = processIo, signal?: AbortSignal): Promise<number> {
  const [command, ...args] = argv;
  const io = terminalSafe(processOutput, args.includes('--json'));
  let redact = (text: string) => text;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.out(HELP);
      return command === undefined ? EXIT.usage : EXIT.ok;
    }
    const runtime = createRuntime(loadConfig());
    redact = (text) => runtime.redactor.redact(text);
    if (processOutput === processIo) redactProcessOutput(runtime.redactor);
    // Each command is imported when it runs, so `list` never loads Slack, Discord or a Redis client.
    switch (command) {
      case 'list':
        return await (await import('./cli/listCommand.ts')).listCommand(args, runtime, io);
      case 'validate':
        return await (await import('./cli/validateCommand.ts')).validateCommand(args, runtime, io);
      case 'run':
        return await (await import('./cli/runCommand.ts')).runCommand(args, runtime, io, signal);
      case 'resume':
        return await (await import('./cli/resumeCommand.ts')).resumeCommand(args, runtime, io, signal);
      case 'runs':
        return await (await import('./cli/runsCommand.ts')).runsCommand(args, runtime, io);
      case 'show':
        return await (await import('./cli/showCommand.ts')).showCommand(args, runtime, io);
      case 'cancel':
        return await (await import('./cli/cancelCommand.ts')).cancelCommand(args, runtime, io);
      case 'remove':
        return await (await import('./cli/removeCommand.ts')).removeCommand(args, runtime, io);
      case 'replay':
        return await (await import('./cli/replayCommand.ts')).replayCommand(args, runtime, io, signal);
      case 'start':
        return await (await import('./cli/startCommand.ts')).startCommand(runtime, io, args, signal);
      case 'discord':
        return await (await import('./cli/discordCommand.ts')).discordCommand(args, runtime, io);
      case 'worker':
        return await (await import('./cli/workerCommand.ts')).workerCommand(args, runtime, io, signal);
      case 'wait':
        return await (await import('./cli/waitCommand.ts')).waitCommand(args, runtime, io, signal);
      case 'prune':
        return await (await import('./cli/pruneCommand.ts')).pruneCommand(args, runtime, io);
      case 'serve':
        return await (await import('./cli/serveCommand.ts')).serveCommand(args, runtime, io, signal);
      case 'triggers':
        return await (await import('./cli/triggersCommand.ts')).triggersCommand(args, runtime, io);
      case 'trigger':
        return await (await import('./cli/triggerCommand.ts')).triggerCommand(args, runtime, io, signal);
      case 'tools':
        return await (await import('./cli/toolsCommand.ts')).toolsCommand(args, runtime, io);
      case 'memory':
        return await (await import('./cli/memoryCommand.ts')).memoryCommand(args, runtime, io);
      case 'lessons':
        return await (await import('./cli/lessonsCommand.ts')).lessonsCommand(args, runtime, io);
      case 'mcp':
        return await (await import('./cli/mcpCommand.ts')).mcpCommand(args, runtime, io, signal);
      default:
        throw new UsageError(`Unknown command "${command}".\n\n${HELP}`);
    }
  } catch (error) {
    io.err(redact(error instanceof MissingInputError ? withInputFlags(error) : errorMessage(error)));
    return (await isUsageProblem(error)) ? EXIT.usage : EXIT.failed;
  } finally {
    // MCP servers this command started stop with it.
    await processMcpConnections.closeAll();
  }
}

/** The engine says an input is missing; on the command line that means these flags. */
function withInputFlags(error: MissingInputError): string {
  const names = error.missing.map((name) => `"${name}"`).join(', ');
  const flags = error.missing.map((name) => `--input ${name}=...`).join(' ');
  return `Missing input${error.missing.length > 1 ? 's' : ''} ${names}: pass ${flags} (or declare a default in crew.yaml inputs).`;
}

async function isUsageProblem(error: unknown): Promise<boolean> {
  // Imported only when something went wrong: the store's modules are not loaded by commands that never open it.
  const [{ RunStoreUrlError }, { RunNotFoundError }, { AmbiguousRunIdError }] = await Promise.all([
    import('./runs/openRunStore.ts'),
    import('./runs/runStore.ts'),
    import('./runs/runLookup.ts'),
  ]);
  return (
    error instanceof UsageError ||
    error instanceof ConfigError ||
    error instanceof CrewFileError ||
    error instanceof CrewNotFoundError ||
    error instanceof MissingInputError ||
    error instanceof OutputFileError ||
    error instanceof InputTooLargeError ||
    error instanceof FollowUpError ||
    error instanceof RunNotFoundError ||
    error instanceof AmbiguousRunIdError ||
    error instanceof RunStateConflictError ||
    error instanceof HumanAnswerError ||
    error instanceof RunStoreUrlError ||
    error instanceof DiscordConfigError ||
    error instanceof PriceFileError ||
    error instanceof LlmNotConfiguredError
  );
}
