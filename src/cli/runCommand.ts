import { randomUUID } from 'node:crypto';
import { Crew } from '../engine/crew.ts';
import { errorMessage, RunCancelledError } from '../engine/errors.ts';
import type { RunState } from '../engine/runState.ts';
import type { Runtime } from '../runtime.ts';
import { parseCommandArgs, parseInputs, UsageError } from './cliArgs.ts';
import { EXIT, type CliIo } from './io.ts';
import { progressPrinter } from './progressPrinter.ts';

const USAGE = 'crewbot run <crew|dir> [--input key=value]... [--json]';

/** The JSON contract of `crewbot run --json`: the last line of stdout. */
export interface RunResultJson {
  runId: string;
  status: 'completed' | 'failed' | 'cancelled';
  output: string | null;
  error?: string;
  tasks: Array<{ id: string; agent: string | null; status: string; output: string | null }>;
  usage: { llmCalls: number; promptTokens: number; completionTokens: number };
}

export async function runCommand(args: string[], runtime: Runtime, io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { input: { type: 'string', multiple: true, short: 'i' }, json: { type: 'boolean' } },
    USAGE,
  );
  const [crewName, ...extra] = positionals;
  if (!crewName || extra.length > 0) throw new UsageError(`Name one crew.\nUsage: ${USAGE}`);
  const loaded = await runtime.loadCrew(crewName);
  for (const warning of loaded.warnings) io.err(`warning: ${warning}`);
  const crew = new Crew(loaded.spec);
  const state = crew.newState(parseInputs(values.input ?? []), randomUUID());

  let status: RunResultJson['status'] = 'completed';
  let error: string | undefined;
  try {
    await crew.run(state, {
      llm: runtime.llm,
      signal,
      onEvent: progressPrinter(io, loaded.spec.name, loaded.spec.tasks.map((task) => task.id)),
    });
  } catch (caught) {
    status = caught instanceof RunCancelledError ? 'cancelled' : 'failed';
    error = errorMessage(caught);
    io.err(`Run ${state.runId} ${status}: ${error}`);
  }
  const result = resultJson(state, loaded.spec.tasks.map((task) => task.id), status, error, loaded.spec.agents);
  if (values.json) io.out(JSON.stringify(result));
  else if (status === 'completed') io.out(result.output ?? '');
  return status === 'completed' ? EXIT.ok : EXIT.failed;
}

function resultJson(
  state: RunState,
  taskIds: string[],
  status: RunResultJson['status'],
  error: string | undefined,
  agents: Array<{ id: string; role: string }>,
): RunResultJson {
  const tasks = taskIds.map((id) => {
    const task = state.tasks[id];
    const agent = task?.output?.agent ?? agents.find((candidate) => candidate.id === task?.agent)?.role ?? null;
    return { id, agent, status: task?.status ?? 'pending', output: task?.output?.raw ?? null };
  });
  const last = tasks.filter((task) => task.status === 'completed').at(-1);
  return {
    runId: state.runId,
    status,
    output: status === 'completed' ? (last?.output ?? '') : null,
    ...(error ? { error } : {}),
    tasks,
    usage: { ...state.usage },
  };
}
