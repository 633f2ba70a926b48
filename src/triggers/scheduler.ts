import { Cron } from 'croner';
import type { LoadedCrew } from '../crews/loadCrew.ts';
import type { ScheduleTrigger } from './triggerFile.ts';

export interface ScheduledTrigger {
  crew: LoadedCrew;
  index: number;
  trigger: ScheduleTrigger;
}

export type FireTick = (scheduled: ScheduledTrigger, tickAt: Date) => Promise<void>;

/** The tick a firing belongs to: the scheduled second, the same in every process on the store. */
export function tickKey(scheduled: ScheduledTrigger, tickAt: Date): string {
  return `schedule:${scheduled.index}:${new Date(Math.floor(tickAt.getTime() / 1000) * 1000).toISOString()}`;
}

/** When a schedule fires next (for `crewbot triggers`). */
export function nextFire(trigger: ScheduleTrigger, after: Date = new Date()): Date | undefined {
  return new Cron(trigger.schedule, { paused: true, ...(trigger.timezone ? { timezone: trigger.timezone } : {}) }).nextRun(after) ?? undefined;
}

/**
 * Schedules, on croner. Every process sharing a store ticks; the tick's key is claimed in the
 * store, so each tick starts one run however many processes run. A tick missed while nothing ran
 * is not replayed unless `catch_up: true`, and then only the latest one.
 */
export function startSchedules(schedules: ScheduledTrigger[], fire: FireTick, onError: (error: unknown) => void): () => void {
  const jobs = schedules.map(
    (scheduled) =>
      new Cron(
        scheduled.trigger.schedule,
        { ...(scheduled.trigger.timezone ? { timezone: scheduled.trigger.timezone } : {}), protect: true, name: `${scheduled.crew.spec.name}#${scheduled.index}` },
        // croner starts the callback when the tick is due: the current run's second is the tick.
        async (job: Cron) => fire(scheduled, job.currentRun() ?? new Date()).catch(onError),
      ),
  );
  for (const scheduled of schedules) {
    if (!scheduled.trigger.catch_up) continue;
    const last = new Cron(scheduled.trigger.schedule, { paused: true, ...(scheduled.trigger.timezone ? { timezone: scheduled.trigger.timezone } : {}) }).previousRuns(1)[0];
    if (last) fire(scheduled, last).catch(onError);
  }
  return () => {
    for (const job of jobs) job.stop();
  };
}
