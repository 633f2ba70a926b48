import { readEventLog } from '../runs/eventLog.ts';
import type { LoadedCrew } from '../crews/loadCrew.ts';
import type { CrewEvent } from '../engine/events.ts';
import type { RunStore } from '../runs/runStore.ts';
import type { RunRecord } from '../runs/runRecord.ts';
import { applyEvent, initialProgress, type ProgressView } from './progressView.ts';

/** Where a run stands, rebuilt from its event log (as the thread reporter does), for a status asked for. */
export async function progressOf(store: RunStore, crew: Promise<LoadedCrew>, run: RunRecord): Promise<ProgressView> {
  const [loaded, events] = await Promise.all([crew, readEventLog(store, run.id)]);
  let view = initialProgress(loaded.spec.name, loaded.spec.tasks.map((task) => task.id), run.createdAt);
  for (const event of events) view = applyEvent(view, event as CrewEvent);
  return view;
}
