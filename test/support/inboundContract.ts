import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunStore } from '../../src/runs/runStore.ts';
import type { ScriptedOpenAI } from './scriptedOpenAI.ts';
import { waitFor } from './slackHarness.ts';

/** The person who started the run, or someone the crew's rules do not name. */
export type Who = 'requester' | 'stranger';

/**
 * One chat surface driven the way people use it (Slack through Bolt's receiver and signed requests,
 * Discord through discord.js and the fake gateway, the terminal through its session), on a real
 * store and runner. The surface's own kickoff starts a review crew; the suite does the rest.
 */
export interface InboundSurfaceUnderTest {
  llm: ScriptedOpenAI;
  store: RunStore;
  /** Chat platforms deliver a payload again (retries, replays); a line typed at the terminal is typed once. */
  redelivers: boolean;
  /** The terminal lets whoever sits at it start any crew; chat crews name who may. */
  strangersMayStart: boolean;
  /** `who` starts the surface's guarded crew (one its rules name the requester for) with the surface's own kickoff; `twice`: the same delivery again. */
  kickOff(who: Who, options?: { twice?: boolean }): Promise<void>;
  /** `who` asks where the run stands (`@crewbot status` or `/crew status` in its thread, `status` at the terminal); resolves with what they were shown. */
  askStatus(runId: string, who: Who): Promise<string>;
  /** The requester starts the surface's review crew; resolves with the run id once the review waits. */
  startReview(): Promise<string>;
  /** [Approve] pressed on the waiting review (at the terminal, its word typed at the prompt); `twice`: the same delivery again. */
  pressApprove(runId: string, who: Who, options?: { twice?: boolean }): Promise<void>;
  /** Text written in the run's thread (at the terminal, at the review's prompt). */
  reply(runId: string, text: string, who: Who): Promise<void>;
  /** Everything the surface told that person. */
  told(who: Who): Promise<string[]>;
  /** Every delivery handled and every run advanced as far as it goes. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * One inbound suite for every surface (as the run store has one conformance suite for its
 * backends): a surface takes people's answers correctly when it passes all of this.
 */
export function describeInboundContract(name: string, start: () => Promise<InboundSurfaceUnderTest>): void {
  describe(`inbound contract: ${name}`, () => {
    let surface: InboundSurfaceUnderTest;
    beforeEach(async () => {
      surface = await start();
      surface.llm.enqueue({ content: 'Notes v1' });
      surface.llm.setDefault({ content: 'Done' });
    });
    afterEach(async () => {
      await surface.close();
    });

    const statusOf = async (runId: string) => (await surface.store.getRun(runId))?.status;
    const answersTo = async (runId: string) =>
      (await surface.store.getEvents(runId)).filter((event): event is { type: 'human_input_received'; answer: string } => (event as { type: string }).type === 'human_input_received');
    const completed = async (runId: string) => {
      await waitFor(`run ${runId} to complete`, async () => (await statusOf(runId)) === 'completed');
      await surface.settle();
    };

    it('approves the review when its requester presses Approve', async () => {
      const runId = await surface.startReview();
      await surface.pressApprove(runId, 'requester');
      await completed(runId);
      expect((await answersTo(runId)).map((event) => event.answer)).toEqual(['approved']);
      expect(await surface.told('requester')).toEqual([]);
    });

    it('sends a reply in the thread back to the agent as feedback, and asks again', async () => {
      const runId = await surface.startReview();
      await surface.reply(runId, 'Make it shorter', 'requester');
      await waitFor('the second draft', async () => (await surface.store.getRun(runId))?.pending[0]?.['round'] === 1);
      expect((await answersTo(runId)).map((event) => event.answer)).toEqual(['asked for changes: Make it shorter']);
      expect(surface.llm.requests[1]?.lastUser).toContain('Make it shorter');
    });

    it('reads a typed "yes" as approval, as every surface does', async () => {
      const runId = await surface.startReview();
      await surface.reply(runId, 'yes', 'requester');
      await completed(runId);
      expect((await answersTo(runId)).map((event) => event.answer)).toEqual(['approved']);
      expect(surface.llm.requests.some((request) => request.lastUser.includes('asks for changes'))).toBe(false);
    });

    it('refuses someone the crew does not name, telling them, and changes nothing', async () => {
      const runId = await surface.startReview();
      await surface.pressApprove(runId, 'stranger');
      await waitFor('the refusal', async () => (await surface.told('stranger')).some((text) => text.includes('Not allowed')));
      await surface.settle();
      expect(await statusOf(runId)).toBe('awaiting_input');
      expect(await answersTo(runId)).toEqual([]);
    });

    it('takes a press that comes before the run record lists the request', async () => {
      const runId = await surface.startReview();
      // The moment between the request being checkpointed and the pass recording it on the run.
      await surface.store.updateRun(runId, { status: 'running', pending: [] });
      await surface.pressApprove(runId, 'requester');
      await completed(runId);
      expect((await answersTo(runId)).map((event) => event.answer)).toEqual(['approved']);
      expect((await surface.told('requester')).filter((text) => text.includes('no longer waiting'))).toEqual([]);
    });

    it('starts one run from a kickoff, even when it is delivered twice', async () => {
      await surface.kickOff('requester', { twice: surface.redelivers });
      await surface.settle();
      const runs = await surface.store.listRuns();
      expect(runs).toHaveLength(1);
      expect(runs[0]?.thread).toBeDefined();
      expect(await surface.told('requester')).toEqual([]);
    });

    it('refuses a stranger the crew’s rules do not name, telling them, and starts nothing', async () => {
      await surface.kickOff('stranger');
      await surface.settle();
      if (surface.strangersMayStart) {
        // The terminal's rule: whoever sits at it may start any crew.
        expect(await surface.store.listRuns()).toHaveLength(1);
        return;
      }
      await waitFor('the refusal', async () => (await surface.told('stranger')).length > 0);
      expect((await surface.told('stranger')).join('\n')).toMatch(/Not allowed|can be started/);
      expect(await surface.store.listRuns()).toEqual([]);
      expect(surface.llm.requests).toHaveLength(0);
    });

    it('shows where a run stands to the person who asks in its thread, and changes nothing', async () => {
      const runId = await surface.startReview();
      const run = await surface.store.getRun(runId);
      const shown = await surface.askStatus(runId, 'requester');
      expect(shown).toContain(run!.crew);
      expect(shown).toMatch(/waiting|awaiting/);
      expect(await statusOf(runId)).toBe('awaiting_input');
    });

    it('handles an answer delivered twice once', async () => {
      const runId = await surface.startReview();
      await surface.pressApprove(runId, 'requester', { twice: true });
      await completed(runId);
      expect((await answersTo(runId)).map((event) => event.answer)).toEqual(['approved']);
      expect((await surface.store.getEvents(runId)).filter((event) => (event as { type: string }).type === 'crew_kickoff_completed')).toHaveLength(1);
    });
  });
}
