import type { Runtime } from '../runtime.ts';
import { nextFire } from '../triggers/scheduler.ts';
import { describeTrigger, triggerKind, type TriggerEntry } from '../triggers/triggerFile.ts';
import { WEBHOOK_PATH_PREFIX } from '../triggers/webhookEndpoint.ts';
import { parseCommandArgs } from './cliArgs.ts';
import { EXIT, type CliIo } from './io.ts';

const USAGE = 'crewbot triggers [--json]';

/** One trigger as `crewbot triggers --json` prints it. */
export interface TriggerListing {
  crew: string;
  index: number;
  kind: 'schedule' | 'webhook' | 'after';
  description: string;
  enabled: boolean;
  /** Schedules: when it fires next (ISO 8601). */
  next?: string | undefined;
  /** Webhooks: where to send them. */
  endpoint?: string | undefined;
  postTo?: string | undefined;
  inputs: Record<string, string>;
}

/** Every crew's triggers, with the next time each schedule fires. */
export async function triggersCommand(args: string[], runtime: Runtime, io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { json: { type: 'boolean' } }, USAGE);
  const listings: TriggerListing[] = [];
  const broken: string[] = [];
  for (const crew of await runtime.listCrews()) {
    if (crew.error) {
      broken.push(crew.name);
      continue;
    }
    const loaded = await runtime.loadCrew(crew.name);
    (loaded.triggers ?? []).forEach((trigger, index) => listings.push(listing(crew.name, index, trigger)));
  }
  if (values.json) {
    io.out(JSON.stringify(listings));
    return EXIT.ok;
  }
  if (listings.length === 0) io.out('No crew has triggers. Add `triggers:` to a crew.yaml (see the README, "Triggers").');
  for (const entry of listings) {
    const when = entry.next ? ` — next ${entry.next}` : entry.endpoint ? ` — POST ${entry.endpoint}` : '';
    io.out(`${entry.crew} [${entry.index}] ${entry.description}${when}${entry.postTo ? ` → ${entry.postTo}` : ''}${entry.enabled ? '' : ' (disabled)'}`);
  }
  for (const name of broken) io.err(`${name} does not load, so its triggers are not listed: run crewbot validate ${name}`);
  return EXIT.ok;
}

function listing(crew: string, index: number, trigger: TriggerEntry): TriggerListing {
  const kind = triggerKind(trigger);
  return {
    crew,
    index,
    kind,
    description: describeTrigger(trigger),
    enabled: trigger.enabled,
    ...('schedule' in trigger ? { next: nextFire(trigger)?.toISOString() } : {}),
    ...(kind === 'webhook' ? { endpoint: `${WEBHOOK_PATH_PREFIX}${crew}` } : {}),
    ...(trigger.post_to ? { postTo: trigger.post_to } : {}),
    inputs: trigger.inputs,
  };
}
