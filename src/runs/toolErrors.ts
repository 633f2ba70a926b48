import { z } from 'zod';
import type { CrewEvent } from '../engine/events.ts';

/** Enough of the last error to say what is wrong, short enough for a status line. */
export const LAST_ERROR_MAX = 300;
/** Tool names come from the model too (a call to a tool that does not exist). */
const TOOL_NAME_MAX = 64;

/** How a run's calls to one tool went, counted from its events. */
export interface ToolTally {
  tool: string;
  /** Calls that finished, with a result or an error. */
  calls: number;
  failed: number;
  lastError?: string | undefined;
}

/** `toolErrors` in `--json`: the tools that failed at least once. */
export const ToolErrorSchema = z.object({ tool: z.string(), failed: z.number().int(), calls: z.number().int(), lastError: z.string() });
export type ToolError = z.infer<typeof ToolErrorSchema>;

/**
 * The tallies after one event. Counted from the run's events (and so rebuilt the same from its
 * log after a restart or a resume); a call refused by a person is not the tool failing.
 */
export function tallyToolEvent(tallies: readonly ToolTally[], event: CrewEvent): ToolTally[] {
  if (event.type !== 'tool_usage_finished' && event.type !== 'tool_usage_error') return [...tallies];
  if (event.type === 'tool_usage_error' && event.denied) return [...tallies];
  const tool = clip(event.tool, TOOL_NAME_MAX);
  const before = tallies.find((tally) => tally.tool === tool) ?? { tool, calls: 0, failed: 0 };
  const after: ToolTally =
    event.type === 'tool_usage_finished'
      ? { ...before, calls: before.calls + 1 }
      : { ...before, calls: before.calls + 1, failed: before.failed + 1, lastError: clip(event.error.replace(/\s+/g, ' ').trim(), LAST_ERROR_MAX) };
  return tallies.some((tally) => tally.tool === tool) ? tallies.map((tally) => (tally.tool === tool ? after : tally)) : [...tallies, after];
}

export function toolTalliesOf(events: readonly CrewEvent[]): ToolTally[] {
  return events.reduce<ToolTally[]>(tallyToolEvent, []);
}

export function toolErrorsOf(tallies: readonly ToolTally[] | undefined): ToolError[] {
  return (tallies ?? []).filter((tally) => tally.failed > 0).map(({ tool, failed, calls, lastError }) => ({ tool, failed, calls, lastError: lastError ?? '' }));
}

/** "web_search failed 3 of 3 calls, fetch_url failed 1 of 4 calls"; undefined when no tool failed. */
export function toolFailureSummary(errors: readonly ToolError[]): string | undefined {
  if (errors.length === 0) return undefined;
  return errors.map(({ tool, failed, calls }) => `${tool} failed ${failed} of ${calls} call${calls === 1 ? '' : 's'}`).join(', ');
}

/** "web_search failed 3 of 3 calls — last error: web_search needs SERPER_API_KEY; …" */
export function toolFailureLine(error: ToolError): string {
  return `${toolFailureSummary([error])} — last error: ${error.lastError}`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
