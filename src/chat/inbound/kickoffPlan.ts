import type { CrewListing } from '../../crews/listCrews.ts';
import { describeCrewInputs, KickoffTextError, needsValue, noSuchInput, parseKickoffText } from '../kickoffText.ts';
import type { KickoffEvent } from './inboundEvent.ts';

/** A crew by name from the listing, the inputs given so far, and the required ones nobody gave. */
export interface KickoffPlan {
  crew: CrewListing;
  inputs: Record<string, string>;
  missing: string[];
}

/** Crew names come from people: only names of crews in the crews folder, never a path. */
const CREW_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * Reads what a kickoff asks for against the crews there are: a typed line, or a crew and inputs
 * from a form or a command's options. Returns the plan, or what to tell the person.
 */
export function planKickoff(what: KickoffEvent['what'], crews: readonly CrewListing[]): KickoffPlan | { problem: string } {
  const loadable = crews.filter((crew) => !crew.error);
  if (!('crew' in what)) {
    try {
      const parsed = parseKickoffText(what.text, loadable);
      return { crew: loadable.find((crew) => crew.name === parsed.crew)!, inputs: parsed.inputs, missing: parsed.missing };
    } catch (error) {
      if (!(error instanceof KickoffTextError)) throw error;
      const broken = crews.find((crew) => crew.error && crew.name.toLowerCase() === what.text.trim().split(/\s+/)[0]?.toLowerCase());
      return { problem: broken ? `${broken.name} does not load: ${broken.error}` : `Nothing started.\n${error.message}` };
    }
  }
  const name = what.crew.trim();
  if (!CREW_NAME.test(name)) return { problem: `No crew "${name}": that is not a crew name. ${crewChoices(loadable)}` };
  const crew = crews.find((candidate) => candidate.name === name) ?? crews.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  if (!crew) return { problem: `No crew "${name}". ${crewChoices(loadable)}` };
  if (crew.error) return { problem: `${crew.name} does not load: ${crew.error}` };
  const inputs: Record<string, string> = {};
  for (const [key, value] of Object.entries(what.inputs)) {
    const input = Object.keys(crew.inputs).find((candidate) => candidate.toLowerCase() === key.toLowerCase());
    if (!input) return { problem: `${noSuchInput(crew, key)}\n${describeCrewInputs(crew)}` };
    if (value.trim()) inputs[input] = value;
  }
  const text = what.text?.trim();
  if (text) {
    const target = Object.entries(crew.inputs).find(([input, spec]) => needsValue(spec) && !(input in inputs));
    if (!target) return { problem: `${crew.name} has no required input left for "${text}"; give its inputs by name.` };
    inputs[target[0]] = text;
  }
  return { crew, inputs, missing: missingInputs(crew, inputs) };
}

/** Required inputs without a default that nobody gave. */
export function missingInputs(crew: CrewListing, inputs: Record<string, string>): string[] {
  return Object.entries(crew.inputs)
    .filter(([name, input]) => needsValue(input) && !Object.hasOwn(inputs, name))
    .map(([name]) => name);
}

function crewChoices(crews: readonly CrewListing[]): string {
  return crews.length > 0 ? `Crews: ${crews.map((crew) => crew.name).join(', ')}.` : 'There are no crews yet.';
}
