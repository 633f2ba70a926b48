import type { LoadedCrew } from '../crews/loadCrew.ts';
import type { CrewEvent } from '../engine/events.ts';
import type { RunRecord } from '../runs/runRecord.ts';
import type { AfterTrigger } from './triggerFile.ts';

export interface ChainLink {
  crew: LoadedCrew;
  index: number;
  trigger: AfterTrigger;
}

/** What an `after:` trigger's `$.paths` read: the earlier run as it ended. */
export interface FinishedRunEvent {
  runId: string;
  crew: string;
  status: 'completed' | 'failed' | 'cancelled';
  output: string;
  error?: string | undefined;
  inputs: Record<string, string>;
}

/** The earlier run as an event, when `event` ends it; undefined for every other event. */
export function finishedRun(run: RunRecord, event: CrewEvent): FinishedRunEvent | undefined {
  const base = { runId: run.id, crew: run.crew, inputs: run.inputs };
  switch (event.type) {
    case 'crew_kickoff_completed':
      return { ...base, status: 'completed', output: event.output };
    case 'crew_kickoff_failed':
      return event.cancelled ? undefined : { ...base, status: 'failed', output: '', error: event.error };
    case 'crew_cancelled':
      return { ...base, status: 'cancelled', output: '' };
    default:
      return undefined;
  }
}

/** The links a finished run sets off. */
export function linksAfter(links: ChainLink[], finished: FinishedRunEvent): ChainLink[] {
  return links.filter((link) => link.trigger.after.crew === finished.crew && link.trigger.after.status === finished.status);
}

/**
 * Crews whose `after:` triggers lead back to themselves: each cycle once, as the names around it.
 * `edges` maps a crew to the crews that start after it.
 */
export function chainCycles(edges: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (crew: string, trail: string[]) => {
    const at = trail.indexOf(crew);
    if (at >= 0) {
      const cycle = [...trail.slice(at), crew];
      const id = [...cycle.slice(0, -1)].sort().join(',');
      if (!seen.has(id)) {
        seen.add(id);
        cycles.push(cycle);
      }
      return;
    }
    for (const next of edges.get(crew) ?? []) visit(next, [...trail, crew]);
  };
  for (const crew of edges.keys()) visit(crew, []);
  return cycles;
}
