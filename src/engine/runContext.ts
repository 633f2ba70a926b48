import { PriceTable } from '../llm/prices.ts';
import type { LlmClient, LlmRequest, LlmResponse } from '../llm/types.ts';
import { RpmLimiter, Semaphore, type RpmLimiterClock } from '../llm/rateLimiter.ts';
import { abortableSleep, type Sleep } from '../llm/retry.ts';
import { RunCancelledError, RunLimitError, errorMessage } from './errors.ts';
import type { CrewEvent, CrewEventBus } from './events.ts';
import { addUsage, type TaskOutput, type Usage } from './output.ts';
import { usageBucket, type RunState } from './runState.ts';
import { HumanInputRequired, type HumanRequest, type RecordedAnswer } from './humanRequest.ts';
import { randomUUID } from 'node:crypto';
import type { AgentSpec, CrewSpec, TaskSpec } from './spec.ts';
import type { FeedbackListener, TaskFeedback } from './feedback.ts';
import { coordinatorSite } from './coordinator.ts';
import { modelSource, withModelSource } from './modelSource.ts';

export type CheckpointSink = (state: RunState) => void | Promise<void>;

export interface RunHooks {
  /** CrewAI's step_callback: every event of the run. */
  onEvent?: ((event: CrewEvent) => void) | undefined;
  /** CrewAI's task_callback. */
  onTaskCompleted?: ((output: TaskOutput) => void | Promise<void>) | undefined;
  /** Receives the state after every LLM call and tool result, before the next step starts. */
  checkpoint?: CheckpointSink | undefined;
}

export interface RunEnvironment extends RunHooks {
  llm: LlmClient;
  signal?: AbortSignal | undefined;
  /** Directory that task output_file paths are relative to (created on demand; default `output`). */
  outputDir?: string | undefined;
  now?: (() => number) | undefined;
  /** The clock max_rpm waits on (tests give a fake one). */
  rpmClock?: RpmLimiterClock | undefined;
  /** How the engine waits before retrying a failed task (max_retry_limit); tests give one that does not wait. */
  sleep?: Sleep | undefined;
  /** Prices that turn tokens into USD; the built-in table when absent. */
  prices?: PriceTable | undefined;
  /** Told when a person asks for changes to a draft (lessons learn from it). */
  onFeedback?: FeedbackListener | undefined;
}

const BUILTIN_PRICE_TABLE = new PriceTable();

/** Event fields the run context fills in itself. */
export type EventDraft = CrewEvent extends infer E ? (E extends CrewEvent ? Omit<E, 'runId' | 'at'> : never) : never;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Who an LLM call is for: usage is booked to this agent and task. */
export interface CallSite {
  agent: AgentSpec | (Pick<AgentSpec, 'role' | 'llm' | 'maxRpm'> & Partial<Pick<AgentSpec, 'cache' | 'contextWindow' | 'respectContextWindow'>>);
  taskId: string;
}

/** Everything one run shares: its state, the model, limits, events and checkpoints. */
export class RunContext {
  readonly #rpmLimiters = new Map<string, RpmLimiter>();
  readonly #llmSlots: Semaphore;
  #callsInFlight = 0;
  readonly #callFinished: Array<() => void> = [];
  readonly agentsById: Map<string, AgentSpec>;
  readonly tasksById: Map<string, TaskSpec>;
  #checkpointChain: Promise<void> = Promise.resolve();
  /** Listeners told about feedback, still working; the run waits for them only as it ends. */
  readonly #sideWork = new Set<Promise<void>>();

  constructor(
    readonly spec: CrewSpec,
    readonly state: RunState,
    readonly env: RunEnvironment,
    readonly bus: CrewEventBus,
  ) {
    this.#llmSlots = new Semaphore(spec.maxConcurrency ?? 8);
    this.agentsById = new Map(spec.agents.map((agent) => [agent.id, agent]));
    this.tasksById = new Map(spec.tasks.map((task) => [task.id, task]));
  }

  get runId(): string {
    return this.state.runId;
  }

  now(): number {
    return this.env.now?.() ?? Date.now();
  }

  emit(draft: EventDraft): void {
    const event = { ...draft, runId: this.state.runId, at: this.now() } as CrewEvent;
    this.env.onEvent?.(event);
    this.bus.emit(event);
  }

  throwIfCancelled(): void {
    if (this.env.signal?.aborted) throw new RunCancelledError();
  }

  /** Waits `ms` on the run's clock; a cancelled run stops waiting at once. */
  async sleep(ms: number): Promise<void> {
    try {
      await (this.env.sleep ?? abortableSleep)(ms, this.env.signal);
    } finally {
      this.throwIfCancelled();
    }
  }

  /** Checkpoints are written one after another, in order, and each finishes before the run moves on. */
  async checkpoint(): Promise<void> {
    const sink = this.env.checkpoint;
    if (!sink) return;
    const snapshot = structuredClone(this.state);
    const write = this.#checkpointChain.then(() => sink(snapshot));
    this.#checkpointChain = write.catch(() => undefined);
    await write;
  }

  /** One LLM call with the run's limits, the agent's max_rpm, the crew's concurrency, usage and events. */
  async callLlm(site: CallSite, request: Omit<LlmRequest, 'signal' | 'model'>, signal?: AbortSignal): Promise<LlmResponse> {
    this.throwIfCancelled();
    await this.#withinBudget(site);
    await this.#admitCall();
    try {
      return await this.#callLlmAdmitted(site, request, signal);
    } finally {
      this.#callsInFlight -= 1;
      for (const wake of this.#callFinished.splice(0)) wake();
    }
  }

  async #callLlmAdmitted(site: CallSite, request: Omit<LlmRequest, 'signal' | 'model'>, signal?: AbortSignal): Promise<LlmResponse> {
    const role = site.agent.role;
    const model = site.agent.llm;
    const maxRpm = site.agent.maxRpm;
    if (maxRpm) await this.#rpmLimiter(role, maxRpm).acquire(signal ?? this.env.signal);
    this.emit({ type: 'llm_call_started', taskId: site.taskId, agent: role, model });
    let response: LlmResponse;
    try {
      // The step is recorded only once the whole response is in, so a crash mid-stream repeats just this call.
      const onTextDelta = (chunk: string) => this.emit({ type: 'llm_stream_chunk', taskId: site.taskId, agent: role, chunk });
      const onTextRestart = () => this.emit({ type: 'llm_stream_chunk', taskId: site.taskId, agent: role, chunk: '', restart: true });
      response = await this.#llmSlots.run(() =>
        this.env.llm.chat({ ...request, model, signal: signal ?? this.env.signal, onTextDelta, onTextRestart }),
      );
    } catch (caught) {
      const error = withModelSource(caught, model ?? this.env.llm.defaultModel ?? '', () => modelSource(this.spec, site.agent));
      this.emit({ type: 'llm_call_failed', taskId: site.taskId, agent: role, error: errorMessage(error) });
      if (this.env.signal?.aborted) throw new RunCancelledError();
      throw error;
    }
    const cost = (this.env.prices ?? BUILTIN_PRICE_TABLE).costOf(response.model, response.usage.promptTokens, response.usage.completionTokens);
    const usage: Usage = { llmCalls: 1, ...response.usage, ...(cost === undefined ? { unpricedCalls: 1 } : { costUsd: cost }) };
    addUsage(this.state.usage, usage);
    addUsage(usageBucket(this.state.usageByAgent, role), usage);
    addUsage(usageBucket(this.state.usageByTask, site.taskId), usage);
    this.emit({ type: 'llm_call_completed', taskId: site.taskId, agent: role, model: response.model, usage });
    return response;
  }

  /**
   * The answer a person gave at this slot, or (the first time) a new pending request: the state is
   * checkpointed with it and HumanInputRequired stops this branch of work until someone answers.
   */
  async requireHuman(request: DistributiveOmit<HumanRequest, 'id' | 'createdAt'>): Promise<RecordedAnswer> {
    const answered = this.state.answers[request.slot];
    if (answered) return answered;
    let pending = this.state.pending.find((candidate) => candidate.slot === request.slot);
    if (!pending) {
      pending = { ...request, id: randomUUID().slice(0, 8), createdAt: this.now() } as HumanRequest;
      this.state.pending.push(pending);
      this.emit({ type: 'human_input_requested', taskId: request.taskId, agent: request.agent, request: pending });
      await this.checkpoint();
    }
    throw new HumanInputRequired(pending);
  }

  /**
   * Tells the feedback listener once per review round (the mark is checkpointed with the round,
   * so a resumed run does not tell it again); its LLM call is booked to this run.
   */
  noteFeedback(note: Omit<TaskFeedback, 'llm'> & { slot: string }): void {
    const listener = this.env.onFeedback;
    const mark = `feedback/${note.slot}`;
    if (!listener || mark in this.state.decisions) return;
    this.state.decisions[mark] = true;
    const { slot: _slot, ...feedback } = note;
    const work = listener({ ...feedback, llm: this.llmFor(coordinatorSite(note.taskId)) })
      .catch((error: unknown) => process.emitWarning(`learning from feedback on ${note.taskId} failed; the run goes on: ${errorMessage(error)}`))
      .finally(() => this.#sideWork.delete(work));
    this.#sideWork.add(work);
  }

  /** Waits for feedback listeners still working, so their usage is in the run's last checkpoint. */
  async settleSideWork(): Promise<void> {
    if (this.#sideWork.size === 0) return;
    while (this.#sideWork.size > 0) await Promise.allSettled([...this.#sideWork]);
    await this.checkpoint();
  }

  /** The run's LLM as a plain client for one call site, so helpers such as structured output are booked like any call. */
  llmFor(site: CallSite, signal?: AbortSignal): LlmClient {
    return { chat: (request) => this.callLlm(site, request, signal ?? request.signal) };
  }

  /**
   * limits.max_cost_usd: once the run has spent it, the next call waits for a person. Each
   * approval extends the limit by the same amount again; a denial ends the run naming the budget.
   * Answers are kept by slot, so a resumed run passes the extensions already granted.
   */
  async #withinBudget(site: CallSite): Promise<void> {
    const step = this.spec.limits?.maxCostUsd;
    if (step === undefined) return;
    for (let extensions = 0; ; extensions += 1) {
      const limitUsd = step * (extensions + 1);
      const spentUsd = Number((this.state.usage.costUsd ?? 0).toFixed(6));
      if (spentUsd < limitUsd) return;
      const { answer, by } = await this.requireHuman({
        slot: `budget/${extensions}`,
        kind: 'budget',
        taskId: site.taskId,
        agent: site.agent.role,
        spentUsd,
        limitUsd,
        stepUsd: step,
      });
      if (answer.type !== 'approve') {
        throw new RunLimitError(
          `The run reached its budget, limits.max_cost_usd ($${limitUsd.toFixed(2)}, $${spentUsd.toFixed(4)} spent), and ${by.name ?? by.userId} stopped it. Raise max_cost_usd in crew.yaml, or approve the budget request next time.`,
        );
      }
    }
  }

  /**
   * Parallel work must not overshoot the run's limits: calls in flight count against
   * max_llm_calls, and under max_tokens a call starts beside others only while the tokens an
   * average call has used so far still fit (the first call runs alone). A call that cannot start
   * yet waits for one in flight to finish, then the limits are checked again.
   */
  async #admitCall(): Promise<void> {
    for (;;) {
      this.#enforceLimits();
      // Taken in the same step as the check, so concurrent callers cannot all pass it at once.
      if (this.#roomForAnotherCall()) {
        this.#callsInFlight += 1;
        return;
      }
      await new Promise<void>((resolve) => this.#callFinished.push(resolve));
      this.throwIfCancelled();
    }
  }

  #roomForAnotherCall(): boolean {
    const limits = this.spec.limits;
    if (!limits || this.#callsInFlight === 0) return true;
    const { llmCalls, promptTokens, completionTokens } = this.state.usage;
    if (limits.maxLlmCalls !== undefined && llmCalls + this.#callsInFlight >= limits.maxLlmCalls) return false;
    if (limits.maxTokens === undefined) return true;
    const used = promptTokens + completionTokens;
    const perCall = llmCalls > 0 ? used / llmCalls : Number.POSITIVE_INFINITY;
    return used + (this.#callsInFlight + 1) * perCall <= limits.maxTokens;
  }

  #enforceLimits(): void {
    const limits = this.spec.limits;
    if (!limits) return;
    const { llmCalls, promptTokens, completionTokens } = this.state.usage;
    if (limits.maxLlmCalls !== undefined && llmCalls >= limits.maxLlmCalls) {
      throw new RunLimitError(
        `The run reached the crew's limit of ${limits.maxLlmCalls} LLM calls (max_llm_calls). Raise the limit, or simplify the crew.`,
      );
    }
    if (limits.maxTokens !== undefined && promptTokens + completionTokens >= limits.maxTokens) {
      throw new RunLimitError(
        `The run reached the crew's limit of ${limits.maxTokens} tokens (max_tokens) with ${promptTokens + completionTokens} used. Raise the limit, or simplify the crew.`,
      );
    }
  }

  #rpmLimiter(role: string, maxRpm: number): RpmLimiter {
    let limiter = this.#rpmLimiters.get(role);
    if (!limiter) {
      limiter = new RpmLimiter(maxRpm, this.env.rpmClock);
      this.#rpmLimiters.set(role, limiter);
    }
    return limiter;
  }
}
