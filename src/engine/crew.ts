import { randomUUID } from 'node:crypto';
import { CustomProcessError, RunCancelledError, RunStateError, errorMessage } from './errors.ts';
import { CrewEventBus, type CrewEventListener } from './events.ts';
import { assertInputsPresent, interpolate } from './interpolate.ts';
import type { CrewOutput, TaskOutput } from './output.ts';
import { runCustom } from './process/custom.ts';
import { runParallel } from './process/parallel.ts';
import { runSequential } from './process/sequential.ts';
import { RunContext, type RunEnvironment } from './runContext.ts';
import { newRunState, type RunState } from './runState.ts';
import type { CrewSpec } from './spec.ts';

export interface KickoffOptions extends RunEnvironment {
  runId?: string | undefined;
}

/** A crew ready to run: kickoff starts a run, run continues one from its RunState. */
export class Crew {
  readonly #events = new CrewEventBus();

  constructor(readonly spec: CrewSpec) {}

  /** Subscribe to every event of every run of this crew. */
  subscribe(listener: CrewEventListener): () => void {
    return this.#events.subscribe(listener);
  }

  /** Declared defaults filled in, then every placeholder the crew uses must have a value. */
  resolveInputs(given: Record<string, string>): Record<string, string> {
    const inputs: Record<string, string> = {};
    for (const [name, input] of Object.entries(this.spec.inputs ?? {})) {
      if (input.default !== undefined) inputs[name] = input.default;
    }
    Object.assign(inputs, given);
    const required = Object.entries(this.spec.inputs ?? {})
      .filter(([name, input]) => input.required && !(name in inputs))
      .map(([name]) => `{${name}}`);
    assertInputsPresent([...required, ...textsOf(this.spec)], inputs);
    return inputs;
  }

  /** A fresh RunState, for callers that store it before the run starts. */
  newState(inputs: Record<string, string>, runId: string = randomUUID()): RunState {
    return newRunState(runId, this.spec.name, this.resolveInputs(inputs), this.spec.tasks.map((task) => task.id));
  }

  async kickoff(inputs: Record<string, string>, options: KickoffOptions): Promise<CrewOutput> {
    return this.run(this.newState(inputs, options.runId), options);
  }

  /** Runs (or continues) the run held in `state`, which is updated in place as the run goes. */
  async run(state: RunState, options: RunEnvironment): Promise<CrewOutput> {
    this.#assertStateFits(state);
    const resumed = Object.values(state.tasks).some((task) => task.status !== 'pending');
    // A task cut off mid-way, failed, or waiting for a person continues from its saved conversation.
    for (const task of Object.values(state.tasks)) {
      if (task.status === 'running' || task.status === 'failed' || task.status === 'awaiting_input') task.status = 'pending';
    }
    const ctx = new RunContext(withInputs(this.spec, state.inputs), state, options, this.#events);
    ctx.emit({ type: 'crew_kickoff_started', crew: this.spec.name, inputs: state.inputs, resumed });
    try {
      switch (this.spec.process) {
        case 'parallel':
          await runParallel(ctx);
          break;
        case 'sequential':
        case 'hierarchical':
          await runSequential(ctx, { allowAsync: this.spec.process === 'sequential' });
          break;
        case 'custom':
          if (!this.spec.customProcess) throw new CustomProcessError(`Crew "${this.spec.name}" has process custom but no process function; give it one (customProcess).`);
          await runCustom(ctx, this.spec.customProcess);
          break;
        default: {
          const never: never = this.spec.process;
          throw new Error(`Unknown process ${String(never)}`);
        }
      }
    } catch (error) {
      const cancelled = error instanceof RunCancelledError;
      ctx.emit({ type: 'crew_kickoff_failed', crew: this.spec.name, error: errorMessage(error), usage: state.usage, ...(cancelled ? { cancelled } : {}) });
      throw error;
    }
    const output = crewOutput(this.spec, state);
    if (output.status === 'awaiting_input') {
      const pending = state.pending.map((request) => request.id);
      ctx.emit({ type: 'crew_suspended', crew: this.spec.name, pending, usage: state.usage });
    } else {
      ctx.emit({ type: 'crew_kickoff_completed', crew: this.spec.name, output: output.raw, usage: state.usage });
    }
    return output;
  }

  #assertStateFits(state: RunState): void {
    if (state.crew !== this.spec.name) {
      throw new RunStateError(`Run ${state.runId} belongs to crew "${state.crew}", not "${this.spec.name}".`);
    }
    const missing = Object.keys(state.tasks).filter((id) => !this.spec.tasks.some((task) => task.id === id));
    const added = this.spec.tasks.filter((task) => !(task.id in state.tasks)).map((task) => task.id);
    if (missing.length > 0 || added.length > 0) {
      throw new RunStateError(
        `Run ${state.runId} no longer matches crew "${this.spec.name}" (tasks ${[...missing, ...added].join(', ')} changed since it started). ` +
          'Restore the crew files it ran with, or start a new run.',
      );
    }
  }
}

function textsOf(spec: CrewSpec): string[] {
  return [
    ...spec.agents.flatMap((agent) => [agent.role, agent.goal, agent.backstory]),
    ...spec.tasks.flatMap((task) => [task.description, task.expectedOutput, task.outputFile ?? '']),
  ];
}

/** The crew with its `{placeholders}` filled. Output paths are filled later, with path-safe values. */
function withInputs(spec: CrewSpec, inputs: Record<string, string>): CrewSpec {
  return {
    ...spec,
    agents: spec.agents.map((agent) => ({
      ...agent,
      role: interpolate(agent.role, inputs),
      goal: interpolate(agent.goal, inputs),
      backstory: interpolate(agent.backstory, inputs),
    })),
    tasks: spec.tasks.map((task) => ({
      ...task,
      description: interpolate(task.description, inputs),
      expectedOutput: interpolate(task.expectedOutput, inputs),
    })),
  };
}

function crewOutput(spec: CrewSpec, state: RunState): CrewOutput {
  const tasks = spec.tasks.flatMap((task): TaskOutput[] => {
    const output = state.tasks[task.id]?.output;
    return state.tasks[task.id]?.status === 'completed' && output ? [output] : [];
  });
  const last = tasks.at(-1);
  const waiting = Object.values(state.tasks).some((task) => task.status === 'awaiting_input');
  return {
    runId: state.runId,
    status: waiting ? 'awaiting_input' : 'completed',
    pending: [...state.pending],
    raw: last?.raw ?? '',
    ...(last?.json !== undefined ? { json: last.json } : {}),
    tasks,
    usage: state.usage,
    usageByAgent: state.usageByAgent,
    usageByTask: state.usageByTask,
  };
}
