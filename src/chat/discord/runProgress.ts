import { readEventLog } from '../../runs/eventLog.ts';
import type { CrewEvent } from '../../engine/events.ts';
import type { RunRecord } from '../../runs/runRecord.ts';
import { applyEvent, initialProgress, type ProgressView } from '../progressView.ts';
import type { DiscordContext } from './discordContext.ts';

/** Where a run stands, rebuilt from its event log (as the thread reporter does), for /crew status. */
export async function progressOf(ctx: DiscordContext, run: RunRecord): Promise<ProgressView> {
  const [loaded, events] = await Promise.all([ctx.runtime.loadCrew(run.crewDir ?? run.crew), readEventLog(ctx.runner.store, run.id)]);
  let view = initialProgress(loaded.spec.name, loaded.spec.tasks.map((task) => task.id), run.createdAt);
  for (const event of events) view = applyEvent(view, event as CrewEvent);
  return view;
}
