import { interpolate } from '../engine/interpolate.ts';
import { parseRunState } from '../engine/runState.ts';
import type { HumanRequest } from '../engine/humanRequest.ts';
import type { Runner } from '../runs/runner.ts';
import type { RunRecord } from '../runs/runRecord.ts';
import type { Runtime } from '../runtime.ts';
import type { LoadedCrew } from '../crews/loadCrew.ts';
import { RunBusyError } from '../runs/runErrors.ts';
import { RunNotFoundError } from '../runs/runStore.ts';
import { describeRequest } from '../chat/requestPrompt.ts';
import { EXIT, type CliIo } from './io.ts';
import { progressPrinter } from './progressPrinter.ts';
import { costUsdJson } from '../llm/costText.ts';
import { progressOf } from '../chat/runProgress.ts';
import { readEventLog } from '../runs/eventLog.ts';
import { toolErrorsOf, toolFailureLine, toolFailureSummary, toolTalliesOf, type ToolError } from '../runs/toolErrors.ts';
import type { Usage } from '../engine/output.ts';
import { commandName } from './commandName.ts';

/** The JSON contract of `crewbot run|resume|replay --json`: the last line of stdout. */
export interface RunResultJson {
  runId: string;
  status: RunRecord['status'];
  output: string | null;
  error?: string;
  tasks: Array<{ id: string; agent: string | null; status: string; output: string | null; costUsd: number | null }>;
  /** costUsd: USD of the calls with a known price; null when none had one (unpricedCalls says how many did not). */
  usage: { llmCalls: number; promptTokens: number; completionTokens: number; costUsd: number | null; unpricedCalls?: number };
  /** Usage by agent role, costUsd as in `usage`. */
  agents: Array<{ agent: string; llmCalls: number; promptTokens: number; completionTokens: number; costUsd: number | null }>;
  /** Tools that failed at least once: `[{tool, failed, calls, lastError}]`, empty when none did. */
  toolErrors: ToolError[];
  pending?: Array<{ id: string; kind: HumanRequest['kind']; taskId: string; prompt: string; draft?: string; question?: string; tool?: { name: string; arguments: string }; spentUsd?: number; limitUsd?: number }>;
}

/** Exit code 10: the run waits for a person (answer with `crewbot resume`). */
export const EXIT_AWAITING_INPUT = 10;
export const EXIT_INTERRUPTED = 130;

/** Advances a run in this process with live progress on stderr, then reports it. Ctrl-C leaves it resumable. */
export async function advanceAndReport(
  runner: Runner,
  runtime: Runtime,
  runId: string,
  io: CliIo,
  json: boolean,
  signal?: AbortSignal,
): Promise<number> {
  const run = await runner.store.getRun(runId);
  if (!run) throw new RunNotFoundError(runId);
  const loaded = await runtime.loadCrew(run.crewDir ?? run.crew);
  // A resumed run picks up where its log left off: tasks done, tool failures so far.
  const sofar = await progressOf(runner.store, Promise.resolve(loaded), run);
  const print = progressPrinter(io, { ...sofar, startedAt: Date.now() }, loaded.spec.verbose ?? false);
  const unsubscribe = runner.subscribe((subject, event) => {
    if (subject.id === runId) print(event);
  });
  const interrupt = () => void runner.shutdown();
  signal?.addEventListener('abort', interrupt, { once: true });
  try {
    const finished = await runner.advance(runId);
    if (signal?.aborted) {
      io.err(`Interrupted. Run ${runId} is saved; continue it with: ${commandName()} resume ${runId}`);
      return EXIT_INTERRUPTED;
    }
    // Still unfinished and not waiting: another process holds the run and this one could not advance it.
    if (finished.status === 'running' || finished.status === 'queued') throw new RunBusyError(runId, await runner.store.leaseHolder(runId));
    return await reportRun(runner, loaded, finished, io, json);
  } finally {
    unsubscribe();
    signal?.removeEventListener('abort', interrupt);
  }
}

/** Prints a run that finished or waits for a person (`--json`: the RunResultJson line) and returns its exit code. */
export async function reportRun(runner: Runner, loaded: LoadedCrew, run: RunRecord, io: CliIo, json: boolean): Promise<number> {
  const result = await resultJson(runner, loaded, run);
  if (run.status === 'failed') io.err(`Run ${run.id} failed: ${run.error ?? 'unknown reason'}`);
  const toolFailures = toolFailureSummary(result.toolErrors);
  if (toolFailures && run.status !== 'awaiting_input') {
    io.err(`Run ${run.id} ${run.status} — ${toolFailures}`);
    for (const error of result.toolErrors) io.err(`  ! ${toolFailureLine(error)}`);
  }
  if (run.status === 'awaiting_input') {
    for (const request of result.pending ?? []) {
      io.err(`Waiting for you: ${request.prompt}\n  ${commandName()} resume ${run.id} --request ${request.id} ${answerHint(request.kind)}`);
    }
  }
  if (json) io.out(JSON.stringify(result));
  else if (run.status === 'completed') io.out(result.output ?? '');
  switch (run.status) {
    case 'completed':
      return EXIT.ok;
    case 'awaiting_input':
      return EXIT_AWAITING_INPUT;
    default:
      return EXIT.failed;
  }
}

export function answerHint(kind: HumanRequest['kind']): string {
  switch (kind) {
    case 'review':
      return '--approve | --feedback "what to change"';
    case 'question':
      return '--answer "your answer"';
    case 'approval':
      return '--approve | --deny "reason"';
    case 'budget':
      return '--approve (extend the budget) | --deny (stop the run)';
    default: {
      const never: never = kind;
      return String(never);
    }
  }
}

export async function resultJson(runner: Runner, loaded: LoadedCrew, run: RunRecord): Promise<RunResultJson> {
  const [raw, events] = await Promise.all([runner.store.getCheckpoint(run.id), readEventLog(runner.store, run.id)]);
  const state = raw === undefined ? undefined : safeState(raw);
  const tasks = loaded.spec.tasks.map((task) => {
    const taskState = state?.tasks[task.id];
    const agentId = taskState?.agent ?? task.agent;
    const role = loaded.spec.agents.find((candidate) => candidate.id === agentId)?.role;
    // A task that never finished has no output naming its agent: the role as the run filled it in.
    const agent = taskState?.output?.agent ?? (role === undefined ? null : interpolate(role, state?.inputs ?? run.inputs));
    const spent = state?.usageByTask[task.id];
    return { id: task.id, agent, status: taskState?.status ?? 'pending', output: taskState?.output?.raw ?? null, costUsd: spent ? costUsdJson(spent) : 0 };
  });
  const last = tasks.filter((task) => task.status === 'completed').at(-1);
  const pending = (run.pending as HumanRequest[]).map((request) => ({
    id: request.id,
    kind: request.kind,
    taskId: request.taskId,
    prompt: describeRequest(request).title,
    ...(request.kind === 'review' ? { draft: request.draft } : {}),
    ...(request.kind === 'question' ? { question: request.question } : {}),
    ...(request.kind === 'approval' ? { tool: { name: request.tool, arguments: request.arguments } } : {}),
    ...(request.kind === 'budget' ? { spentUsd: request.spentUsd, limitUsd: request.limitUsd } : {}),
  }));
  return {
    runId: run.id,
    status: run.status,
    output: run.status === 'completed' ? (last?.output ?? '') : null,
    ...(run.error ? { error: run.error } : {}),
    tasks,
    usage: usageJson(state?.usage ?? run.usage),
    agents: Object.entries(state?.usageByAgent ?? {}).map(([agent, usage]) => ({ agent, ...usageJson(usage) })),
    toolErrors: toolErrorsOf(toolTalliesOf(events)),
    ...(pending.length ? { pending } : {}),
  };
}

function safeState(raw: unknown) {
  try {
    return parseRunState(raw);
  } catch {
    return undefined;
  }
}

function usageJson(usage: Usage): RunResultJson['usage'] {
  const { llmCalls, promptTokens, completionTokens, unpricedCalls } = usage;
  return { llmCalls, promptTokens, completionTokens, costUsd: costUsdJson(usage), ...(unpricedCalls ? { unpricedCalls } : {}) };
}
