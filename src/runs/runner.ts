import type { PriceTable } from '../llm/prices.ts';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { describeAnswer } from '../engine/answers.ts';
import { Crew } from '../engine/crew.ts';
import { RunCancelledError, RunStateError, errorMessage } from '../engine/errors.ts';
import type { CrewEvent } from '../engine/events.ts';
import type { RunEnvironment } from '../engine/runContext.ts';
import type { RequestTimeout } from '../engine/spec.ts';
import { allowedAnswers, answerFits, type HumanAnswer, type HumanRequest, type Responder } from '../engine/humanRequest.ts';
import { parseRunState, type RunState } from '../engine/runState.ts';
import { replayFrom } from '../engine/workingMemory.ts';
import type { LlmClient } from '../llm/types.ts';
import type { Redactor, StreamedRedaction } from '../redactor.ts';
import { RunTracing } from '../telemetry/runTracing.ts';
import type { TraceCarrier } from '../telemetry/traceCarrier.ts';
import type { LoadedCrew } from '../crews/loadCrew.ts';
import { applyInbox, postAnswer } from './answerInbox.ts';
import { storedEvent } from './eventLog.ts';
import { EventWriter } from './eventWriter.ts';
import { followUpOffer, type FollowUpRequest } from './followUp.ts';
import { checkInputSizes, DEFAULT_INPUT_LIMITS, type InputLimits } from './inputLimits.ts';
import { pickRequest } from './pendingRequest.ts';
import { RunQueue } from './runQueue.ts';
import { TIMEOUT_RESPONDER, timeoutOutcome } from './requestTimeout.ts';
import { requesterOrLocal, type Actor, type AnswerPolicy } from './answerPolicy.ts';
import { LeaseKeeper } from './leaseKeeper.ts';
import { NotAllowedError, RunBusyError, RunStateConflictError } from './runErrors.ts';
import { FINISHED_STATUSES, type Requester, type RunPatch, type RunRecord, type ThreadRef } from './runRecord.ts';
import { RunNotFoundError, type RunStore } from './runStore.ts';
import type { LearnedLesson, ResultRating, RunLearning } from './runLearning.ts';
import type { TaskFeedback } from '../engine/feedback.ts';

export interface KickoffRequest {
  crew: string;
  inputs: Record<string, string>;
  requester: Requester;
  thread?: ThreadRef | undefined;
  /** Chat platforms deliver twice: the same key never starts a second run. */
  idempotencyKey?: string | undefined;
  /** The run's id, when the caller derives it (a trigger answers a repeated delivery with the first run's id). */
  runId?: string | undefined;
  /** Follows up a completed run of the same crew: its inputs, result and this text are offered to the first task. */
  followUp?: FollowUpRequest | undefined;
}

export interface RunnerOptions {
  store: RunStore;
  llm: LlmClient;
  loadCrew(name: string): Promise<LoadedCrew>;
  /** Identity of this process in leases. */
  owner?: string | undefined;
  leaseTtlMs?: number | undefined;
  answerPolicy?: AnswerPolicy | undefined;
  /**
   * Starts advancing a run somewhere else (a distributed queue); by default the in-process queue.
   * `work` names the piece of work (`kickoff`, `answer-<requestId>`, `takeover-<version>` …), so a
   * queue can make a second enqueue of the same work a no-op.
   */
  schedule?: ((runId: string, work: string, trace?: TraceCarrier) => void | Promise<void>) | undefined;
  /**
   * Arms a request's crew.yaml request_timeout on a durable queue (a BullMQ delayed job that calls
   * `expireRequest`). Without it, a long-running process sweeps for overdue requests instead.
   */
  scheduleTimeout?: ((runId: string, requestId: string, delayMs: number) => Promise<void>) | undefined;
  /** Runs the in-process queue advances at once (CREWBOT_MAX_RUNS). */
  maxConcurrentRuns?: number | undefined;
  /** How the engine waits between a failed task's tries (max_retry_limit); tests give one that does not wait. */
  sleep?: RunEnvironment['sleep'];
  /** Where tasks' output_file paths are written (CREWBOT_OUTPUT_DIR). */
  outputDir?: string | undefined;
  /** Removes secrets from the events surfaces are told about and from this runner's warnings. */
  redactor?: Redactor | undefined;
  /** How long inputs may be (CREWBOT_MAX_INPUT_CHARS, CREWBOT_MAX_TOTAL_INPUT_CHARS). */
  inputLimits?: InputLimits | undefined;
  /** Model prices (CREWBOT_PRICES over the built-in table) for the cost in usage. */
  prices?: PriceTable | undefined;
  /** Lessons and memory offered to new runs, and lessons learned from people's feedback. */
  learning?: RunLearning | undefined;
  /** Spans for runs; by default on the global tracer provider, a no-op unless tracing was started. */
  tracing?: RunTracing | undefined;
}

export type RunListener = (run: RunRecord, event: CrewEvent) => void;

/**
 * What a listener still has to do for a run whose pass has just stopped (its thread's last
 * messages: the result, or the requests for a person). The run is recorded completed, cancelled or
 * waiting only once this settles, so a process that dies first leaves the run `running` for a
 * takeover to finish, instead of a run whose thread was never told.
 */
export type RunSettler = (runId: string) => Promise<void>;

/**
 * A listener that cannot finish its work (a chat API that hangs) holds a run's end no longer than
 * this, or two leases: a thread waits up to a lease for a dead process's claim to post to run out.
 */
const SETTLE_LIMIT_MS = 30_000;

const CANCEL_POLL_MS = 2_000;
const IDEMPOTENCY_TTL_MS = 7 * 24 * 3600_000;
const ANSWER_CLAIM_TTL_MS = 90 * 24 * 3600_000;

/**
 * The runtime of runs: kickoff, advance (one process at a time, under a lease), answer, cancel
 * and replay. Every surface goes through it; the engine below knows nothing of storage or chat.
 */
export class Runner {
  readonly store: RunStore;
  readonly owner: string;
  /** How long a lease on a run lasts unrenewed: what a dead process's claims and jobs are held for too. */
  readonly leaseTtlMs: number;
  readonly #options: RunnerOptions;
  readonly #active = new Map<string, AbortController>();
  readonly #advancing = new Map<string, Promise<RunRecord>>();
  readonly #listeners = new Set<RunListener>();
  readonly #settlers = new Set<RunSettler>();
  readonly #shutdown = new AbortController();
  readonly #again = new Set<string>();
  readonly #queue: RunQueue;
  readonly #tracing: RunTracing;
  /** The trace context each run queued in-process continues (a BullMQ job carries its own). */
  readonly #queuedTrace = new Map<string, TraceCarrier>();

  constructor(options: RunnerOptions) {
    this.#options = options;
    this.store = options.store;
    this.owner = options.owner ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leaseTtlMs = options.leaseTtlMs ?? 30_000;
    this.#tracing = options.tracing ?? new RunTracing({ redact: (text) => options.redactor?.redact(text) ?? text });
    this.#queue = new RunQueue(options.maxConcurrentRuns ?? 8, (runId) => {
      const trace = this.#queuedTrace.get(runId);
      this.#queuedTrace.delete(runId);
      return this.advance(runId, trace).catch((error: unknown) => this.#warn(`run ${runId}: ${errorMessage(error)}`));
    });
  }

  /** `settled`: see RunSettler; the run's owner awaits it before recording that the run ended. */
  subscribe(listener: RunListener, options: { settled?: RunSettler } = {}): () => void {
    const { settled } = options;
    this.#listeners.add(listener);
    if (settled) this.#settlers.add(settled);
    return () => {
      this.#listeners.delete(listener);
      if (settled) this.#settlers.delete(settled);
    };
  }

  /** Throws InputTooLargeError naming the input and the limit; surfaces may ask before they post anything. */
  checkInputs(inputs: Record<string, string>): void {
    checkInputSizes(inputs, this.#options.inputLimits ?? DEFAULT_INPUT_LIMITS);
  }

  /** Creates the run (once per idempotency key) and schedules it. Returns undefined for a duplicate delivery. */
  async kickoff(request: KickoffRequest): Promise<RunRecord | undefined> {
    this.checkInputs(request.inputs);
    const loaded = await this.#options.loadCrew(request.crew);
    // Inputs are checked before anything is stored, so bad input starts nothing.
    const inputs = new Crew(loaded.spec).resolveInputs(request.inputs);
    // Read before the key is claimed, so a follow-up of a run that cannot be followed up keeps nothing.
    const followUp = request.followUp ? await followUpOffer(this.store, loaded.spec.name, request.followUp) : undefined;
    if (request.idempotencyKey && !(await this.store.claimIdempotencyKey(`kickoff:${request.idempotencyKey}`, IDEMPOTENCY_TTL_MS))) {
      return undefined;
    }
    const byPath = request.crew.includes('/') || request.crew.startsWith('.');
    const id = request.runId ?? randomUUID();
    // The root of the run's one trace; its context is kept with the run for every later pass.
    const span = this.#tracing.kickoff(loaded.spec.name, id, request.requester.platform);
    try {
      const run = await this.store.createRun({
        id,
        crew: loaded.spec.name,
        ...(byPath ? { crewDir: loaded.dir } : {}),
        inputs,
        requester: request.requester,
        ...(request.thread ? { thread: request.thread } : {}),
        ...(span.carrier ? { trace: span.carrier } : {}),
        ...(followUp ? { followUpOf: followUp.earlier.id } : {}),
      });
      const offered = await this.#offer(loaded, inputs);
      const first = loaded.spec.tasks[0]?.id;
      if (followUp && first) offered[first] = [followUp.offer, offered[first]].filter(Boolean).join('\n\n');
      // Every run has a checkpoint from the start, so a missing one always means damage, never "new".
      await this.store.saveCheckpoint(run.id, new Crew(loaded.spec).newState(inputs, run.id, offered));
      if (request.thread) await this.store.indexThread(request.thread, run.id);
      await this.#schedule(run.id, 'kickoff', span.carrier);
      span.end();
      return run;
    } catch (error) {
      span.end(error);
      throw error;
    }
  }

  /**
   * Advances a run in this process until it completes, fails, is cancelled or waits for people.
   * When another process holds the run, returns its record as it stands.
   */
  advance(runId: string, trace?: TraceCarrier): Promise<RunRecord> {
    const running = this.#advancing.get(runId);
    if (running) {
      // Something changed (an answer) while a pass is under way: go round once more after it.
      this.#again.add(runId);
      return running;
    }
    const work = (async () => {
      let record = await this.#advanceOnce(runId, trace);
      while (this.#again.delete(runId) && !this.#shutdown.signal.aborted) record = await this.#advanceOnce(runId, undefined);
      return record;
    })().finally(() => this.#advancing.delete(runId));
    this.#advancing.set(runId, work);
    return work;
  }

  /** Records a person's answer to a pending request and schedules the run to continue. */
  async answer(runId: string, input: { requestId?: string | undefined; answer: HumanAnswer; actor: Actor }): Promise<{ run: RunRecord; request: HumanRequest }> {
    const run = await this.#getRun(runId);
    await this.#authorize(run, input.actor, 'answer its requests');
    const pending = await this.waitingRequests(run);
    const request = pickRequest(run, pending, input.requestId);
    if (!answerFits(request.kind, input.answer)) {
      throw new RunStateConflictError(`A ${request.kind} request takes ${allowedAnswers(request.kind)}, not ${input.answer.type}.`);
    }
    const by = { userId: input.actor.userId, ...(input.actor.name ? { name: input.actor.name } : {}) };
    if (!(await this.#recordAnswer(run, request, input.answer, by, false))) {
      throw new RunStateConflictError(`Request ${request.id} was already answered.`);
    }
    return { run: (await this.store.getRun(runId)) ?? run, request };
  }

  /**
   * What the run waits for. A request is in the checkpoint as soon as it is asked, a moment before
   * the pass ends and the run record lists it; a quick click in that moment must still count.
   */
  async waitingRequests(run: RunRecord): Promise<HumanRequest[]> {
    const recorded = run.pending as HumanRequest[];
    if (FINISHED_STATUSES.includes(run.status)) return recorded;
    let checkpointed: HumanRequest[] = [];
    try {
      const raw = await this.store.getCheckpoint(run.id);
      if (raw !== undefined) checkpointed = parseRunState(raw).pending;
    } catch {
      // A damaged checkpoint fails the run when it is advanced; here the record alone decides.
    }
    return [...recorded, ...checkpointed.filter((request) => !recorded.some((known) => known.id === request.id))];
  }

  /**
   * Applies crew.yaml request_timeout: requests nobody answered in time get the crew's default
   * outcome. Suspended runs hold no timers; a long-running process sweeps now and then.
   */
  async expireOverdueRequests(now: number = Date.now()): Promise<number> {
    let expired = 0;
    await this.#eachWaitingRequest(async (run, request, timeout) => {
      if (await this.#expire(run, request, timeout, now)) expired += 1;
    });
    return expired;
  }

  /** A request's delayed timeout job came due: it gets the crew's default outcome unless someone answered first. */
  async expireRequest(runId: string, requestId: string, now: number = Date.now()): Promise<boolean> {
    const run = await this.store.getRun(runId);
    if (!run || FINISHED_STATUSES.includes(run.status)) return false;
    const request = (await this.waitingRequests(run)).find((candidate) => candidate.id === requestId);
    const timeout = request && (await this.#loadFor(run)).spec.requestTimeout;
    return timeout ? this.#expire(run, request, timeout, now) : false;
  }

  /** Arms the timeout of every request waiting now: a worker starting catches up on runs suspended without one. */
  async scheduleRequestTimeouts(now: number = Date.now()): Promise<void> {
    if (!this.#options.scheduleTimeout) return;
    await this.#eachWaitingRequest((run, request, timeout) => this.#scheduleTimeout(run.id, request, timeout, now));
  }

  async #eachWaitingRequest(visit: (run: RunRecord, request: HumanRequest, timeout: RequestTimeout) => Promise<void>): Promise<void> {
    const crews = new Map<string, Promise<LoadedCrew | undefined>>();
    for (const run of await this.store.listRuns({ status: ['awaiting_input'], limit: 100_000 })) {
      const source = run.crewDir ?? run.crew;
      if (!crews.has(source)) crews.set(source, this.#loadFor(run).catch(() => undefined));
      const timeout = (await crews.get(source))?.spec.requestTimeout;
      if (!timeout) continue;
      for (const request of run.pending as HumanRequest[]) await visit(run, request, timeout);
    }
  }

  async #expire(run: RunRecord, request: HumanRequest, timeout: RequestTimeout, now: number): Promise<boolean> {
    if (now - request.createdAt < timeout.afterMs) return false;
    const answer = timeoutOutcome(request.kind, timeout);
    return answer !== undefined && (await this.#recordAnswer(run, request, answer, TIMEOUT_RESPONDER, true));
  }

  async #scheduleTimeout(runId: string, request: HumanRequest, timeout: RequestTimeout | undefined, now: number): Promise<void> {
    if (!this.#options.scheduleTimeout || !timeout || !timeoutOutcome(request.kind, timeout)) return;
    await this.#options.scheduleTimeout(runId, request.id, Math.max(0, request.createdAt + timeout.afterMs - now));
  }

  /** Sweeps for overdue requests every `intervalMs` until the returned function is called. */
  startTimeoutSweep(intervalMs = 60_000): () => void {
    const timer = setInterval(() => {
      this.expireOverdueRequests().catch((error: unknown) => this.#warn(`request timeout sweep: ${errorMessage(error)}`));
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Exactly once per request (claimed atomically across processes): post the answer, log it, wake the run. */
  async #recordAnswer(run: RunRecord, request: HumanRequest, answer: HumanAnswer, by: Responder, timedOut: boolean): Promise<boolean> {
    if (!(await this.store.claimIdempotencyKey(`answer:${run.id}:${request.id}`, ANSWER_CLAIM_TTL_MS))) return false;
    const at = Date.now();
    await postAnswer(this.store, run.id, { requestId: request.id, answer, by, at, ...(timedOut ? { timedOut } : {}) });
    const received: CrewEvent = {
      type: 'human_input_received',
      runId: run.id,
      at,
      taskId: request.taskId,
      requestId: request.id,
      kind: request.kind,
      answer: describeAnswer(answer),
      by: by.name ?? by.userId,
    };
    await this.store.appendEvent(run.id, received);
    const current = (await this.store.getRun(run.id)) ?? run;
    this.#notify(current, received);
    if (current.status === 'awaiting_input') {
      await this.store.updateRun(run.id, { status: 'queued', pending: (current.pending as HumanRequest[]).filter((p) => p.id !== request.id) });
    }
    const trace = this.#tracing.answered(current, request, by, received.answer, timedOut, at);
    await this.#schedule(run.id, `answer-${request.id}`, trace);
    return true;
  }

  /**
   * A 👍 or 👎 on a completed run's result, by someone who may answer the run. A 👎's reason may
   * become a lesson, which the run's thread is told about.
   */
  async rateResult(runId: string, input: { rating: ResultRating['rating']; reason?: string | undefined; actor: Actor }): Promise<LearnedLesson | undefined> {
    const run = await this.#getRun(runId);
    await this.#authorize(run, input.actor, 'rate its result');
    if (run.status !== 'completed') throw new RunStateConflictError(`Run ${runId} is ${run.status.replace('_', ' ')}; only a completed run's result can be rated.`);
    const learning = this.#options.learning;
    if (!learning) return undefined;
    const lesson = await learning.rateResult(await this.#loadFor(run), run, { rating: input.rating, reason: input.reason, by: input.actor, at: Date.now() });
    if (lesson) await this.#tellLesson(run, lesson);
    return lesson;
  }

  /** Forgets a lesson learned in this run, for someone who may answer the run. False when there is no such lesson. */
  async forgetLesson(runId: string, lessonId: string, actor: Actor): Promise<boolean> {
    const run = await this.#getRun(runId);
    await this.#authorize(run, actor, 'forget what it learned');
    const learning = this.#options.learning;
    return learning ? learning.forgetLesson(await this.#loadFor(run), lessonId, actor) : false;
  }

  async #tellLesson(run: RunRecord, lesson: LearnedLesson): Promise<void> {
    const event: CrewEvent = { type: 'lesson_learned', runId: run.id, at: Date.now(), taskId: lesson.taskId, lessonId: lesson.id, lesson: lesson.text };
    await this.store.appendEvent(run.id, event);
    this.#notify(run, event);
  }

  /** Stops a run at its next step; an LLM call in flight here is aborted. */
  async cancel(runId: string, actor: Actor): Promise<RunRecord> {
    const run = await this.#getRun(runId);
    await this.#authorize(run, actor, 'cancel it');
    if (FINISHED_STATUSES.includes(run.status)) {
      throw new RunStateConflictError(`Run ${runId} is already ${run.status}.`);
    }
    const by = actor.name ?? actor.userId;
    const pending = await this.waitingRequests(run);
    const cancelled = await this.store.updateRun(runId, { status: 'cancelled', pending: [], error: `cancelled by ${by}` });
    this.#active.get(runId)?.abort();
    const event: CrewEvent = { type: 'crew_cancelled', runId, at: Date.now(), crew: run.crew, by, pending };
    await this.store.appendEvent(runId, event);
    this.#notify(cancelled, event);
    return cancelled;
  }

  /** Runs again from a task: outputs of the tasks before it are kept by id, it and everything after run anew. */
  async replay(runId: string, fromTaskId: string, actor: Actor): Promise<RunRecord> {
    const run = await this.#getRun(runId);
    await this.#authorize(run, actor, 'replay it');
    const lease = await this.#lease(runId, true);
    try {
      const loaded = await this.#loadFor(run);
      const ids = loaded.spec.tasks.map((task) => task.id);
      if (!ids.includes(fromTaskId)) throw new RunStateConflictError(`Crew ${run.crew} has no task "${fromTaskId}". Its tasks: ${ids.join(', ')}.`);
      const raw = await this.store.getCheckpoint(runId);
      const state = raw === undefined ? new Crew(loaded.spec).newState(run.inputs, runId) : parseRunState(raw);
      replayFrom(state, ids, fromTaskId);
      await lease.fenced(this.store.saveCheckpoint(runId, state, lease.fence));
      return await lease.fenced(this.store.updateRun(runId, { status: 'queued', pending: state.pending, error: undefined, finishedAt: undefined }, lease.fence));
    } finally {
      await lease.stop();
      await this.#schedule(runId, `replay-${fromTaskId}-${Date.now()}`);
    }
  }

  /**
   * Runs left `running` by a process that died (its lease expired) are taken over here. With
   * `queued` (the default) so are runs left queued: with the in-process queue nobody else would
   * advance them; a durable queue (BullMQ) still holds their jobs, so workers pass false.
   */
  async recover(options: { queued?: boolean } = {}): Promise<string[]> {
    const running = await this.store.findExpiredRunning();
    const queued = options.queued === false ? [] : await this.store.listRuns({ status: ['queued'], limit: 100_000 });
    const unleased = await Promise.all(queued.map(async (run) => ((await this.store.leaseHolder(run.id)) ? undefined : run)));
    const orphans = [...running, ...unleased.filter((run): run is RunRecord => run !== undefined)];
    for (const run of orphans) await this.#schedule(run.id, `takeover-${run.version}`);
    return orphans.map((run) => run.id);
  }

  /**
   * Leaving (Ctrl-C, a deploy): runs advancing here stop at their next step, keep status
   * `running` and release their leases, so the next start (here or elsewhere) takes them over at once.
   */
  async shutdown(): Promise<void> {
    this.#shutdown.abort();
    await this.idle();
  }

  /** Resolves once no run is advancing in this process. */
  async idle(): Promise<void> {
    while (this.#advancing.size > 0 || this.#queue.size > 0) {
      await Promise.allSettled([...this.#advancing.values(), this.#queue.drained()]);
    }
  }

  /** Has the run advanced wherever runs advance (the queue, or here): `crewbot resume` of a run left running. */
  async enqueue(runId: string, work: string): Promise<void> {
    await this.#schedule(runId, work);
  }

  async #schedule(runId: string, work: string, trace?: TraceCarrier): Promise<void> {
    if (this.#shutdown.signal.aborted) return;
    if (this.#options.schedule) return void (await this.#options.schedule(runId, work, trace));
    if (trace) this.#queuedTrace.set(runId, trace);
    this.#queue.enqueue(runId);
  }

  async #advanceOnce(runId: string, trace: TraceCarrier | undefined): Promise<RunRecord> {
    const lease = await this.#leaseForQueuedRun(runId);
    if (!lease) return this.#getRun(runId);
    const cancel = new AbortController();
    this.#active.set(runId, cancel);
    // Every write below belongs to the run's owner: it lands only while this grant is live.
    const { fence } = lease;
    let latest: RunRecord | undefined;
    const update = async (patch: RunPatch) => (latest = await lease.fenced(this.store.updateRun(runId, patch, fence)));
    try {
      let run = await this.#getRun(runId);
      if (FINISHED_STATUSES.includes(run.status)) return run;
      const loaded = await this.#loadFor(run);
      const crew = new Crew(loaded.spec);
      let state: RunState;
      try {
        const raw = await this.store.getCheckpoint(runId);
        if (raw === undefined && (run.status !== 'queued' || run.usage.llmCalls > 0)) {
          throw new RunStateError(`Run ${runId} has done work but its checkpoint is missing; replay it from its first task rather than pay for that work twice unseen.`);
        }
        // Only a run whose process stopped between creating it and its first checkpoint starts fresh.
        state = raw === undefined ? crew.newState(run.inputs, runId) : parseRunState(raw);
      } catch (error) {
        // Never restart silently from scratch: the run fails and says why.
        return await update({ status: 'failed', error: errorMessage(error), finishedAt: Date.now() });
      }
      run = await update({ status: 'running', error: undefined });
      const spans = this.#tracing.pass(run, trace);
      const events = new EventWriter(
        (event) => lease.fenced(this.store.appendEvent(runId, storedEvent(event), fence)),
        runId,
        // A fenced-out pass says nothing more to listeners (chat threads): the new owner speaks now.
        (event) => lease.lost || (spans.event(event), this.#notify(run, event)),
      );
      const signal = AbortSignal.any([cancel.signal, lease.signal, this.#shutdown.signal]);
      // A cancel from another process also aborts an LLM call in flight here, not only the next step.
      const watch = setInterval(() => void this.#stopIfCancelledElsewhere(runId, cancel).catch(() => undefined), CANCEL_POLL_MS);
      watch.unref();
      signal.addEventListener('abort', () => clearInterval(watch), { once: true });
      try {
        for (;;) {
          await applyInbox(this.store, state);
          const output = await crew.run(state, {
            llm: this.#options.llm,
            outputDir: this.#options.outputDir,
            prices: this.#options.prices,
            signal,
            // Leaving (Ctrl-C, a drain) is no end: the run is saved and goes on, so nobody is told it was cancelled.
            onEvent: (event) => (event.type === 'crew_kickoff_failed' && this.#shutdown.signal.aborted ? undefined : events.write(event)),
            onTaskCompleted: (task) => lease.fenced(this.store.saveTaskOutput(runId, task.taskId, task, fence)),
            checkpoint: (snapshot) => lease.fenced(this.store.saveCheckpoint(runId, snapshot, fence)),
            sleep: this.#options.sleep,
            onFeedback: this.#options.learning ? (feedback) => this.#learn(loaded, run, feedback, events) : undefined,
          });
          if (output.status === 'completed') {
            await events.flush();
            // Its thread is told first (RunSettler). A failure is recorded at once: a takeover would try the failed task again.
            await this.#settled(runId);
            return await update({ status: 'completed', pending: [], usage: state.usage, finishedAt: Date.now() });
          }
          // Answers that arrived while this pass ran are applied now rather than left waiting.
          if ((await applyInbox(this.store, state)) === 0) {
            await lease.fenced(this.store.saveCheckpoint(runId, state, fence));
            await events.flush();
            // Its requests are in the thread before the run is recorded waiting for a person (RunSettler).
            await this.#settled(runId);
            const waiting = await update({ status: 'awaiting_input', pending: state.pending, usage: state.usage });
            // An answer posted while the status changed would otherwise wait for nobody.
            if ((await applyInbox(this.store, state)) === 0) {
              for (const request of state.pending) await this.#scheduleTimeout(runId, request, loaded.spec.requestTimeout, Date.now());
              return waiting;
            }
            run = await update({ status: 'running', pending: state.pending });
          }
        }
      } catch (error) {
        await events.flush();
        // Another process owns the run now, or this one is leaving: the run stays resumable as it is.
        if (lease.lost) return await this.#getRun(runId);
        try {
          // Leaving keeps what the pass spent in the record (listings show it), as the owner, fenced.
          if (this.#shutdown.signal.aborted) return await update({ usage: state.usage });
          if (error instanceof RunCancelledError) {
            await this.#settled(runId);
            return await update({ status: 'cancelled', pending: [], usage: state.usage, finishedAt: Date.now() });
          }
          return await update({ status: 'failed', error: errorMessage(error), usage: state.usage, finishedAt: Date.now() });
        } catch (writeError) {
          if (lease.lost) return await this.#getRun(runId);
          throw writeError;
        }
      } finally {
        // A pass cut short (drain, lost lease) ends as the record last stood: the run goes on elsewhere.
        spans.end(latest?.status ?? 'running', latest?.status === 'failed' ? (latest.error ?? '') : undefined);
      }
    } finally {
      cancel.abort(); // stops the cancel watch; the run is over here either way
      this.#active.delete(runId);
      await lease.stop();
    }
  }

  /**
   * Another process may be finishing a pass over this run as an answer arrives; it releases the
   * lease in a moment. A queued run keeps trying for up to a lease period so the answer is not stranded.
   */
  async #leaseForQueuedRun(runId: string): Promise<LeaseKeeper | undefined> {
    const ttlMs = this.leaseTtlMs;
    const deadline = Date.now() + ttlMs;
    for (let wait = 25; ; wait = Math.min(wait * 2, 1_000)) {
      const lease = await LeaseKeeper.acquire({ store: this.store, runId, owner: this.owner, ttlMs });
      if (lease) return lease;
      const run = await this.store.getRun(runId);
      if (run?.status !== 'queued' || Date.now() + wait > deadline || this.#shutdown.signal.aborted) return undefined;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  async #stopIfCancelledElsewhere(runId: string, cancel: AbortController): Promise<void> {
    const run = await this.store.getRun(runId);
    if (run?.status === 'cancelled') cancel.abort();
  }

  async #lease(runId: string, required: boolean): Promise<LeaseKeeper> {
    const lease = await LeaseKeeper.acquire({ store: this.store, runId, owner: this.owner, ttlMs: this.leaseTtlMs });
    if (!lease && required) throw new RunBusyError(runId, await this.store.leaseHolder(runId));
    return lease!;
  }

  /** What a new run's tasks are offered; a failure here never stops a kickoff: the run starts without it. */
  async #offer(loaded: LoadedCrew, inputs: Record<string, string>): Promise<Record<string, string>> {
    if (!this.#options.learning) return {};
    try {
      return await this.#options.learning.offerFor(loaded, inputs);
    } catch (error) {
      this.#warn(`lessons and memory for a run of ${loaded.spec.name} could not be read; it starts without them: ${errorMessage(error)}`);
      return {};
    }
  }

  async #learn(loaded: LoadedCrew, run: RunRecord, feedback: TaskFeedback, events: EventWriter): Promise<void> {
    const lesson = await this.#options.learning?.learnFromFeedback(loaded, run, feedback);
    if (!lesson) return;
    events.write({ type: 'lesson_learned', runId: run.id, at: Date.now(), taskId: lesson.taskId, lessonId: lesson.id, lesson: lesson.text });
  }

  #loadFor(run: RunRecord): Promise<LoadedCrew> {
    return this.#options.loadCrew(run.crewDir ?? run.crew);
  }

  async #getRun(runId: string): Promise<RunRecord> {
    const run = await this.store.getRun(runId);
    if (!run) throw new RunNotFoundError(runId);
    return run;
  }

  async #authorize(run: RunRecord, actor: Actor, what: string): Promise<void> {
    const policy = this.#options.answerPolicy ?? requesterOrLocal;
    if (!(await policy(run, actor))) {
      throw new NotAllowedError(`${actor.name ?? actor.userId} is not allowed to ${what}: only the person who started the run and the crew's approvers may.`);
    }
  }

  /** Waits (within SETTLE_LIMIT_MS) for listeners to finish their work for a run that ended here. */
  async #settled(runId: string): Promise<void> {
    if (this.#settlers.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const limitMs = Math.max(SETTLE_LIMIT_MS, 2 * this.leaseTtlMs);
    const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, limitMs)));
    try {
      await Promise.race([Promise.allSettled([...this.#settlers].map((settled) => settled(runId))), limit]);
    } finally {
      clearTimeout(timer);
    }
  }

  #notify(run: RunRecord, event: CrewEvent): void {
    if (this.#listeners.size === 0) return;
    const redactor = this.#options.redactor;
    if (redactor && (event.type === 'llm_stream_chunk' || event.type === 'llm_call_completed' || event.type === 'llm_call_failed')) {
      // Streamed text is redacted as a stream: a secret the model writes across two pieces is caught too.
      const key = `${run.id}\u0000${event.taskId ?? ''}\u0000${event.agent ?? ''}`;
      if (event.type === 'llm_stream_chunk') {
        // A call made again starts its text afresh: what was held of the void text is dropped.
        const stream = (!event.restart && this.#streamRedactions.get(key)) || redactor.streamed();
        this.#streamRedactions.set(key, stream);
        if (event.restart) {
          this.#tell(run, event);
          return;
        }
        const chunk = stream.push(event.chunk);
        if (chunk !== '') this.#tell(run, { ...event, chunk });
        return;
      }
      const rest = this.#streamRedactions.get(key)?.end();
      this.#streamRedactions.delete(key);
      if (rest && event.taskId !== undefined && event.agent !== undefined) {
        this.#tell(run, { type: 'llm_stream_chunk', runId: event.runId, at: event.at, taskId: event.taskId, agent: event.agent, chunk: rest });
      }
    }
    this.#tell(run, redactor?.redactValue(event) ?? event);
  }

  #tell(run: RunRecord, shown: CrewEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(run, shown);
      } catch (error) {
        this.#warn(`run listener failed: ${errorMessage(error)}`);
      }
    }
  }

  /** Streamed answers being redacted, per run, task and agent, until their call completes. */
  readonly #streamRedactions = new Map<string, StreamedRedaction>();

  #warn(text: string): void {
    process.emitWarning(this.#options.redactor?.redact(text) ?? text);
  }
}

