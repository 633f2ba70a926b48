import type { CrewListing } from '../../crews/listCrews.ts';
import type { LoadedCrew } from '../../crews/loadCrew.ts';
import { Crew } from '../../engine/crew.ts';
import { errorMessage, MissingInputError } from '../../engine/errors.ts';
import { InputTooLargeError } from '../../runs/inputLimits.ts';
import type { Runner } from '../../runs/runner.ts';
import type { Platform, Requester, RunRecord, ThreadRef } from '../../runs/runRecord.ts';
import { describeCrewInputs } from '../kickoffText.ts';
import { CrewSettingsError, type AccessPolicy } from './accessPolicy.ts';
import type { InboundPerson, KickoffEvent, KickoffPlace } from './inboundEvent.ts';
import type { KickoffReply, Notice } from './inboundReply.ts';
import { missingInputs, planKickoff } from './kickoffPlan.ts';

/** Where a surface's crews come from, by name (the Runtime fits). */
export interface CrewSource {
  listCrews(): Promise<CrewListing[]>;
  loadCrew(name: string): Promise<LoadedCrew>;
}

export interface KickoffParts {
  runner: Runner;
  access: AccessPolicy;
  crews: CrewSource;
}

/** handled with the run it started; anything else with what the person was told. */
export type KickoffOutcome = { started: RunRecord } | { asked: string } | { notice: Notice } | { told: string } | { duplicate: true };

const PLATFORM_NAMES: Record<Platform, string> = { slack: 'Slack', discord: 'Discord', console: 'the terminal', cli: 'the CLI' };

/**
 * A crew started from chat, the same on every surface: reads what was asked against the crews
 * there are, loads the crew by a name the listing has, asks the access policy, asks for missing
 * inputs (a form, or the terminal's questions), checks input sizes, then opens the run's thread
 * and starts the run once per delivery.
 */
export async function kickOff(parts: KickoffParts, event: KickoffEvent, reply: KickoffReply): Promise<KickoffOutcome> {
  const { runner } = parts;
  if (event.thread && (await runner.store.runForThread(event.thread))) {
    return { notice: { tone: 'unclear', text: 'This thread already has a run: start a new one from a channel.' } };
  }
  const plan = planKickoff(event.what, await parts.crews.listCrews());
  if ('problem' in plan) return { notice: { tone: 'unclear', text: plan.problem } };
  const name = plan.crew.name;
  let loaded: LoadedCrew;
  try {
    loaded = await parts.crews.loadCrew(name);
  } catch (error) {
    return { notice: { tone: 'failed', text: `${name} does not load: ${errorMessage(error)}` } };
  }
  const refusal = await mayStart(parts.access, loaded, event.who, event.place);
  if (refusal) return { notice: refusal };

  let inputs = plan.inputs;
  if (plan.missing.length > 0) {
    const asked = await reply.askForInputs({ crew: plan.crew, given: inputs, missing: plan.missing });
    if (asked === 'opened') return { asked: `asked for ${plan.missing.join(', ')}` };
    if (asked === undefined) {
      const them = plan.missing.length > 1 ? 'them' : 'it';
      return { notice: { tone: 'unclear', text: `Nothing started: ${name} needs ${plan.missing.join(', ')}; give ${them} as key="…".\n${describeCrewInputs(plan.crew)}` } };
    }
    inputs = { ...inputs, ...asked };
    const still = missingInputs(plan.crew, inputs);
    if (still.length > 0) return { notice: { tone: 'unclear', text: `Nothing started: ${name} still needs ${still.join(', ')}.` } };
  }
  const problem = inputProblem(runner, loaded, inputs);
  if (problem) return { notice: problem };

  const requester: Requester = { platform: event.who.platform, userId: event.who.userId, ...(event.who.name ? { name: event.who.name } : {}) };
  const thread = await reply.openThread({ crew: name, inputs, requester });
  if (!thread) return { told: 'no thread could be opened' };
  return start(runner, { crew: name, inputs, requester, thread, idempotencyKey: `${event.who.platform}:${event.delivery}` });
}

/** The access policy's answer as something to tell, or undefined when the person may start the crew here. */
export async function mayStart(access: AccessPolicy, crew: LoadedCrew, who: InboundPerson, where: KickoffPlace): Promise<Notice | undefined> {
  try {
    const decision = await access.mayKickOff(crew, who, where);
    return decision.allowed ? undefined : { tone: 'refused', text: decision.reason, markup: true };
  } catch (error) {
    if (!(error instanceof CrewSettingsError)) throw error;
    return { tone: 'failed', text: `${crew.spec.name} cannot be started from ${PLATFORM_NAMES[access.platform]} until its crew.yaml is fixed:\n${error.message}` };
  }
}

/** Inputs too long for the limits, or missing for the crew: what to tell, before anything is posted. */
export function inputProblem(runner: Runner, crew: LoadedCrew, inputs: Record<string, string>): Notice | undefined {
  try {
    runner.checkInputs(inputs);
    new Crew(crew.spec).resolveInputs(inputs);
    return undefined;
  } catch (error) {
    if (error instanceof InputTooLargeError) return { tone: 'unclear', text: `Nothing started. ${error.message}` };
    if (error instanceof MissingInputError) {
      return { tone: 'unclear', text: `Nothing started: ${crew.spec.name} needs ${error.missing.join(', ')}.\n${describeCrewInputs({ name: crew.spec.name, inputs: crew.inputs })}` };
    }
    throw error;
  }
}

async function start(
  runner: Runner,
  request: { crew: string; inputs: Record<string, string>; requester: Requester; thread: ThreadRef; idempotencyKey: string },
): Promise<KickoffOutcome> {
  try {
    const run = await runner.kickoff(request);
    return run ? { started: run } : { duplicate: true };
  } catch (error) {
    return { notice: { tone: 'failed', text: `Could not start ${request.crew}: ${errorMessage(error)}` } };
  }
}
