import { DiscordAPIError } from 'discord.js';
import { CrewNotFoundError } from '../../crews/errors.ts';
import type { LoadedCrew } from '../../crews/loadCrew.ts';
import { errorMessage } from '../../engine/errors.ts';
import type { Requester, RunRecord } from '../../runs/runRecord.ts';
import { needsValue } from '../kickoffText.ts';
import type { DiscordContext } from './context.ts';
import { discordThread } from './thread.ts';
import type { KickoffPlace } from '../inbound/accessPolicy.ts';
import type { InboundPerson } from '../inbound/inboundEvent.ts';
import { DiscordSettingsError } from './errors.ts';

/** A crew someone may start here, with the inputs given so far. */
export interface KickoffPlan {
  crew: string;
  loaded: LoadedCrew;
  inputs: Record<string, string>;
  /** Required inputs nobody gave yet. */
  missing: string[];
}

/** Crew names come from people: only names of crews in the crews folder, never a path. */
const CREW_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * Loads the crew and checks its `discord:` rules for this place and person. Returns the crew,
 * or what to tell the person: no such crew, a broken crew.yaml, or not allowed here.
 */
export async function loadForKickoff(ctx: DiscordContext, crew: string, who: InboundPerson, place: KickoffPlace): Promise<{ loaded: LoadedCrew } | { refusal: string }> {
  if (!CREW_NAME.test(crew)) return { refusal: `"${crew}" is not a crew name. ${await crewChoices(ctx)}` };
  let loaded: LoadedCrew;
  try {
    loaded = await ctx.runtime.loadCrew(crew);
  } catch (error) {
    if (error instanceof CrewNotFoundError) return { refusal: `No crew "${crew}". ${await crewChoices(ctx)}` };
    return { refusal: `${crew} does not load: ${errorMessage(error)}` };
  }
  try {
    const decision = await ctx.access.mayKickOff(loaded, who, place);
    return decision.allowed ? { loaded } : { refusal: decision.reason };
  } catch (error) {
    if (error instanceof DiscordSettingsError) return { refusal: `${crew} can't be started until its crew.yaml is fixed: ${error.message}` };
    throw error;
  }
}

/** Inputs given by name, and free text for the first required input still empty. */
export function planInputs(crew: string, loaded: LoadedCrew, given: Record<string, string>, freeText: string | undefined): KickoffPlan | { refusal: string } {
  const inputs: Record<string, string> = {};
  for (const [key, value] of Object.entries(given)) {
    const name = Object.keys(loaded.inputs).find((candidate) => candidate.toLowerCase() === key.toLowerCase());
    if (!name) return { refusal: `${crew} has no input "${key}"; it takes ${Object.keys(loaded.inputs).join(', ') || 'no inputs'}.` };
    if (value.trim()) inputs[name] = value;
  }
  const text = freeText?.trim();
  if (text) {
    const target = Object.entries(loaded.inputs).find(([name, input]) => needsValue(input) && !(name in inputs));
    if (!target) return { refusal: `${crew} has no required input left for "${text}"; give its inputs by name.` };
    inputs[target[0]] = text;
  }
  const missing = Object.entries(loaded.inputs)
    .filter(([name, input]) => needsValue(input) && !(name in inputs))
    .map(([name]) => name);
  return { crew, loaded, inputs, missing };
}

/** Starts the run in its thread; a repeated key (the same message or interaction) starts nothing. */
export async function startRun(
  ctx: DiscordContext,
  plan: KickoffPlan,
  where: { guildId: string; threadId: string; requester: Requester; key: string },
): Promise<RunRecord | undefined> {
  return ctx.runner.kickoff({
    crew: plan.crew,
    inputs: plan.inputs,
    requester: where.requester,
    thread: discordThread(where.guildId, where.threadId),
    idempotencyKey: where.key,
  });
}

/** "review_crew · 2.0": the crew and what it works on. */
export function threadName(plan: KickoffPlan): string {
  const first = Object.values(plan.inputs)[0];
  return first ? `${plan.crew} · ${first}` : plan.crew;
}

/** What to tell people when Discord refuses to open the run's thread (a permission, most often). */
export function threadProblem(error: unknown): string {
  if (!(error instanceof DiscordAPIError)) throw error;
  return (
    `I could not open a thread here (Discord said: ${error.message}), so nothing started. ` +
    'Give me Create Public Threads and Send Messages in Threads in this channel, then try again.'
  );
}

async function crewChoices(ctx: DiscordContext): Promise<string> {
  const names = (await ctx.runtime.listCrews()).map((crew) => crew.name);
  return names.length > 0 ? `Crews: ${names.join(', ')}.` : 'There are no crews yet.';
}
