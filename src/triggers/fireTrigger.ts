import { createHash, randomUUID } from 'node:crypto';
import type { LoadedCrew } from '../crews/loadCrew.ts';
import { Crew } from '../engine/crew.ts';
import { errorMessage } from '../engine/errors.ts';
import type { Runner } from '../runs/runner.ts';
import type { ThreadRef } from '../runs/runRecord.ts';
import { inputsFromEvent } from './eventPaths.ts';
import { describeTrigger, triggerKind, type TriggerEntry } from './triggerFile.ts';

/** Where a trigger's run can open a thread: `post_to: slack:C…` needs the Slack surface, and so on. */
export type ThreadOpener = (channel: string, text: string) => Promise<ThreadRef>;
export type ThreadOpeners = Partial<Record<'slack' | 'discord', ThreadOpener>>;

export interface TriggerFiring {
  crew: LoadedCrew;
  /** Position in crew.yaml `triggers:`. */
  index: number;
  /** What the trigger's `$.paths` read: the webhook body, the earlier run, nothing for a schedule. */
  event: unknown;
  /** The same key never starts a second run (a tick, a delivery id, a finished run); none: always a new run. */
  key?: string | undefined;
}

export interface FiredRun {
  runId: string;
  /** False when the key had started a run already: `runId` is that first run. */
  started: boolean;
  /** Set when post_to was given but no thread could be opened (the run then works headless). */
  threadProblem?: string | undefined;
}

export interface TriggerDeps {
  runner: Runner;
  openers?: ThreadOpeners | undefined;
}

const CLAIM_TTL_MS = 30 * 24 * 3600_000;

/**
 * The one way a trigger starts a run, for schedules, webhooks, chains and `crewbot trigger` alike:
 * inputs from the event (checked before anything is claimed, so a bad event starts nothing and
 * can be sent again), the key claimed once across every process on the store, a thread opened
 * where post_to says, then an ordinary run.
 */
export async function fireTrigger(deps: TriggerDeps, firing: TriggerFiring): Promise<FiredRun> {
  const trigger = firing.crew.triggers?.[firing.index];
  if (!trigger) throw new Error(`Crew ${firing.crew.spec.name} has no trigger ${firing.index}.`);
  const inputs = new Crew(firing.crew.spec).resolveInputs(inputsFromEvent(trigger.inputs, firing.event));
  const name = firing.crew.spec.name;
  const key = firing.key ?? randomUUID();
  const runId = runIdFor(name, key);
  if (!(await deps.runner.store.claimIdempotencyKey(`trigger:${name}:${key}`, CLAIM_TTL_MS))) return { runId, started: false };

  const { thread, problem } = await openThread(deps.openers, trigger, name, inputs);
  await deps.runner.kickoff({
    crew: firing.crew.dir,
    inputs,
    runId,
    requester: { platform: thread?.platform ?? 'cli', userId: `trigger:${triggerKind(trigger)}`, name: describeTrigger(trigger) },
    ...(thread ? { thread } : {}),
  });
  return { runId, started: true, ...(problem ? { threadProblem: problem } : {}) };
}

/** A run id derived from the key, so a repeated delivery is answered with the first run's id. */
export function runIdFor(crew: string, key: string): string {
  const hex = createHash('sha256').update(`${crew}\n${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

async function openThread(
  openers: ThreadOpeners | undefined,
  trigger: TriggerEntry,
  crew: string,
  inputs: Record<string, string>,
): Promise<{ thread?: ThreadRef | undefined; problem?: string | undefined }> {
  if (!trigger.post_to) return {};
  const [platform, channel] = trigger.post_to.split(':') as ['slack' | 'discord', string];
  const opener = openers?.[platform];
  if (!opener) return { problem: `post_to ${trigger.post_to}: ${platform === 'slack' ? 'SLACK_BOT_TOKEN' : 'DISCORD_TOKEN'} is not set in this process, so the run works without a thread` };
  const main = Object.values(inputs)[0];
  const text = `*${crew}* started by ${describeTrigger(trigger)}${main ? `: ${main.length > 200 ? `${main.slice(0, 200)}…` : main}` : ''}`;
  try {
    return { thread: await opener(channel, text) };
  } catch (error) {
    return { problem: `post_to ${trigger.post_to}: could not open a thread (${errorMessage(error)}), so the run works without one` };
  }
}
