import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoadedCrew } from '../crews/loadCrew.ts';
import { errorMessage } from '../engine/errors.ts';
import type { Runner } from '../runs/runner.ts';
import type { Runtime } from '../runtime.ts';
import { finishedRun, linksAfter, type ChainLink } from './chains.ts';
import { fireTrigger, type FiredRun, type ThreadOpeners, type TriggerFiring } from './fireTrigger.ts';
import { startSchedules, tickKey, type ScheduledTrigger } from './scheduler.ts';
import { describeTrigger } from './triggerFile.ts';
import { webhookHandler } from './webhookEndpoint.ts';

export interface TriggerServiceOptions {
  runtime: Runtime;
  /** The crews with triggers, when the caller has loaded them already; otherwise every crew is loaded. */
  crews?: LoadedCrew[] | undefined;
  runner: Runner;
  openers: ThreadOpeners;
  /** Notes for the operator (what is served, triggers whose post_to cannot work here). */
  log(text: string): void;
  onError?: ((error: unknown) => void) | undefined;
}

export interface TriggerService {
  /** Crews that declare triggers, loaded at start. */
  crews: LoadedCrew[];
  /** POST /hooks/<crew>; present when a crew declares a webhook. */
  webhooks: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  /** Starts the schedules and the chains (after the surfaces are up). */
  start(): void;
  stop(): void;
}

/**
 * Every crew's triggers in one process: schedules on croner, chains on the runner's events, and
 * the webhook endpoint; each goes through fireTrigger, so they all start ordinary runs.
 */
export async function createTriggerService(options: TriggerServiceOptions): Promise<TriggerService> {
  const { runtime, runner, openers, log } = options;
  const onError = options.onError ?? ((error: unknown) => process.emitWarning(`trigger: ${errorMessage(error)}`));
  const crews = options.crews ?? (await crewsWithTriggers(runtime, log));
  const fire = async (firing: TriggerFiring): Promise<FiredRun> => {
    const fired = await fireTrigger({ runner, openers }, firing);
    if (fired.threadProblem) log(`${firing.crew.spec.name}: ${fired.threadProblem}`);
    return fired;
  };

  const schedules: ScheduledTrigger[] = [];
  const links: ChainLink[] = [];
  let webhookCount = 0;
  for (const crew of crews) {
    (crew.triggers ?? []).forEach((trigger, index) => {
      if (trigger.post_to && !openers[trigger.post_to.split(':')[0] as 'slack' | 'discord']) {
        log(`${crew.spec.name}: ${describeTrigger(trigger)} posts to ${trigger.post_to}, but that platform's token is not set here; its runs work without a thread.`);
      }
      if (!trigger.enabled) return;
      if ('schedule' in trigger) schedules.push({ crew, index, trigger });
      else if ('after' in trigger) links.push({ crew, index, trigger });
      else webhookCount += 1;
    });
  }

  const stops: Array<() => void> = [];
  return {
    crews,
    webhooks:
      webhookCount > 0
        ? webhookHandler({
            findCrew: (name) => runtime.loadCrew(name).catch(() => undefined),
            fire,
            maxBytes: runtime.config.CREWBOT_WEBHOOK_MAX_BYTES,
            onError,
          })
        : undefined,
    start() {
      stops.push(startSchedules(schedules, (scheduled, tickAt) => fire({ crew: scheduled.crew, index: scheduled.index, event: {}, key: tickKey(scheduled, tickAt) }).then(() => undefined), onError));
      stops.push(
        runner.subscribe((run, event) => {
          const finished = finishedRun(run, event);
          if (!finished) return;
          for (const link of linksAfter(links, finished)) {
            fire({ crew: link.crew, index: link.index, event: finished, key: `after:${finished.runId}` }).catch(onError);
          }
        }),
      );
      const parts = [schedules.length && `${schedules.length} schedule(s)`, webhookCount && `${webhookCount} webhook(s)`, links.length && `${links.length} chain(s)`].filter(Boolean);
      if (parts.length > 0) log(`Triggers: ${parts.join(', ')}.`);
    },
    stop() {
      for (const stop of stops.splice(0)) stop();
    },
  };
}

/** Crews that load and declare triggers; a crew that does not load is named and skipped. */
export async function crewsWithTriggers(runtime: Runtime, log: (text: string) => void): Promise<LoadedCrew[]> {
  const loaded: LoadedCrew[] = [];
  for (const listed of await runtime.listCrews()) {
    if (listed.error) continue;
    try {
      const crew = await runtime.loadCrew(listed.name);
      if ((crew.triggers ?? []).length > 0) loaded.push(crew);
    } catch (error) {
      log(`${listed.name}: its triggers are off until it loads: ${errorMessage(error)}`);
    }
  }
  return loaded;
}
