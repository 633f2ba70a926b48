import { createHash } from 'node:crypto';
import { readEventLog } from '../runs/eventLog.ts';
import { z } from 'zod';
import { errorMessage } from '../engine/errors.ts';
import type { CrewEvent } from '../engine/events.ts';
import type { HumanRequest } from '../engine/humanRequest.ts';
import type { Usage } from '../engine/output.ts';
import type { LoadedCrew } from '../crews/loadCrew.ts';
import type { Runner } from '../runs/runner.ts';
import type { RunRecord, ThreadRef } from '../runs/runRecord.ts';
import { applyEvent, initialProgress, withToolFailures, type ProgressView } from './progressView.ts';
import type { LiveThread, MessageRef, PlanTask, ThreadPort } from './threadPort.ts';

/** What is kept in the store about a run's thread, so another process (or a restart) edits the same messages. */
export const ThreadStateSchema = z.object({
  status: z.object({ id: z.string() }).optional(),
  requests: z.record(z.string(), z.object({ id: z.string() })).default({}),
  /** A message being streamed, until it is finished: a process that stops before then leaves it to the next. */
  stream: z.object({ id: z.string() }).optional(),
  /**
   * Messages posted once each (task outputs, requests, the result, its rating, a failure notice),
   * by key, so the process that takes a run over posts what a dead one did not, and nothing it did.
   * Absent in threads kept before it was: what their log held then counts as told.
   */
  told: z.array(z.string()).optional(),
});
type ThreadState = z.infer<typeof ThreadStateSchema>;

/** How often a process waiting on another's claim to post a thread message looks again. */
const CLAIM_POLL_MS = 500;

interface Tracked {
  run: RunRecord;
  thread: ThreadRef;
  view: ProgressView;
  state: ThreadState;
  verbose: boolean;
  /** The crew and its main input, for platforms that title threads. */
  title: string;
  /** The run's plan streamed live, where the platform streams; the status message then only heads the thread. */
  live?: LiveThread | undefined;
  /** Edits and posts for one thread go out one after another, in order. */
  chain: Promise<void>;
  statusTimer?: NodeJS.Timeout | undefined;
  statusDirty: boolean;
  lastStatusAt: number;
  /** The plan as the status message last showed it (run status, each task's mark and agent). */
  sentPlan?: string | undefined;
}

export interface ThreadReporterOptions {
  runner: Runner;
  port: ThreadPort;
  loadCrew(run: RunRecord): Promise<LoadedCrew>;
  /** At most one status edit per thread in this many ms (Slack and Discord both limit edits). */
  statusEveryMs?: number | undefined;
  onError?: ((error: unknown) => void) | undefined;
}

/**
 * Renders runs into their threads on one platform: the status message edited in place
 * (coalesced), task outputs for verbose crews, the final result, and human requests with their
 * actions, closed once answered. Platform details live behind the ThreadPort.
 */
export class ThreadReporter {
  readonly #options: ThreadReporterOptions;
  readonly #tracked = new Map<string, Promise<Tracked | undefined>>();

  constructor(options: ThreadReporterOptions) {
    this.#options = options;
  }

  start(): () => void {
    return this.#options.runner.subscribe(
      (run, event) => {
        if (run.thread?.platform !== this.#options.port.platform) return;
        void this.#handle(run, event);
      },
      // A run is recorded as ended only once its thread has been told: a process that dies first leaves it to a takeover.
      { settled: (runId) => this.settled(runId) },
    );
  }

  /** Resolves once everything queued for the run's thread has been sent (at once for a run not reported here). */
  async settled(runId: string): Promise<void> {
    const tracked = await this.#tracked.get(runId);
    if (tracked) await this.#drained(tracked);
  }

  /** Resolves once every post and edit queued so far has been sent. */
  async flush(): Promise<void> {
    for (const pending of this.#tracked.values()) {
      const tracked = await pending;
      if (tracked) await this.#drained(tracked);
    }
  }

  /** A pending status edit goes out now, then everything queued for the thread (work queued meanwhile too) is sent. */
  async #drained(tracked: Tracked): Promise<void> {
    if (tracked.statusDirty) this.#sendStatusNow(tracked);
    for (let chain = tracked.chain; ; chain = tracked.chain) {
      await chain;
      if (chain === tracked.chain) return;
    }
  }

  async #handle(run: RunRecord, event: CrewEvent): Promise<void> {
    const tracked = await this.#track(run);
    if (!tracked) return;
    tracked.run = { ...tracked.run, status: statusAfter(event, tracked.run.status) };
    tracked.view = applyEvent(tracked.view, event);
    tracked.live?.push(event);
    const { port } = this.#options;
    const thread = tracked.thread;
    // The status message heads the thread: it goes out before anything else is posted there.
    if (!tracked.state.status && tracked.lastStatusAt === 0) this.#sendStatusNow(tracked, { status: true });
    switch (event.type) {
      case 'crew_kickoff_started':
        if (!event.resumed && port.setTitle) this.#enqueue(tracked, () => port.setTitle!(thread, tracked.title));
        break;
      case 'task_completed':
        // A live plan shows each output's first lines and streamed it whole as it was written.
        if (tracked.verbose && !tracked.live) this.#postOutput(tracked, event);
        break;
      case 'human_input_requested':
        this.#endLive(tracked);
        this.#postRequest(tracked, event.request);
        break;
      case 'human_input_received':
        this.#enqueue(tracked, async () => {
          const message = tracked.state.requests[event.requestId];
          const answered = { requestId: event.requestId, kind: event.kind, taskId: event.taskId, by: event.by, answer: event.answer };
          if (message) await port.closeRequest(thread, message, answered);
        });
        break;
      case 'crew_kickoff_completed':
        this.#endLive(tracked);
        this.#sendStatusNow(tracked, { status: true });
        {
          // Keyed by what the run ended with: a takeover that ends the run again says it once.
          const ending = endingKey(event.output, event.usage);
          // The result says when tools failed on the way, not only the status above it.
          this.#once(tracked, `result:${ending}`, () => port.postOutput(thread, { title: withToolFailures(event.crew, tracked.view), markdown: event.output, final: true }));
          if (port.postRating) this.#once(tracked, `rating:${ending}`, () => port.postRating!(thread, event.runId));
        }
        this.#enqueue(tracked, () => port.setActivity?.(thread, undefined) ?? Promise.resolve());
        return;
      case 'lesson_learned': {
        const lesson = { runId: event.runId, lessonId: event.lessonId, text: event.lesson };
        this.#enqueue(tracked, () => port.postLesson?.(thread, lesson) ?? port.postNotice(thread, `crewbot will remember: ${lesson.text}`));
        return;
      }
      case 'crew_kickoff_failed':
        this.#endLive(tracked);
        this.#sendStatusNow(tracked, { status: true });
        // A cancellation is told once, by whoever cancelled (crew_cancelled), not again by the process that stopped.
        if (!event.cancelled) this.#once(tracked, `stopped:${endingKey(event.error, event.usage)}`, () => port.postNotice(thread, `The run stopped: ${event.error}`));
        this.#enqueue(tracked, () => port.setActivity?.(thread, undefined) ?? Promise.resolve());
        return;
      case 'crew_cancelled':
        this.#endLive(tracked);
        this.#sendStatusNow(tracked, { status: true });
        for (const request of event.pending) {
          this.#enqueue(tracked, async () => {
            const message = tracked.state.requests[request.id];
            const answered = { requestId: request.id, kind: request.kind, taskId: request.taskId, by: event.by, answer: 'cancelled the run' };
            if (message) await port.closeRequest(thread, message, answered);
          });
        }
        this.#enqueue(tracked, () => port.postNotice(thread, `${event.by} cancelled the run.`));
        this.#enqueue(tracked, () => port.setActivity?.(thread, undefined) ?? Promise.resolve());
        return;
      case 'crew_suspended':
        this.#endLive(tracked);
        this.#sendStatusNow(tracked, { status: true });
        this.#enqueue(tracked, () => port.setActivity?.(thread, undefined) ?? Promise.resolve());
        return;
      case 'llm_stream_chunk':
        // Streamed text changes nothing the status message shows; a live plan streams it, paced like every update.
        if (tracked.live) this.#scheduleStatus(tracked);
        return;
      default:
        break;
    }
    if (event.type === 'tool_usage_started' || event.type === 'agent_execution_started') {
      const step = tracked.view.step;
      this.#enqueue(tracked, () => port.setActivity?.(thread, step) ?? Promise.resolve());
    }
    this.#scheduleStatus(tracked);
  }

  #track(run: RunRecord): Promise<Tracked | undefined> {
    let tracked = this.#tracked.get(run.id);
    if (!tracked) {
      tracked = this.#load(run).catch((error: unknown) => {
        this.#report(error);
        return undefined;
      });
      this.#tracked.set(run.id, tracked);
    }
    return tracked;
  }

  /** A run first seen here (a new run, or one resumed after a restart): its view is rebuilt from the event log. */
  async #load(run: RunRecord): Promise<Tracked> {
    const { runner, loadCrew } = this.#options;
    const [loaded, saved, events] = await Promise.all([
      loadCrew(run),
      runner.store.getThreadState(run.id),
      readEventLog(runner.store, run.id),
    ]);
    let view = initialProgress(loaded.spec.name, loaded.spec.tasks.map((task) => task.id), run.createdAt);
    for (const event of events) view = applyEvent(view, event as CrewEvent);
    const parsed = ThreadStateSchema.safeParse(saved ?? {});
    const state: ThreadState = parsed.success ? parsed.data : { requests: {} };
    // A thread from before messages were keyed: what its log holds so far counts as told.
    state.told ??= saved === undefined ? [] : events.flatMap((event) => (event.type === 'task_completed' ? [outputKey(event)] : event.type === 'human_input_requested' ? [requestKey(event.request)] : []));
    const tracked: Tracked = {
      run,
      thread: run.thread!,
      view,
      state,
      verbose: loaded.spec.verbose ?? false,
      title: threadTitle(run, Object.keys(loaded.spec.inputs ?? {})[0]),
      chain: Promise.resolve(),
      statusDirty: false,
      lastStatusAt: 0,
    };
    const { port } = this.#options;
    const leftOpen = tracked.state.stream;
    if (leftOpen && port.finishLeftOpen) {
      // An earlier process stopped while streaming: finish its message first, so nothing stays "typing".
      delete tracked.state.stream;
      this.#enqueue(tracked, async () => {
        await port.finishLeftOpen!(tracked.thread, leftOpen);
        await this.#save(tracked);
      });
    }
    const agents = new Map(loaded.spec.agents.map((agent) => [agent.id, agent.role]));
    const tasks: PlanTask[] = loaded.spec.tasks.map((task) => ({ id: task.id, agent: task.agent ? agents.get(task.agent) : undefined }));
    tracked.live = await port.openLive?.(tracked.thread, run, tasks, {
      streaming: async (message) => {
        tracked.state.stream = message;
        await this.#save(tracked);
      },
    });
    for (const event of events) tracked.live?.push(event as CrewEvent, true);
    // What an earlier process logged but died before posting (a run taken over) goes out first:
    // outputs of a verbose crew, and requests still waiting for a person.
    if (tracked.verbose && !tracked.live) {
      for (const event of events) if (event.type === 'task_completed' && !state.told.includes(outputKey(event))) this.#postOutput(tracked, event);
    }
    for (const request of stillWaiting(events)) if (!state.requests[request.id] && !state.told.includes(requestKey(request))) this.#postRequest(tracked, request);
    return tracked;
  }

  #postRequest(tracked: Tracked, request: HumanRequest): void {
    this.#once(tracked, requestKey(request), async () => {
      if (!tracked.state.requests[request.id]) tracked.state.requests[request.id] = await this.#options.port.postRequest(tracked.thread, request, tracked.run);
    });
  }

  #postOutput(tracked: Tracked, event: Extract<CrewEvent, { type: 'task_completed' }>): void {
    const output = { title: `${event.taskId} — ${event.output.agent}`, markdown: event.output.raw, final: false };
    this.#once(tracked, outputKey(event), () => this.#options.port.postOutput(tracked.thread, output));
  }

  /**
   * Posts a message at most once across processes (a claim in the store) and keeps its key with the
   * thread once it is out, so a process that takes the run over posts it only if it never went out.
   */
  #once(tracked: Tracked, key: string, post: () => Promise<void>): void {
    this.#enqueue(tracked, async () => {
      const { store } = this.#options.runner;
      // Held as long as a run lease: the process that takes over a dead one's run waits out at most that.
      const ttlMs = this.#options.runner.leaseTtlMs;
      const told = (tracked.state.told ??= []);
      // Another process holds the claim: it posts, or it died and its claim runs out; either way this one waits to see.
      for (let waited = 0; !told.includes(key); waited += CLAIM_POLL_MS) {
        if (await store.claimIdempotencyKey(`thread-told:${tracked.run.id}:${key}`, ttlMs)) {
          await post();
          told.push(key);
          await this.#save(tracked);
          return;
        }
        if (waited > ttlMs) throw new Error(`the thread message ${key} of run ${tracked.run.id} stayed claimed by another process for ${ttlMs} ms; it was not posted from here`);
        await new Promise((resolve) => setTimeout(resolve, CLAIM_POLL_MS));
        const stored = ThreadStateSchema.safeParse((await store.getThreadState(tracked.run.id)) ?? {});
        if (stored.success && stored.data.told?.includes(key)) told.push(key);
      }
    });
  }

  #scheduleStatus(tracked: Tracked): void {
    tracked.statusDirty = true;
    if (tracked.statusTimer) return;
    const every = this.#options.statusEveryMs ?? 1_000;
    const wait = Math.max(0, tracked.lastStatusAt + every - Date.now());
    tracked.statusTimer = setTimeout(() => this.#sendStatusNow(tracked), wait);
    tracked.statusTimer.unref();
  }

  /** Progress goes out now: the live plan's changes, or else (or with `status`) the status message. */
  #sendStatusNow(tracked: Tracked, options: { status?: boolean } = {}): void {
    clearTimeout(tracked.statusTimer);
    tracked.statusTimer = undefined;
    tracked.statusDirty = false;
    tracked.lastStatusAt = Date.now();
    const { live } = tracked;
    if (live && !options.status) {
      this.#enqueue(tracked, async () => {
        if (tracked.live !== live) return;
        // One edit per turn: a changed plan in the status message goes first, the live text waits a turn.
        if (this.#options.port.statusShowsPlan && planOf(tracked) !== tracked.sentPlan) await this.#sendStatus(tracked);
        else if (!(await live.flush())) {
          // The platform refused to stream here: the status message shows progress from now on.
          tracked.live = undefined;
          await this.#sendStatus(tracked);
          return;
        }
        if (live.pending) this.#scheduleStatus(tracked);
      });
      return;
    }
    this.#enqueue(tracked, () => this.#sendStatus(tracked));
  }

  /** Before a request for a person and at the end: the streamed message is finished, so the thread reads in order. */
  #endLive(tracked: Tracked): void {
    const { live } = tracked;
    if (!live) return;
    clearTimeout(tracked.statusTimer);
    tracked.statusTimer = undefined;
    tracked.statusDirty = false;
    this.#enqueue(tracked, () => live.close());
  }

  async #sendStatus(tracked: Tracked): Promise<void> {
    const { port } = this.#options;
    // The view as it is when the edit goes out, so a coalesced edit shows the latest state.
    const status = { run: tracked.run, view: tracked.view, live: tracked.live !== undefined };
    tracked.sentPlan = planOf(tracked);
    if (tracked.state.status) {
      await port.updateStatus(tracked.thread, tracked.state.status, status);
    } else {
      tracked.state.status = await port.postStatus(tracked.thread, status);
      await this.#save(tracked);
    }
  }

  #enqueue(tracked: Tracked, work: () => Promise<unknown>): void {
    tracked.chain = tracked.chain.then(work).then(
      () => undefined,
      (error: unknown) => this.#report(error),
    );
  }

  async #save(tracked: Tracked): Promise<void> {
    await this.#options.runner.store.saveThreadState(tracked.run.id, tracked.state);
  }

  #report(error: unknown): void {
    if (this.#options.onError) this.#options.onError(error);
    else process.emitWarning(`thread reporter: ${errorMessage(error)}`);
  }
}

function requestKey(request: HumanRequest): string {
  return `request:${request.id}`;
}

/** Requests the log shows asked and neither answered (a timeout answers too) nor cancelled. */
function stillWaiting(events: CrewEvent[]): HumanRequest[] {
  const waiting = new Map<string, HumanRequest>();
  for (const event of events) {
    if (event.type === 'human_input_requested') waiting.set(event.request.id, event.request);
    else if (event.type === 'human_input_received') waiting.delete(event.requestId);
    else if (event.type === 'crew_cancelled') waiting.clear();
  }
  return [...waiting.values()];
}

/** A task's output message: the task and when it completed, as its log has it. */
function outputKey(event: Extract<CrewEvent, { type: 'task_completed' }>): string {
  return `output:${event.taskId}:${event.at}`;
}

/**
 * The same for a run that ends again with the same text and spend (a takeover ending what a dead
 * process had finished); a replay spends more, so its ending is new.
 */
function endingKey(text: string, usage: Usage): string {
  const what = JSON.stringify([text, usage.llmCalls, usage.promptTokens, usage.completionTokens]);
  return createHash('sha256').update(what).digest('hex').slice(0, 16);
}

function planOf(tracked: Tracked): string {
  return JSON.stringify([tracked.run.status, tracked.view.tasks.map((task) => [task.mark, task.agent])]);
}

/** "briefing: Rust" — the crew and its main input (the first it declares), as a thread's title. */
function threadTitle(run: RunRecord, mainInput: string | undefined): string {
  const main = mainInput ? run.inputs[mainInput] : Object.values(run.inputs)[0];
  return main ? `${run.crew}: ${main}` : run.crew;
}

function statusAfter(event: CrewEvent, current: RunRecord['status']): RunRecord['status'] {
  switch (event.type) {
    case 'crew_kickoff_completed':
      return 'completed';
    case 'crew_kickoff_failed':
      return event.cancelled ? 'cancelled' : 'failed';
    case 'crew_cancelled':
      return 'cancelled';
    case 'crew_suspended':
      return 'awaiting_input';
    case 'crew_kickoff_started':
      return 'running';
    default:
      return current;
  }
}

export type { MessageRef };
