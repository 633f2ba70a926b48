import { assertLlmConfigured } from '../llm/configuredLlm.ts';
import { FollowUpError, type FollowUpRequest } from '../runs/followUp.ts';
import type { RunStore } from '../runs/runStore.ts';
import type { Runtime } from '../runtime.ts';
import { parseCommandArgs, parseInputs, UsageError } from './cliArgs.ts';
import { EXIT, type CliIo } from './io.ts';
import { localActor } from './localActor.ts';
import { assertKnownInputs, inputsAsFlags } from './runInputs.ts';
import { advanceAndReport } from './runOutcome.ts';
import { QueueNotConfiguredError } from './workerCommand.ts';
import { commandName } from './commandName.ts';

const USAGE = 'crewbot run <crew|dir> [--input key=value]... [--follow-up <runId> [--reply <text>]] [--detach] [--json]';

/** Starts a run in the store and advances it here; it can be resumed from anywhere later. */
export async function runCommand(args: string[], runtime: Runtime, io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      input: { type: 'string', multiple: true, short: 'i' },
      json: { type: 'boolean' },
      detach: { type: 'boolean' },
      'follow-up': { type: 'string' },
      reply: { type: 'string' },
    },
    USAGE,
  );
  const [crewName, ...extra] = positionals;
  if (!crewName) throw new UsageError(`Name one crew.\nUsage: ${USAGE}`);
  if (values.reply !== undefined && !values['follow-up']) throw new UsageError(`--reply goes with --follow-up <runId>.\nUsage: ${USAGE}`);
  const loaded = await runtime.loadCrew(crewName);
  const crew = { name: loaded.spec.name, inputs: loaded.inputs };
  if (extra.length > 0) throw inputsAsFlags(crew, extra, crewName);
  const inputs = parseInputs(values.input ?? []);
  assertKnownInputs(crew, inputs);
  for (const warning of [...loaded.warnings, ...(loaded.setupWarnings ?? [])]) io.err(`warning: ${warning}`);
  const given = { inputs, followUp: values['follow-up'] ? { runId: values['follow-up'], text: values.reply ?? '' } : undefined };
  if (values.detach) return detach(runtime, crewName, given, io, values.json ?? false);
  assertLlmConfigured(runtime.config);
  const { runner, store, close } = await runtime.openRunner({ schedule: () => undefined });
  try {
    const actor = localActor();
    const run = await runner.kickoff({
      crew: crewName,
      inputs: await followUpInputs(store, given),
      requester: { platform: actor.platform, userId: actor.userId, name: actor.name },
      followUp: given.followUp,
    });
    io.err(`Run ${run!.id} started.`);
    return await advanceAndReport(runner, runtime, run!.id, io, values.json ?? false, signal);
  } finally {
    await close();
  }
}

/** Enqueues the run for the fleet's workers and returns at once; `crewbot wait` follows it. */
async function detach(runtime: Runtime, crew: string, given: GivenRun, io: CliIo, json: boolean): Promise<number> {
  if (!runtime.config.CREWBOT_QUEUE) throw new QueueNotConfiguredError('crewbot run --detach');
  const { runner, store, close } = await runtime.openRunner();
  try {
    const actor = localActor();
    const inputs = await followUpInputs(store, given);
    const run = await runner.kickoff({ crew, inputs, requester: { platform: actor.platform, userId: actor.userId, name: actor.name }, followUp: given.followUp });
    if (json) io.out(JSON.stringify({ runId: run!.id, status: 'queued' }));
    else io.out(run!.id);
    io.err(`Run ${run!.id} queued. Follow it with: ${commandName()} wait ${run!.id}`);
    return EXIT.ok;
  } finally {
    await close();
  }
}

interface GivenRun {
  inputs: Record<string, string>;
  followUp: FollowUpRequest | undefined;
}

/** A follow-up keeps the earlier run's inputs; `--input` overrides them one by one. */
async function followUpInputs(store: RunStore, given: GivenRun): Promise<Record<string, string>> {
  if (!given.followUp) return given.inputs;
  const earlier = await store.getRun(given.followUp.runId);
  if (!earlier) throw new FollowUpError(`No run ${given.followUp.runId} to follow up; \`crewbot runs\` lists them.`);
  return { ...earlier.inputs, ...given.inputs };
}
