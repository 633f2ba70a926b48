import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HumanRequest } from '../../src/engine/humanRequest.ts';
import { NotAllowedError, RunStateConflictError } from '../../src/runs/runErrors.ts';
import { startRunnerHarness, type RunnerHarness } from '../support/runnerHarness.ts';
import { outbox } from '../fixtures/hitl-crews/approval_crew/tools.ts';

const CREWS = path.resolve('test/fixtures/hitl-crews');
const ada = { platform: 'slack' as const, userId: 'U_ADA', name: 'Ada' };
const mallory = { platform: 'slack' as const, userId: 'U_MAL', name: 'Mallory' };

describe('human in the loop', () => {
  let h: RunnerHarness;
  beforeEach(async () => {
    h = await startRunnerHarness(CREWS);
  });
  afterEach(async () => {
    await h.close();
  });

  async function kickoff(crew: string, inputs: Record<string, string> = {}) {
    const run = await h.runner.kickoff({ crew, inputs, requester: ada, thread: { platform: 'slack', id: `slack:C1:${crew}` } });
    await h.runner.idle();
    return (await h.store.getRun(run!.id))!;
  }

  it('suspends a human_input task for review, revises on feedback, and goes on once approved', async () => {
    h.server.enqueue({ content: 'Notes v1' }, { content: 'Notes v2, with emoji' }, { content: 'Tweet: v2 is out' });
    let run = await kickoff('review_crew', { version: '2.0' });
    expect(run.status).toBe('awaiting_input');
    const [review] = run.pending as HumanRequest[];
    expect(review).toMatchObject({ kind: 'review', taskId: 'draft_task', draft: 'Notes v1', round: 0 });

    await h.runner.answer(run.id, { answer: { type: 'feedback', text: 'Add emoji' }, actor: ada });
    await h.runner.idle();
    run = (await h.store.getRun(run.id))!;
    expect(run.status).toBe('awaiting_input');
    expect(run.pending[0]).toMatchObject({ kind: 'review', draft: 'Notes v2, with emoji', round: 1 });
    expect(h.server.requests[1]?.lastUser).toContain('asks for changes:\nAdd emoji');

    await h.runner.answer(run.id, { answer: { type: 'approve' }, actor: ada });
    await h.runner.idle();
    run = (await h.store.getRun(run.id))!;
    expect(run.status).toBe('completed');
    expect(h.server.requests).toHaveLength(3);
    expect(h.server.requests[2]?.lastUser).toContain('Notes v2, with emoji');
    const outputs = await h.store.getTaskOutputs(run.id);
    expect(outputs.publish_task).toMatchObject({ raw: 'Tweet: v2 is out' });
  });

  it('lets an agent ask a question with ask_human; the answer becomes the tool result', async () => {
    h.server.enqueue({ toolCalls: [{ name: 'ask_human', arguments: { question: 'What is the budget?' } }] }, { content: 'Plan within 5k' });
    let run = await kickoff('ask_crew');
    expect(run.status).toBe('awaiting_input');
    expect(run.pending[0]).toMatchObject({ kind: 'question', question: 'What is the budget?' });
    await h.runner.answer(run.id, { answer: { type: 'answer', text: '5k EUR' }, actor: ada });
    await h.runner.idle();
    run = (await h.store.getRun(run.id))!;
    expect(run.status).toBe('completed');
    expect(h.server.requests[1]?.messages.at(-1)).toMatchObject({ role: 'tool', content: '5k EUR' });
  });

  it('asks before a tool that requires approval runs; deny tells the model why', async () => {
    outbox.length = 0;
    h.server.enqueue(
      { toolCalls: [{ name: 'send_email', arguments: { to: 'c@example.com', body: 'Refund sent' } }] },
      { content: 'Could not email: denied' },
    );
    let run = await kickoff('approval_crew');
    expect(run.pending[0]).toMatchObject({ kind: 'approval', tool: 'send_email' });
    expect(JSON.parse(String(run.pending[0]?.arguments))).toEqual({ to: 'c@example.com', body: 'Refund sent' });
    await h.runner.answer(run.id, { answer: { type: 'deny', reason: 'wrong customer' }, actor: ada });
    await h.runner.idle();
    run = (await h.store.getRun(run.id))!;
    expect(run.status).toBe('completed');
    expect(outbox).toEqual([]);
    expect(String(h.server.requests[1]?.messages.at(-1)?.content)).toMatch(/Ada denied this call to send_email\. Reason: wrong customer/);
  });

  it('runs an approved tool', async () => {
    outbox.length = 0;
    h.server.enqueue({ toolCalls: [{ name: 'send_email', arguments: { to: 'c@example.com', body: 'Refund sent' } }] }, { content: 'Emailed.' });
    const run = await kickoff('approval_crew');
    await h.runner.answer(run.id, { answer: { type: 'approve' }, actor: ada });
    await h.runner.idle();
    expect((await h.store.getRun(run.id))?.status).toBe('completed');
    expect(outbox).toEqual([{ to: 'c@example.com', body: 'Refund sent' }]);
  });

  it('refuses answers from people who may not give them, twice-given answers and answers of the wrong kind', async () => {
    h.server.enqueue({ content: 'Notes v1' }, { content: 'Tweet' });
    const run = await kickoff('review_crew', { version: '1.0' });
    const requestId = (run.pending[0] as HumanRequest).id;
    await expect(h.runner.answer(run.id, { answer: { type: 'approve' }, actor: mallory })).rejects.toBeInstanceOf(NotAllowedError);
    await expect(h.runner.answer(run.id, { requestId, answer: { type: 'answer', text: 'hi' }, actor: ada })).rejects.toThrow(
      /A review request takes approve or feedback, not answer/,
    );
    await h.runner.answer(run.id, { requestId, answer: { type: 'approve' }, actor: ada });
    await expect(h.runner.answer(run.id, { requestId, answer: { type: 'approve' }, actor: ada })).rejects.toBeInstanceOf(RunStateConflictError);
    await h.runner.idle();
    expect((await h.store.getRun(run.id))?.status).toBe('completed');
    expect(h.server.requests).toHaveLength(2);
  });

  it('never starts a second run for a duplicate delivery', async () => {
    h.server.setDefault({ content: 'Notes' });
    const first = await h.runner.kickoff({ crew: 'review_crew', inputs: { version: '1' }, requester: ada, idempotencyKey: 'evt-1' });
    const again = await h.runner.kickoff({ crew: 'review_crew', inputs: { version: '1' }, requester: ada, idempotencyKey: 'evt-1' });
    await h.runner.idle();
    expect(first).toBeDefined();
    expect(again).toBeUndefined();
    expect(await h.store.listRuns()).toHaveLength(1);
  });

  it('takes an answer given the moment the request is posted, before the pass has ended', async () => {
    h.server.enqueue({ content: 'Notes v1' }, { content: 'Tweet' });
    let answered: Promise<unknown> | undefined;
    h.runner.subscribe(
      (run, event) => {
        if (event.type !== 'human_input_requested') return;
        answered = (async () => {
          // As a chat surface would: the prompt is out, a person clicks at once.
          while (!JSON.stringify((await h.store.getCheckpoint(run.id)) ?? {}).includes(event.request.id)) await new Promise((r) => setTimeout(r, 1));
          expect((await h.store.getRun(run.id))?.status).toBe('running');
          return h.runner.answer(run.id, { requestId: event.request.id, answer: { type: 'approve' }, actor: ada });
        })();
      },
      // As a chat surface's thread does, the pass waits to be recorded waiting until the click has landed.
      { settled: async () => void (await answered) },
    );
    const run = await h.runner.kickoff({ crew: 'review_crew', inputs: { version: '5' }, requester: ada });
    await h.runner.idle();
    await answered;
    await h.runner.idle();
    expect((await h.store.getRun(run!.id))?.status).toBe('completed');
    expect(h.server.requests).toHaveLength(2);
  });

  it('applies the crew’s default outcome to a request nobody answered in time', async () => {
    h.server.enqueue({ content: 'Notes v1' }, { content: 'Tweet' });
    const run = await kickoff('review_crew', { version: '3.0' });
    const createdAt = (run.pending[0] as HumanRequest).createdAt;
    expect(await h.runner.expireOverdueRequests(createdAt + 59 * 60_000)).toBe(0);
    expect(await h.runner.expireOverdueRequests(createdAt + 61 * 60_000)).toBe(1);
    await h.runner.idle();
    expect((await h.store.getRun(run.id))?.status).toBe('completed');
    const received = (await h.store.getEvents(run.id)).find((e) => (e as { type: string }).type === 'human_input_received');
    expect(received).toMatchObject({ by: 'crewbot (no answer in time)', answer: 'approved' });
    // A person answering afterwards is told it is settled.
    await expect(h.runner.answer(run.id, { answer: { type: 'approve' }, actor: ada })).rejects.toBeInstanceOf(RunStateConflictError);
  });

  it('a cancel from another process aborts the LLM call in flight here', async () => {
    h.server.setDefault({ hang: true });
    const run = (await h.runner.kickoff({ crew: 'review_crew', inputs: { version: '9' }, requester: ada }))!;
    while (h.server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const elsewhere = h.anotherRunner();
    await elsewhere.cancel(run.id, ada);
    await h.runner.idle();
    expect((await h.store.getRun(run.id))?.status).toBe('cancelled');
    expect(h.server.requests).toHaveLength(1);
  });

  it('cancels a run waiting for input, and a cancelled run cannot be answered', async () => {
    h.server.enqueue({ content: 'Notes v1' });
    const run = await kickoff('review_crew', { version: '1.0' });
    const cancelled = await h.runner.cancel(run.id, ada);
    expect(cancelled.status).toBe('cancelled');
    await expect(h.runner.answer(run.id, { answer: { type: 'approve' }, actor: ada })).rejects.toThrow(/nothing is waiting/);
  });
});
