import { readEventLog } from '../runs/eventLog.ts';
import { toolErrorsOf, toolFailureLine, toolTalliesOf } from '../runs/toolErrors.ts';
import type { CrewEvent } from '../engine/events.ts';
import type { HumanRequest } from '../engine/humanRequest.ts';
import { describeRequest } from '../chat/requestPrompt.ts';
import { findRun } from '../runs/runLookup.ts';
import type { Runtime } from '../runtime.ts';
import { parseCommandArgs, UsageError } from './cliArgs.ts';
import { EXIT, type CliIo } from './io.ts';
import { NO_RATINGS, RatingBook, ratingText } from '../learning/ratings.ts';
import { costText } from '../llm/costText.ts';
import { parseRunState } from '../engine/runState.ts';
import type { Usage } from '../engine/output.ts';

const USAGE = 'crewbot show <runId> [--json]';
const EXCERPT = 600;

/** One run: tasks and outputs, pending requests, usage and a timeline of its events. */
export async function showCommand(args: string[], runtime: Runtime, io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } }, USAGE);
  const [given, ...extra] = positionals;
  if (!given || extra.length > 0) throw new UsageError(`Usage: ${USAGE}`);
  const { store } = await runtime.openRunner({ schedule: () => undefined });
  try {
    const run = await findRun(store, given);
    const runId = run.id;
    const [outputs, events, ratingsByRun] = await Promise.all([store.getTaskOutputs(runId), readEventLog(store, runId), new RatingBook(store).byRun()]);
    const ratings = ratingsByRun.get(runId) ?? NO_RATINGS;
    const toolErrors = toolErrorsOf(toolTalliesOf(events));
    if (values.json) {
      io.out(JSON.stringify({ run, outputs, events, toolErrors, ratings }));
      return EXIT.ok;
    }
    io.out(`Run ${run.id} — ${run.crew} — ${run.status}${run.error ? `: ${run.error}` : ''}`);
    io.out(`Started ${new Date(run.createdAt).toISOString()} by ${run.requester.name ?? run.requester.userId} (${run.requester.platform})`);
    io.out(`Inputs: ${Object.entries(run.inputs).map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(' ') || '(none)'}`);
    const { llmCalls, promptTokens, completionTokens } = run.usage;
    io.out(`Usage: ${llmCalls} LLM calls, ${promptTokens} prompt + ${completionTokens} completion tokens, ${costText(run.usage)}`);
    if (ratingText(ratings)) io.out(`Ratings: ${ratingText(ratings)}`);
    const byAgent = usageByAgent(await store.getCheckpoint(runId));
    for (const [agent, usage] of Object.entries(byAgent)) io.out(`  ${agent}: ${usage.llmCalls} calls, ${usage.promptTokens + usage.completionTokens} tokens, ${costText(usage)}`);
    if (toolErrors.length) {
      io.out('Tool errors:');
      for (const error of toolErrors) io.out(`  ! ${toolFailureLine(error)}`);
    }
    io.out('\nTasks:');
    for (const [taskId, output] of Object.entries(outputs)) {
      const { raw = '', agent = '', usage } = output as { raw?: string; agent?: string; usage?: Usage };
      const spent = usage ? ` (${costText(usage)})` : '';
      io.out(`  ${taskId} — ${agent}${spent}\n    ${excerpt(raw).replace(/\n/g, '\n    ')}`);
    }
    const pending = run.pending as HumanRequest[];
    if (pending.length) {
      io.out('\nWaiting for:');
      for (const request of pending) io.out(`  ${request.id}: ${describeRequest(request).title}`);
    }
    io.out('\nTimeline:');
    for (const raw of events) {
      const event = raw as CrewEvent;
      io.out(`  +${((event.at - run.createdAt) / 1000).toFixed(1)}s ${event.type}${event.taskId ? ` ${event.taskId}` : ''}${summary(event)}`);
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

function excerpt(text: string): string {
  return text.length > EXCERPT ? `${text.slice(0, EXCERPT)}… (${text.length} characters)` : text;
}

function summary(event: CrewEvent): string {
  switch (event.type) {
    case 'tool_usage_started':
      return ` ${event.tool}`;
    case 'tool_usage_error':
      return ` ${event.tool}: ${event.error}`;
    case 'task_skipped':
      return `: ${event.reason}`;
    case 'task_failed':
    case 'crew_kickoff_failed':
      return `: ${event.error}`;
    case 'task_allocated':
      return ` → ${event.agent}`;
    case 'llm_call_completed':
      return ` (${event.usage.promptTokens}+${event.usage.completionTokens} tokens)`;
    case 'human_input_received':
      return ` ${event.by} ${event.answer}`;
    case 'delegation_started':
      return ` → ${event.coworker}`;
    default:
      return '';
  }
}

/** Per-agent usage from the run's checkpoint; nothing when it is missing or unreadable. */
function usageByAgent(raw: unknown): Record<string, Usage> {
  if (raw === undefined) return {};
  try {
    return parseRunState(raw).usageByAgent;
  } catch {
    return {};
  }
}
