import { randomUUID } from 'node:crypto';
import type { LlmClient } from '../llm/types.ts';
import { answerRequest } from './answers.ts';
import { Agent } from './agent.ts';
import { codeCrew, type CodeCrew, type CrewOptions } from './crewOptions.ts';
import { CrewDefinitionError, CustomProcessError, NoModelError, RunCancelledError, RunStateError, errorMessage } from './errors.ts';
import { CrewEventBus, isLiveOnly, type CrewEvent, type CrewEventListener } from './events.ts';
import type { HumanAnswer, Responder } from './humanRequest.ts';
import { assertInputsPresent, interpolate } from './interpolate.ts';
import type { CrewOutput, TaskOutput } from './output.ts';
import { outputFilePath } from './outputFile.ts';
import { runCustom } from './process/custom.ts';
import { runParallel } from './process/parallel.ts';
import { runSequential } from './process/sequential.ts';
import { findCrewProblems, type ReferenceProblem } from './references.ts';
import { RunContext, type RunEnvironment } from './runContext.ts';
import { newRunState, parseRunState, type RunState } from './runState.ts';
import { EventLogFile } from './eventLogFile.ts';
import { planTasks } from './planning.ts';
import type { CrewSpec } from './spec.ts';
import { Task } from './task.ts';

/** How a run is carried out; the model comes from here, from the crew, or from the package's default. */
export type RunOptions = Omit<RunEnvironment, 'llm'> & { llm?: LlmClient | undefined };

export interface KickoffOptions extends RunOptions {
  runId?: string | undefined;
  /** Text offered to each task's prompt by task id (lessons, past results); kept in the run state. */
  offered?: Record<string, string> | undefined;
}

export interface ResumeOptions extends RunOptions {
  /** Who answered, as kept in the run state; "code" when absent. */
  answeredBy?: Responder | undefined;
}

/**
 * A crew ready to run: kickoff starts a run, run continues one from its RunState, resume answers
 * what a run waits for and continues it. Built from a spec (crew files) or from Agent and Task
 * objects (code); either way every reference is checked here, before any model call.
 */
export class Crew {
  readonly spec: CrewSpec;
  readonly #events = new CrewEventBus();
  readonly #code: Omit<CodeCrew, 'spec'>;

  constructor(definition: CrewSpec | CrewOptions) {
    const code = isSpec(definition) ? { spec: definition } : codeCrew(definition);
    const { spec, ...environment } = code;
    const problems = findCrewProblems(spec);
    if (problems.length > 0) throw new CrewDefinitionError(spec.name, problems.map(describeProblem));
    this.spec = spec;
    this.#code = environment;
    // Through the event bus, so a callback that throws never breaks a run.
    if (environment.stepCallback) this.#events.subscribe(environment.stepCallback);
  }

  /** Subscribe to every event of every run of this crew. */
  subscribe(listener: CrewEventListener): () => void {
    return this.#events.subscribe(listener);
  }

  /** Declared defaults filled in, then every placeholder the crew uses must have a value and output paths must stay in bounds. */
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
    for (const task of this.spec.tasks) if (task.outputFile) outputFilePath(task.outputFile, inputs);
    return inputs;
  }

  /** A fresh RunState, for callers that store it before the run starts. */
  newState(inputs: Record<string, string>, runId: string = randomUUID(), offered: Record<string, string> = {}): RunState {
    return newRunState(runId, this.spec.name, this.resolveInputs(inputs), this.spec.tasks.map((task) => task.id), offered);
  }

  /** Starts a run. When it ends waiting for people, answer `output.pending` with resume. */
  async kickoff(inputs: Record<string, string> = {}, options: KickoffOptions = {}): Promise<CrewOutput> {
    return this.run(this.newState(inputs, options.runId, options.offered), options);
  }

  /**
   * Records answers to the requests a run waits for (by request id) and continues it. `state` is
   * the output's state, or the same read back from JSON in another process.
   */
  async resume(state: unknown, answers: Record<string, HumanAnswer>, options: ResumeOptions = {}): Promise<CrewOutput> {
    const restored = parseRunState(state);
    const by = options.answeredBy ?? { userId: 'code' };
    for (const [requestId, answer] of Object.entries(answers)) answerRequest(restored, requestId, answer, by, options.now?.() ?? Date.now());
    return this.run(restored, options);
  }

  /** Runs (or continues) the run held in `state`, which is updated in place as the run goes. */
  async run(state: RunState, options: RunOptions = {}): Promise<CrewOutput> {
    this.#assertStateFits(state);
    const environment = this.#environment(options);
    const resumed = Object.values(state.tasks).some((task) => task.status !== 'pending');
    // A task cut off mid-way, failed, or waiting for a person continues from its saved conversation.
    for (const task of Object.values(state.tasks)) {
      // A person resuming a failed run gives its task a fresh set of retries.
      if (task.status === 'failed') task.retries = 0;
      if (task.status === 'running' || task.status === 'failed' || task.status === 'awaiting_input') task.status = 'pending';
    }
    const log = this.spec.outputLogFile ? EventLogFile.open(this.spec.outputLogFile, state.inputs, environment.outputDir ?? process.cwd()) : undefined;
    const onEvent = (event: CrewEvent) => {
      if (!isLiveOnly(event)) log?.write(event);
      environment.onEvent?.(event);
    };
    const env: RunEnvironment = log ? { ...environment, onEvent } : environment;
    const ctx = new RunContext(withInputs(this.spec, state.inputs), state, env, this.#events);
    try {
      return await this.#runIn(ctx, resumed);
    } finally {
      await ctx.settleSideWork();
      await log?.flush();
    }
  }

  async #runIn(ctx: RunContext, resumed: boolean): Promise<CrewOutput> {
    const state = ctx.state;
    ctx.emit({ type: 'crew_kickoff_started', crew: this.spec.name, inputs: state.inputs, resumed });
    try {
      await planTasks(ctx);
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

  /** The model the package entry falls back on (OPENAI_* there); the engine itself reads no environment. */
  protected defaultLlm(): LlmClient | undefined {
    return undefined;
  }

  #environment(options: RunOptions): RunEnvironment {
    const llm = options.llm ?? this.#code.llm ?? this.defaultLlm();
    if (!llm) throw new NoModelError();
    const { taskCallback, outputDir } = this.#code;
    return {
      ...options,
      llm,
      outputDir: options.outputDir ?? outputDir,
      onTaskCompleted: inTurn(taskCallback, options.onTaskCompleted),
    };
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
          'Restore the crew as it was when the run started, or start a new run.',
      );
    }
  }
}

function isSpec(definition: CrewSpec | CrewOptions): definition is CrewSpec {
  // A crew in code holds Agent and Task objects; a spec (from crew files) plain records.
  const items: unknown[] = [...definition.agents, ...definition.tasks];
  return items.length > 0 && !items.some((item) => item instanceof Agent || item instanceof Task);
}

function describeProblem(problem: ReferenceProblem): string {
  return problem.subject.kind === 'crew' ? `${problem.key}: ${problem.message}` : `task ${problem.subject.id}: ${problem.key} ${problem.message}`;
}

/** The crew's task callback, then the run's. */
function inTurn(
  first: ((output: TaskOutput) => void | Promise<void>) | undefined,
  second: ((output: TaskOutput) => void | Promise<void>) | undefined,
): ((output: TaskOutput) => Promise<void>) | undefined {
  if (!first && !second) return undefined;
  return async (output) => {
    await first?.(output);
    await second?.(output);
  };
}

function textsOf(spec: CrewSpec): string[] {
  return [
    ...spec.agents.flatMap((agent) => [agent.role, agent.goal, agent.backstory]),
    ...spec.tasks.flatMap((task) => [task.description, task.expectedOutput, task.outputFile ?? '']),
    spec.outputLogFile ?? '',
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
    state,
  };
}
