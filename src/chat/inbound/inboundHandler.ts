import type { LoadedCrew } from '../../crews/loadCrew.ts';
import type { HumanAnswer, HumanRequest } from '../../engine/humanRequest.ts';
import { NotAllowedError, RunStateConflictError } from '../../runs/runErrors.ts';
import type { Runner } from '../../runs/runner.ts';
import { FINISHED_STATUSES, type RunRecord, type ThreadRef } from '../../runs/runRecord.ts';
import { answerForAction, describeRequest, RequestActionError } from '../requestPrompt.ts';
import { progressOf } from '../runProgress.ts';
import { ThreadStateSchema } from '../threadReporter.ts';
import type { AccessPolicy } from './accessPolicy.ts';
import { InboundEventSchema, type InboundEvent, type InboundPerson, type KickoffEvent } from './inboundEvent.ts';
import type { InboundReply, KickoffReply, Notice } from './inboundReply.ts';
import { followUp } from './followUp.ts';
import { kickOff, type CrewSource } from './kickoff.ts';
import { fitsRequest, readReply } from './replyVocabulary.ts';
import { forgetLesson, rateResult } from './resultFeedback.ts';

/**
 * handled: acted on; duplicate: delivered before (a retry, a replay, another process took it);
 * ignored: not for the bot (chatter in a thread); refused: the person was told why not;
 * no_run: the thread has no run, so the surface may read the text as a kickoff.
 */
export type InboundOutcome = 'handled' | 'duplicate' | 'ignored' | 'refused' | 'no_run';
export type InboundResult = { outcome: InboundOutcome; detail?: string | undefined; run?: RunRecord | undefined };

export const NOT_ALLOWED = 'Not allowed: only the person who started this run and the crew’s approvers may answer it or cancel it. Nothing changed.';

export interface InboundHandlerOptions {
  runner: Runner;
  /** This platform's policy, the same instance the runner's answer policy asks. */
  access: AccessPolicy;
  loadCrew(run: RunRecord): Promise<LoadedCrew>;
  /** The crews people may start here, by name (chat text never reaches the loader as a path). */
  crews: CrewSource;
}

/** Claims kept for a week: platforms replay events within a session, a day at most. */
const DELIVERY_TTL_MS = 7 * 24 * 3600_000;

/**
 * The incoming half of every surface, written once: claims the delivery, finds the run and the
 * request it is about through the runner, reads typed text with the reply vocabulary, hands the
 * answer (or the cancel) to the runner, and tells a refusal to that person through their reply port.
 * The runner authorises the answer itself; a form is only opened for someone who may answer.
 */
export class InboundHandler {
  readonly #options: InboundHandlerOptions;

  constructor(options: InboundHandlerOptions) {
    this.#options = options;
  }

  /** Whether a thread has a run, so a surface knows a message there is a reply and not a kickoff. */
  async runOfThread(thread: ThreadRef): Promise<RunRecord | undefined> {
    const { store } = this.#options.runner;
    const runId = await store.runForThread(thread);
    return runId ? store.getRun(runId) : undefined;
  }

  handle(delivered: KickoffEvent, reply: KickoffReply): Promise<InboundResult>;
  handle(delivered: Exclude<InboundEvent, KickoffEvent>, reply: InboundReply): Promise<InboundResult>;
  async handle(delivered: InboundEvent, reply: InboundReply | KickoffReply): Promise<InboundResult> {
    // Surfaces build events from payloads they parsed; checked once more here, where every surface meets.
    const event = InboundEventSchema.parse(delivered);
    switch (event.type) {
      case 'kickoff':
        if (!isKickoffReply(reply)) throw new Error('A kickoff needs a reply that can open the run’s thread.');
        return this.#kickoff(event, reply);
      case 'answer':
        return this.#answer(event, reply);
      case 'reply':
        return this.#reply(event, reply);
      case 'cancel':
        return this.#cancel(event, reply);
      case 'status':
        return this.#status(event, reply);
      case 'rate':
        if (!(await this.#claim(event))) return { outcome: 'duplicate' };
        return rateResult(this.#options.runner, this.#options.access, event, reply);
      case 'forget_lesson':
        if (!(await this.#claim(event))) return { outcome: 'duplicate' };
        return forgetLesson(this.#options.runner, event, reply);
      default: {
        const never: never = event;
        throw new Error(`Unknown inbound event ${JSON.stringify(never)}`);
      }
    }
  }

  async #kickoff(event: KickoffEvent, reply: KickoffReply): Promise<InboundResult> {
    if (!(await this.#claim(event))) return { outcome: 'duplicate' };
    const outcome = await kickOff(this.#options, event, reply);
    if ('started' in outcome) return { outcome: 'handled', detail: `started ${outcome.started.id}`, run: outcome.started };
    if ('asked' in outcome) return { outcome: 'handled', detail: outcome.asked };
    if ('duplicate' in outcome) return { outcome: 'duplicate' };
    if ('told' in outcome) return { outcome: 'refused', detail: outcome.told };
    return refuse(reply, outcome.notice);
  }

  async #answer(event: Extract<InboundEvent, { type: 'answer' }>, reply: InboundReply): Promise<InboundResult> {
    if (!(await this.#claim(event))) return { outcome: 'duplicate' };
    const { runner } = this.#options;
    const run = await runner.store.getRun(event.run);
    if (!run) return refuse(reply, { tone: 'unclear', text: 'That run no longer exists. Nothing changed.' });
    const request = (await runner.waitingRequests(run)).find((candidate) => candidate.id === event.request);
    if (!request) return refuse(reply, noLongerWaiting(run));
    const prompt = describeRequest(request);
    const action = prompt.actions.find((candidate) => candidate.id === event.action);
    if (!action) return refuse(reply, { tone: 'unclear', text: `This ${prompt.kind} request takes ${prompt.actions.map((a) => a.label).join(' or ')}. Nothing changed.` });
    if (action.text && event.text === undefined) {
      // Checked before the form opens, so nobody types an answer only to be refused; the runner checks again on submit.
      if (!(await this.#options.access.mayAnswer(run, event.who))) return refuse(reply, { tone: 'refused', text: NOT_ALLOWED });
      await reply.askForText({ run, request, prompt, action });
      return { outcome: 'handled', detail: `asked for the text of ${action.id}` };
    }
    let answer: HumanAnswer;
    try {
      answer = answerForAction(prompt, action.id, event.text);
    } catch (error) {
      if (!(error instanceof RequestActionError)) throw error;
      return refuse(reply, { tone: 'unclear', text: `${error.message} Nothing changed.` });
    }
    return this.#give(run, request, answer, event.who, reply);
  }

  async #reply(event: Extract<InboundEvent, { type: 'reply' }>, reply: InboundReply): Promise<InboundResult> {
    const run = await this.runOfThread(event.thread);
    if (!run) return { outcome: 'no_run' };
    // Without the platform's message text (Discord's intent not granted), an unaddressed reply says nothing.
    if (!event.addressed && event.text.trim() === '') return { outcome: 'ignored', detail: 'no text' };
    const pending = await this.#options.runner.waitingRequests(run);
    if (pending.length === 0 && run.status === 'completed') return this.#followUp(event, run, reply);
    if (pending.length === 0) {
      if (!event.addressed) return { outcome: 'ignored', detail: 'nothing is waiting' };
      if (!(await this.#claim(event))) return { outcome: 'duplicate' };
      return refuse(reply, { tone: 'unclear', text: `This thread’s run is ${run.status.replace('_', ' ')}; nothing is waiting for an answer.` });
    }
    const chosen = await this.#requestRepliedTo(run, pending, event);
    if ('problem' in chosen) return event.addressed ? this.#claimThenRefuse(event, reply, chosen.problem) : { outcome: 'ignored', detail: chosen.problem };
    const reading = readReply(chosen.request, event.text);
    if ('hint' in reading) return event.addressed ? this.#claimThenRefuse(event, reply, reading.hint) : { outcome: 'ignored', detail: reading.hint };
    if (!(await this.#claim(event))) return { outcome: 'duplicate' };
    return this.#give(run, chosen.request, reading.answer, event.who, reply, event.addressed);
  }

  async #followUp(event: Extract<InboundEvent, { type: 'reply' }>, run: RunRecord, reply: InboundReply): Promise<InboundResult> {
    const outcome = await followUp({ ...this.#options, claim: () => this.#claim(event) }, event, run);
    if ('started' in outcome) return { outcome: 'handled', detail: `followed up ${run.id} with ${outcome.started.id}`, run: outcome.started };
    if ('quiet' in outcome) return { outcome: 'ignored', detail: outcome.quiet };
    if ('duplicate' in outcome) return { outcome: 'duplicate' };
    return refuse(reply, outcome.notice);
  }

  async #cancel(event: Extract<InboundEvent, { type: 'cancel' }>, reply: InboundReply): Promise<InboundResult> {
    if (!(await this.#claim(event))) return { outcome: 'duplicate' };
    const run = 'id' in event.run ? await this.#options.runner.store.getRun(event.run.id) : await this.runOfThread(event.run.thread);
    if (!run) return refuse(reply, { tone: 'unclear', text: 'There is no run here to cancel. Nothing changed.' });
    if (FINISHED_STATUSES.includes(run.status)) return refuse(reply, { tone: 'unclear', text: `This run is already ${run.status}.` });
    try {
      await this.#options.runner.cancel(run.id, event.who);
    } catch (error) {
      if (error instanceof NotAllowedError) return refuse(reply, { tone: 'refused', text: NOT_ALLOWED });
      if (error instanceof RunStateConflictError) return refuse(reply, { tone: 'unclear', text: error.message });
      throw error;
    }
    return { outcome: 'handled', detail: `cancelled ${run.id}` };
  }

  async #status(event: Extract<InboundEvent, { type: 'status' }>, reply: InboundReply): Promise<InboundResult> {
    if (!(await this.#claim(event))) return { outcome: 'duplicate' };
    const run = await this.runOfThread(event.thread);
    if (!run) return refuse(reply, { tone: 'unclear', text: 'There is no run in this thread; ask for the status in a run’s thread.' });
    const view = await progressOf(this.#options.runner.store, this.#options.loadCrew(run), run);
    await reply.showStatus({ run, view });
    return { outcome: 'handled' };
  }

  /** Hands the answer to the runner, which authorises it and takes one answer per request. */
  async #give(run: RunRecord, request: HumanRequest, answer: HumanAnswer, who: InboundPerson, reply: InboundReply, tellConflicts = true): Promise<InboundResult> {
    try {
      await this.#options.runner.answer(run.id, { requestId: request.id, answer, actor: who });
    } catch (error) {
      if (error instanceof NotAllowedError) return refuse(reply, { tone: 'refused', text: NOT_ALLOWED });
      if (error instanceof RunStateConflictError) {
        if (!tellConflicts) return { outcome: 'ignored', detail: error.message };
        return refuse(reply, { tone: 'unclear', text: `${error.message} Nothing changed.` });
      }
      throw error;
    }
    return { outcome: 'handled', detail: `${answer.type} to ${request.id}` };
  }

  /** The request named (the prompt asked, the request message replied to), the only one, or the only one the text fits. */
  async #requestRepliedTo(run: RunRecord, pending: HumanRequest[], event: Extract<InboundEvent, { type: 'reply' }>): Promise<{ request: HumanRequest } | { problem: string }> {
    let requestId = event.to && 'request' in event.to ? event.to.request : undefined;
    if (event.to && 'message' in event.to) {
      const messageId = event.to.message;
      const state = ThreadStateSchema.safeParse((await this.#options.runner.store.getThreadState(run.id)) ?? {});
      requestId = state.success ? Object.entries(state.data.requests).find(([, posted]) => posted.id === messageId)?.[0] : undefined;
    }
    const named = pending.find((candidate) => candidate.id === requestId);
    if (named) return { request: named };
    // The prompt a line was typed at is gone (answered elsewhere): never hand the text to another request.
    if (event.to && 'request' in event.to) return { problem: noLongerWaiting(run).text };
    if (pending.length === 1) return { request: pending[0]! };
    const fitting = pending.filter((candidate) => fitsRequest(candidate, event.text));
    if (fitting.length === 1) return { request: fitting[0]! };
    return { problem: `${pending.length} requests are waiting in this run: reply to the one you mean, or use its buttons.` };
  }

  async #claimThenRefuse(event: InboundEvent, reply: InboundReply, text: string): Promise<InboundResult> {
    if (!(await this.#claim(event))) return { outcome: 'duplicate' };
    return refuse(reply, { tone: 'unclear', text });
  }

  #claim(event: InboundEvent): Promise<boolean> {
    return this.#options.runner.store.claimIdempotencyKey(`${event.who.platform}:${event.delivery}`, DELIVERY_TTL_MS);
  }
}

function isKickoffReply(reply: InboundReply | KickoffReply): reply is KickoffReply {
  return 'openThread' in reply && 'askForInputs' in reply;
}

function noLongerWaiting(run: RunRecord): Notice {
  return { tone: 'unclear', text: `This request is no longer waiting for an answer (already answered, or the run is ${run.status.replace('_', ' ')}). Nothing changed.` };
}

async function refuse(reply: InboundReply, notice: Notice): Promise<InboundResult> {
  await reply.tell(notice);
  return { outcome: 'refused', detail: notice.text };
}
