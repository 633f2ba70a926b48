import { once } from 'node:events';
import { z } from 'zod';
import type { CrewListing } from '../crews/listCrews.ts';
import type { Runner } from '../runs/runner.ts';
import type { Runtime } from '../runtime.ts';
import { parseCommandArgs, UsageError } from './cliArgs.ts';
import { EXIT, type CliIo } from './io.ts';
import { localActor } from './localActor.ts';
import { answerHint, resultJson, type RunResultJson } from './runOutcome.ts';
import { commandName } from './commandName.ts';

const USAGE = 'crewbot mcp';

/**
 * crewbot as an MCP server on stdin/stdout: one tool per crew, whose parameters are the crew's
 * inputs. A call runs the crew here and returns its output; a run that waits for a person returns
 * what it asks and the `crewbot resume` command that answers it. stdout carries only the protocol.
 */
export async function mcpCommand(args: string[], runtime: Runtime, io: CliIo, signal?: AbortSignal): Promise<number> {
  const { positionals } = parseCommandArgs(args, {}, USAGE);
  if (positionals.length > 0) throw new UsageError(`crewbot mcp takes no arguments.\nUsage: ${USAGE}`);
  const [{ McpServer }, { StdioServerTransport }] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/mcp.js'),
    import('@modelcontextprotocol/sdk/server/stdio.js'),
  ]);
  const crews = await runtime.listCrews();
  const { runner, store } = await runtime.openRunner({ schedule: () => undefined });
  const server = new McpServer({ name: 'crewbot', version: '0.1.0' });
  for (const crew of crews) {
    if (crew.error) {
      io.err(`crewbot mcp: ${crew.name} is not served: ${crew.error.split('\n')[0]}`);
      continue;
    }
    server.registerTool(
      toolName(crew.name),
      { title: crew.name, description: crew.description ?? `Runs the crew "${crew.name}" and returns its output.`, inputSchema: inputShape(crew) },
      async (inputs) => runCrew(runner, runtime, crew.name, inputs),
    );
  }
  const stdinClosed = once(process.stdin, 'end');
  try {
    await server.connect(new StdioServerTransport());
    io.err(`crewbot mcp: serving ${crews.filter((crew) => !crew.error).length} crew(s) on stdio.`);
    await Promise.race([stdinClosed, ...(signal ? [once(signal, 'abort')] : [])]);
    return EXIT.ok;
  } finally {
    await server.close();
    await runner.shutdown();
    await store.close();
  }
}

function toolName(crew: string): string {
  return crew.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
}

function inputShape(crew: CrewListing): Record<string, z.ZodType> {
  return Object.fromEntries(
    Object.entries(crew.inputs).map(([name, input]) => {
      const text = input.description ? z.string().describe(input.description) : z.string();
      return [name, input.required && input.default === undefined ? text : text.optional()];
    }),
  );
}

async function runCrew(runner: Runner, runtime: Runtime, crew: string, inputs: Record<string, unknown>) {
  const actor = localActor();
  const given = Object.fromEntries(Object.entries(inputs).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  const started = await runner.kickoff({ crew, inputs: given, requester: { platform: 'cli', userId: actor.userId, name: 'MCP client' } });
  const run = await runner.advance(started!.id);
  const result = await resultJson(runner, await runtime.loadCrew(run.crewDir ?? run.crew), run);
  return { content: [{ type: 'text' as const, text: describeResult(result) }], structuredContent: { ...result }, isError: result.status === 'failed' || result.status === 'cancelled' };
}

function describeResult(result: RunResultJson): string {
  switch (result.status) {
    case 'completed':
      return result.output ?? '';
    case 'awaiting_input':
      return [
        `Run ${result.runId} is waiting for a person:`,
        ...(result.pending ?? []).map((request) => `- ${request.prompt}\n  Answer with: ${commandName()} resume ${result.runId} --request ${request.id} ${answerHint(request.kind)}`),
      ].join('\n');
    default:
      return `Run ${result.runId} ${result.status}${result.error ? `: ${result.error}` : ''}`;
  }
}
