import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewRun } from '../../src/runs/runRecord.ts';
import { DamagedRunRecordError, FencedOutError, RunAlreadyExistsError, RunNotFoundError, RunStillActiveError, type Fence, type RunStore, type StoredRunError } from '../../src/runs/runStore.ts';

export type RunStoreUnderTest = {
  store: RunStore;
  /** Opens another instance on the same storage, as a second process would. */
  reopen: () => Promise<RunStore>;
  /** Removes the storage; the suite has closed every store by then. */
  cleanup: () => Promise<void>;
  /** Replaces the raw stored text of a key (`run:<id>`), as damage on disk would. */
  overwrite: (key: string, text: string) => Promise<number>;
};

/** Short enough to wait out in a test, long enough that a slow machine never sees it lapse early. */
const TTL_MS = 200;
const PAST_TTL_MS = TTL_MS + 150;

const newRun = (overrides: Partial<NewRun> = {}): NewRun => ({
  crew: 'research',
  inputs: { topic: 'durable execution' },
  requester: { platform: 'slack', userId: 'U123', name: 'Ada' },
  thread: { platform: 'slack', id: 'slack:C123:1700000000.0001' },
  ...overrides,
});

/**
 * One suite for every run store backend (the LangGraph checkpointer model): a backend is done
 * when it passes all of this.
 */
export function describeRunStoreConformance(name: string, makeStore: () => Promise<RunStoreUnderTest>): void {
  describe(`run store conformance: ${name}`, () => {
    let store: RunStore;
    let opened: RunStore[] = [];
    let cleanup: () => Promise<void>;
    let reopenStore: () => Promise<RunStore>;
    let overwrite: RunStoreUnderTest['overwrite'];

    const reopen = async (): Promise<RunStore> => {
      const other = await reopenStore();
      opened.push(other);
      return other;
    };

    beforeEach(async () => {
      const made = await makeStore();
      store = made.store;
      opened = [store];
      cleanup = made.cleanup;
      reopenStore = made.reopen;
      overwrite = made.overwrite;
    });

    afterEach(async () => {
      await Promise.all(opened.map((s) => s.close()));
      await cleanup();
    });

    describe('runs', () => {
      it('creates a run with defaults and reads it back', async () => {
        const created = await store.createRun(newRun());
        expect(created).toMatchObject({
          crew: 'research',
          inputs: { topic: 'durable execution' },
          requester: { platform: 'slack', userId: 'U123', name: 'Ada' },
          thread: { platform: 'slack', id: 'slack:C123:1700000000.0001' },
          status: 'queued',
          usage: { llmCalls: 0, promptTokens: 0, completionTokens: 0 },
          pending: [],
          version: 0,
        });
        expect(created.id).not.toBe('');
        expect(created.updatedAt).toBe(created.createdAt);
        expect(await store.getRun(created.id)).toEqual(created);
      });

      it('keeps an explicit id and refuses to create it twice', async () => {
        const created = await store.createRun(newRun({ id: 'run-explicit' }));
        expect(created.id).toBe('run-explicit');
        await expect(store.createRun(newRun({ id: 'run-explicit', crew: 'other' }))).rejects.toBeInstanceOf(
          RunAlreadyExistsError,
        );
        expect((await store.getRun('run-explicit'))?.crew).toBe('research');
      });

      it('answers undefined for a run that does not exist', async () => {
        expect(await store.getRun('no-such-run')).toBeUndefined();
      });

      it('merges an update, bumps version and updatedAt, and keeps identity fields', async () => {
        const created = await store.createRun(newRun());
        const pending = [{ id: 'req-1', kind: 'approval', prompt: 'Publish?', options: ['yes', 'no'] }];
        const updated = await store.updateRun(created.id, {
          status: 'awaiting_input',
          pending,
          usage: { llmCalls: 2, promptTokens: 120, completionTokens: 40 },
        });
        expect(updated).toMatchObject({ id: created.id, crew: 'research', status: 'awaiting_input', version: 1, pending });
        expect(updated.createdAt).toBe(created.createdAt);
        expect(updated.updatedAt).toBeGreaterThanOrEqual(created.updatedAt);
        expect(updated.finishedAt).toBeUndefined();
        expect(await store.getRun(created.id)).toEqual(updated);
      });

      it('stamps finishedAt when a run finishes, and an update can clear an error', async () => {
        const created = await store.createRun(newRun());
        const failed = await store.updateRun(created.id, { status: 'failed', error: 'model quota exhausted' });
        expect(failed.finishedAt).toBeGreaterThanOrEqual(created.createdAt);
        expect(failed.error).toBe('model quota exhausted');
        const retried = await store.updateRun(created.id, { status: 'running', finishedAt: undefined, error: undefined });
        expect(retried.error).toBeUndefined();
        expect(retried.finishedAt).toBeUndefined();
        expect((await store.getRun(created.id))?.error).toBeUndefined();
      });

      it('loses no update when many land at once', async () => {
        const created = await store.createRun(newRun());
        await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            store.updateRun(created.id, { usage: { llmCalls: i, promptTokens: i, completionTokens: i } }),
          ),
        );
        expect((await store.getRun(created.id))?.version).toBe(10);
      });

      it('refuses to update a run that does not exist', async () => {
        await expect(store.updateRun('no-such-run', { status: 'running' })).rejects.toBeInstanceOf(RunNotFoundError);
      });

      it('lists runs newest first, with a limit', async () => {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push((await store.createRun(newRun({ inputs: { n: String(i) } }))).id);
        const listed = await store.listRuns();
        expect(listed.map((run) => run.id)).toEqual([...ids].reverse());
        expect((await store.listRuns({ limit: 2 })).map((run) => run.id)).toEqual([ids[4], ids[3]]);
      });

      it('filters the list by status and follows status changes', async () => {
        const a = await store.createRun(newRun());
        const b = await store.createRun(newRun());
        const c = await store.createRun(newRun());
        await store.updateRun(a.id, { status: 'running' });
        await store.updateRun(c.id, { status: 'awaiting_input' });

        const ids = async (status: Parameters<RunStore['listRuns']>[0]) =>
          (await store.listRuns(status)).map((run) => run.id);
        expect(await ids({ status: ['running'] })).toEqual([a.id]);
        expect(await ids({ status: ['queued'] })).toEqual([b.id]);
        expect(await ids({ status: ['running', 'awaiting_input'] })).toEqual([c.id, a.id]);
        expect(await ids({ status: ['running', 'awaiting_input', 'queued'], limit: 2 })).toEqual([c.id, b.id]);
        expect(await ids({ status: [] })).toEqual([]);

        await store.updateRun(a.id, { status: 'completed' });
        expect(await ids({ status: ['running'] })).toEqual([]);
        expect(await ids({ status: ['completed'] })).toEqual([a.id]);
      });
    });

    describe('checkpoints', () => {
      it('round-trips nested JSON exactly', async () => {
        const state = {
          version: 1,
          tasks: [{ id: 'research', done: true, output: { raw: 'Findings…', json: { score: 0.75, tags: ['a', 'b'] } } }],
          messages: [
            { role: 'assistant', content: null, tool_calls: [{ id: 'c1', name: 'web_search', arguments: '{"q":"x"}' }] },
            { role: 'tool', tool_call_id: 'c1', content: ':base64:not really base64' },
            { role: 'user', content: ':leading colon, "quotes", emoji 🚀, newline\n' },
          ],
          empty: {},
          nothing: null,
          deep: { a: { b: { c: { d: [1, [2, [3]]] } } } },
        };
        await store.saveCheckpoint('run-1', state);
        expect(await store.getCheckpoint('run-1')).toEqual(state);
      });

      it('keeps only the latest checkpoint and none for an unknown run', async () => {
        await store.saveCheckpoint('run-1', { step: 1 });
        await store.saveCheckpoint('run-1', { step: 2 });
        expect(await store.getCheckpoint('run-1')).toEqual({ step: 2 });
        expect(await store.getCheckpoint('run-2')).toBeUndefined();
      });
    });

    describe('task outputs', () => {
      it('keeps one output per task, the latest winning', async () => {
        await store.saveTaskOutput('run-1', 'research', { raw: 'first draft' });
        await store.saveTaskOutput('run-1', 'write', { raw: 'article', json: { words: 800 } });
        await store.saveTaskOutput('run-1', 'research', { raw: 'final findings' });
        expect(await store.getTaskOutputs('run-1')).toEqual({
          research: { raw: 'final findings' },
          write: { raw: 'article', json: { words: 800 } },
        });
        expect(await store.getTaskOutputs('run-2')).toEqual({});
      });

      it('keeps every output when parallel tasks finish together', async () => {
        await Promise.all(
          Array.from({ length: 12 }, (_, i) => store.saveTaskOutput('run-1', `task-${i}`, { raw: `out ${i}` })),
        );
        expect(Object.keys(await store.getTaskOutputs('run-1'))).toHaveLength(12);
      });
    });

    describe('events', () => {
      it('keeps events in append order and reads from a position on', async () => {
        for (let i = 0; i < 5; i++) await store.appendEvent('run-1', { type: 'step', n: i });
        await store.appendEvent('run-2', { type: 'other run' });
        expect(await store.getEvents('run-1')).toEqual([0, 1, 2, 3, 4].map((n) => ({ type: 'step', n })));
        expect(await store.getEvents('run-1', { since: 3 })).toEqual([
          { type: 'step', n: 3 },
          { type: 'step', n: 4 },
        ]);
        expect(await store.getEvents('run-1', { since: 5 })).toEqual([]);
        expect(await store.getEvents('run-3')).toEqual([]);
      });

      it('keeps every event when appends race', async () => {
        await Promise.all(Array.from({ length: 20 }, (_, n) => store.appendEvent('run-1', { n })));
        const events = await store.getEvents('run-1');
        expect(events).toHaveLength(20);
        expect(new Set(events.map((e) => JSON.stringify(e))).size).toBe(20);
      });
    });

    describe('shared logs', () => {
      it('keeps every entry of a named log, in order, apart from runs’ events, across processes', async () => {
        const other = await reopen();
        await Promise.all(Array.from({ length: 10 }, (_, n) => (n % 2 ? other : store).appendToLog('lessons', { n })));
        await store.appendToLog('ratings', { up: true });
        await store.appendEvent('lessons', { type: 'a run named like the log' });
        const entries = await other.readLog('lessons');
        expect(entries).toHaveLength(10);
        expect(new Set(entries.map((entry) => JSON.stringify(entry))).size).toBe(10);
        expect(await store.readLog('ratings')).toEqual([{ up: true }]);
        expect(await store.readLog('memory')).toEqual([]);
        expect(await store.getEvents('lessons')).toEqual([{ type: 'a run named like the log' }]);
      });
    });

    describe('thread index', () => {
      it('finds the run a thread belongs to', async () => {
        const slack = { platform: 'slack', id: 'slack:C1:1700000000.0001' } as const;
        const discord = { platform: 'discord', id: 'slack:C1:1700000000.0001' } as const;
        await store.indexThread(slack, 'run-1');
        expect(await store.runForThread(slack)).toBe('run-1');
        expect(await store.runForThread(discord)).toBeUndefined();
        await store.indexThread(slack, 'run-2');
        expect(await store.runForThread(slack)).toBe('run-2');
      });

      it('keeps a surface’s state of a run’s thread', async () => {
        expect(await store.getThreadState('run-1')).toBeUndefined();
        await store.saveThreadState('run-1', { status: { ts: '1700000000.0002' }, requests: { r1: { ts: '1700000000.0003' } } });
        expect(await store.getThreadState('run-1')).toEqual({ status: { ts: '1700000000.0002' }, requests: { r1: { ts: '1700000000.0003' } } });
        expect(await store.getThreadState('run-2')).toBeUndefined();
      });
    });

    describe('idempotency keys', () => {
      it('grants a key to exactly one of 20 racing claims', async () => {
        const results = await Promise.all(
          Array.from({ length: 20 }, () => store.claimIdempotencyKey('slack:event:Ev1', 60_000)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.claimIdempotencyKey('slack:event:Ev2', 60_000)).toBe(true);
      });

      it('lets a key be claimed again once its TTL has passed', async () => {
        expect(await store.claimIdempotencyKey('slack:event:Ev1', TTL_MS)).toBe(true);
        expect(await store.claimIdempotencyKey('slack:event:Ev1', TTL_MS)).toBe(false);
        await sleep(PAST_TTL_MS);
        expect(await store.claimIdempotencyKey('slack:event:Ev1', TTL_MS)).toBe(true);
      });
    });

    describe('leases', () => {
      it('grants a run to exactly one of 20 racing owners', async () => {
        const owners = Array.from({ length: 20 }, (_, i) => `worker-${i}`);
        const results = await Promise.all(owners.map((owner) => store.acquireLease('run-1', owner, 60_000)));
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.find(Boolean)?.owner;
        expect(owners).toContain(winner);
        const holder = await store.leaseHolder('run-1');
        expect(holder?.owner).toBe(winner);
        expect(holder?.expiresAt).toBeGreaterThan(Date.now());
        expect(holder?.expiresAt).toBeLessThanOrEqual(Date.now() + 60_000 + 1_000);
        expect(await store.leaseHolder('run-2')).toBeUndefined();
      });

      it('is renewed by its owner only', async () => {
        expect(await store.acquireLease('run-1', 'worker-a', TTL_MS)).toBeDefined();
        expect(await store.renewLease('run-1', 'worker-b', TTL_MS)).toBe(false);
        expect(await store.renewLease('run-1', 'worker-a', 60_000)).toBe(true);
        await sleep(PAST_TTL_MS);
        expect((await store.leaseHolder('run-1'))?.owner).toBe('worker-a');
        expect(await store.acquireLease('run-1', 'worker-b', TTL_MS)).toBeUndefined();
      });

      it('lets its owner acquire it again', async () => {
        expect(await store.acquireLease('run-1', 'worker-a', TTL_MS)).toBeDefined();
        expect(await store.acquireLease('run-1', 'worker-a', 60_000)).toBeDefined();
        await sleep(PAST_TTL_MS);
        expect((await store.leaseHolder('run-1'))?.owner).toBe('worker-a');
      });

      it('expires after its TTL, and then belongs to whoever takes it', async () => {
        expect(await store.acquireLease('run-1', 'worker-a', TTL_MS)).toBeDefined();
        await sleep(PAST_TTL_MS);
        expect(await store.leaseHolder('run-1')).toBeUndefined();
        expect(await store.renewLease('run-1', 'worker-a', TTL_MS)).toBe(false);
        expect(await store.acquireLease('run-1', 'worker-b', 60_000)).toBeDefined();
        expect(await store.renewLease('run-1', 'worker-a', TTL_MS)).toBe(false);
        expect((await store.leaseHolder('run-1'))?.owner).toBe('worker-b');
      });

      it('is released by its owner only', async () => {
        expect(await store.acquireLease('run-1', 'worker-a', 60_000)).toBeDefined();
        await store.releaseLease('run-1', 'worker-b');
        expect((await store.leaseHolder('run-1'))?.owner).toBe('worker-a');
        await store.releaseLease('run-1', 'worker-a');
        expect(await store.leaseHolder('run-1')).toBeUndefined();
        expect(await store.acquireLease('run-1', 'worker-b', 60_000)).toBeDefined();
      });
    });

    describe('fenced writes (only the lease holder writes)', () => {
      const grant = async (on: RunStore, runId: string, owner: string, ttlMs: number): Promise<Fence> => {
        const fence = await on.acquireLease(runId, owner, ttlMs);
        if (!fence) throw new Error(`${owner} was not granted ${runId}`);
        return fence;
      };

      /** Everything an owner writes about a run, as a reader sees it. */
      const snapshot = async (runId: string) => ({
        run: await store.getRun(runId),
        checkpoint: await store.getCheckpoint(runId),
        outputs: await store.getTaskOutputs(runId),
        events: await store.getEvents(runId),
      });

      it('land while the grant is live, exactly like unfenced writes', async () => {
        const run = await store.createRun(newRun());
        const fence = await grant(store, run.id, 'worker-a', 60_000);
        expect(fence).toMatchObject({ runId: run.id, owner: 'worker-a' });
        await store.saveCheckpoint(run.id, { step: 1, text: 'quotes " and \\ backslashes' }, fence);
        await store.saveTaskOutput(run.id, 'research', { raw: 'findings' }, fence);
        await store.appendEvent(run.id, { type: 'task_started' }, fence);
        const updated = await store.updateRun(run.id, { status: 'running' }, fence);
        expect(updated.version).toBe(1);
        expect(await snapshot(run.id)).toEqual({
          run: updated,
          checkpoint: { step: 1, text: 'quotes " and \\ backslashes' },
          outputs: { research: { raw: 'findings' } },
          events: [{ type: 'task_started' }],
        });
        expect((await store.listRuns({ status: ['running'] })).map((r) => r.id)).toEqual([run.id]);
      });

      it('a frozen holder that wakes after its lease was taken over changes nothing', async () => {
        const run = await store.createRun(newRun());
        const frozen = await grant(store, run.id, 'worker-frozen', TTL_MS);
        await store.saveCheckpoint(run.id, { step: 1, by: 'frozen' }, frozen);
        await sleep(PAST_TTL_MS); // frozen (SIGSTOP) past its lease
        const other = await reopen();
        const taker = await grant(other, run.id, 'worker-taker', 60_000);
        expect(taker.epoch).toBeGreaterThan(frozen.epoch);
        await other.saveCheckpoint(run.id, { step: 2, by: 'taker' }, taker);
        await other.saveTaskOutput(run.id, 'research', { raw: 'taker findings' }, taker);
        await other.appendEvent(run.id, { type: 'crew_completed' }, taker);
        await other.updateRun(run.id, { status: 'completed' }, taker);
        const before = await snapshot(run.id);

        // It wakes and carries on as if it still owned the run: every write is refused.
        await expect(store.saveCheckpoint(run.id, { step: 1, by: 'frozen, stale' }, frozen)).rejects.toBeInstanceOf(FencedOutError);
        await expect(store.saveTaskOutput(run.id, 'research', { raw: 'stale' }, frozen)).rejects.toBeInstanceOf(FencedOutError);
        await expect(store.saveTaskOutput(run.id, 'write', { raw: 'stale' }, frozen)).rejects.toBeInstanceOf(FencedOutError);
        await expect(store.appendEvent(run.id, { type: 'crew_kickoff_failed' }, frozen)).rejects.toBeInstanceOf(FencedOutError);
        await expect(store.updateRun(run.id, { status: 'failed', error: 'stale' }, frozen)).rejects.toThrow(/no longer holds the lease/);
        expect(await snapshot(run.id)).toEqual(before);
        expect((await store.listRuns({ status: ['completed'] })).map((r) => r.id)).toEqual([run.id]);
      });

      it('an expired grant writes nothing even when nobody has taken the run over', async () => {
        const run = await store.createRun(newRun());
        const fence = await grant(store, run.id, 'worker-a', TTL_MS);
        await sleep(PAST_TTL_MS);
        await expect(store.appendEvent(run.id, { type: 'late' }, fence)).rejects.toBeInstanceOf(FencedOutError);
        await expect(store.saveCheckpoint(run.id, { late: true }, fence)).rejects.toBeInstanceOf(FencedOutError);
        expect(await snapshot(run.id)).toMatchObject({ checkpoint: undefined, events: [] });
      });

      it('a fresh grant to the same owner gets a new epoch; the old grant stays fenced out', async () => {
        const run = await store.createRun(newRun());
        const first = await grant(store, run.id, 'worker-a', 60_000);
        expect((await grant(store, run.id, 'worker-a', 60_000)).epoch).toBe(first.epoch); // restarting a live grant
        await store.releaseLease(run.id, 'worker-a');
        await expect(store.appendEvent(run.id, { n: 0 }, first)).rejects.toBeInstanceOf(FencedOutError);
        const second = await grant(store, run.id, 'worker-a', 60_000);
        expect(second.epoch).toBeGreaterThan(first.epoch);
        await expect(store.appendEvent(run.id, { n: 1 }, first)).rejects.toBeInstanceOf(FencedOutError);
        await store.appendEvent(run.id, { n: 2 }, second);
        expect(await store.getEvents(run.id)).toEqual([{ n: 2 }]);
      });
    });

    describe('deleting runs', () => {
      it('removes a finished run and everything kept about it, and refuses a run still active', async () => {
        const done = await store.createRun(newRun({ thread: { platform: 'slack', id: 'slack:C9:1.1' } }));
        const active = await store.createRun(newRun());
        await store.saveCheckpoint(done.id, { step: 2 });
        await store.saveTaskOutput(done.id, 'research', { raw: 'x' });
        await store.appendEvent(done.id, { n: 1 });
        await store.appendEvent(`${done.id}:answers`, { requestId: 'r1' });
        await store.saveThreadState(done.id, { status: { ts: '1' } });
        await store.indexThread({ platform: 'slack', id: 'slack:C9:1.1' }, done.id);
        await store.updateRun(done.id, { status: 'completed' });
        await store.updateRun(active.id, { status: 'awaiting_input' });

        await store.deleteRun(done.id);
        await expect(store.deleteRun(active.id)).rejects.toBeInstanceOf(RunStillActiveError);
        expect(await store.getRun(done.id)).toBeUndefined();
        expect(await store.getCheckpoint(done.id)).toBeUndefined();
        expect(await store.getTaskOutputs(done.id)).toEqual({});
        expect(await store.getEvents(done.id)).toEqual([]);
        expect(await store.getEvents(`${done.id}:answers`)).toEqual([]);
        expect(await store.getThreadState(done.id)).toBeUndefined();
        expect(await store.runForThread({ platform: 'slack', id: 'slack:C9:1.1' })).toBeUndefined();
        expect((await store.listRuns()).map((run) => run.id)).toEqual([active.id]);
        expect((await store.listRuns({ status: ['completed'] })).map((run) => run.id)).toEqual([]);
        expect((await store.getRun(active.id))?.status).toBe('awaiting_input');
      });
    });

    describe('two instances on the same storage (two processes)', () => {
      it('see each other’s runs, checkpoints, outputs, events and threads', async () => {
        const other = await reopen();
        const run = await store.createRun(newRun());
        await store.saveCheckpoint(run.id, { step: 3 });
        await store.saveTaskOutput(run.id, 'research', { raw: 'x' });
        await store.indexThread({ platform: 'discord', id: 'discord:1:2' }, run.id);
        await store.appendEvent(run.id, { n: 0 });
        await other.appendEvent(run.id, { n: 1 });

        expect(await other.getRun(run.id)).toEqual(run);
        expect(await other.getCheckpoint(run.id)).toEqual({ step: 3 });
        expect(await other.getTaskOutputs(run.id)).toEqual({ research: { raw: 'x' } });
        expect(await other.runForThread({ platform: 'discord', id: 'discord:1:2' })).toBe(run.id);
        expect(await store.getEvents(run.id)).toEqual([{ n: 0 }, { n: 1 }]);
        await other.updateRun(run.id, { status: 'running' });
        expect((await store.listRuns({ status: ['running'] })).map((r) => r.id)).toEqual([run.id]);
      });

      it('grant an idempotency key once across both', async () => {
        const other = await reopen();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => (i % 2 ? other : store).claimIdempotencyKey('discord:msg:42', 60_000)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('grant a lease once across both and honour each other’s holder', async () => {
        const other = await reopen();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => (i % 2 ? other : store).acquireLease('run-1', `worker-${i}`, 60_000)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = `worker-${results.findIndex(Boolean)}`;
        expect((await store.leaseHolder('run-1'))?.owner).toBe(winner);
        expect((await other.leaseHolder('run-1'))?.owner).toBe(winner);
        expect(await other.renewLease('run-1', winner, 60_000)).toBe(true);
        await other.releaseLease('run-1', winner);
        expect(await store.leaseHolder('run-1')).toBeUndefined();
      });
    });

    describe('takeover after a crash', () => {
      it('finds running runs whose lease is gone', async () => {
        const leased = await store.createRun(newRun());
        const orphaned = await store.createRun(newRun());
        const lapsed = await store.createRun(newRun());
        const queued = await store.createRun(newRun());
        const finished = await store.createRun(newRun());
        for (const run of [leased, orphaned, lapsed, finished]) await store.updateRun(run.id, { status: 'running' });
        await store.updateRun(finished.id, { status: 'completed' });
        await store.acquireLease(leased.id, 'worker-alive', 60_000);
        await store.acquireLease(lapsed.id, 'worker-dead', TTL_MS);
        await store.acquireLease(queued.id, 'worker-alive', TTL_MS);

        expect((await store.findExpiredRunning()).map((run) => run.id)).toEqual([orphaned.id]);
        await sleep(PAST_TTL_MS);
        const expired = await (await reopen()).findExpiredRunning();
        expect(expired.map((run) => run.id).sort()).toEqual([orphaned.id, lapsed.id].sort());
        expect(expired.every((run) => run.status === 'running')).toBe(true);
      });
    });

    describe('a damaged run record', () => {
      it.each([
        ['not a run record', JSON.stringify({ value: { id: 'x', status: 'exploded' } })],
        ['not JSON at all', '{"value":{"id":"'],
      ])('(%s) is skipped and reported by every listing, never hiding the other runs', async (_kind, damage) => {
        const before = await store.createRun(newRun());
        const broken = await store.createRun(newRun());
        const after = await store.createRun(newRun());
        const orphan = await store.createRun(newRun());
        for (const run of [broken, orphan]) await store.updateRun(run.id, { status: 'running' });
        expect(await overwrite(`run:${broken.id}`, damage)).toBe(1);

        const reported: StoredRunError[] = [];
        const onDamaged = (damaged: StoredRunError) => reported.push(damaged);
        expect((await store.listRuns({ onDamaged })).map((run) => run.id)).toEqual([orphan.id, after.id, before.id]);
        expect((await store.findExpiredRunning({ onDamaged })).map((run) => run.id)).toEqual([orphan.id]);
        expect(reported.map((damaged) => damaged.runId)).toEqual([broken.id, broken.id]);
        expect(reported[0]?.message).toContain(`Run "${broken.id}"`);
        expect(reported[0]?.message).toContain(`crewbot remove ${broken.id}`);
        await expect(store.getRun(broken.id)).rejects.toBeInstanceOf(DamagedRunRecordError);
      });

      it('can be removed with everything kept about it, leaving the other runs alone', async () => {
        const kept = await store.createRun(newRun());
        const broken = await store.createRun(newRun());
        await store.saveCheckpoint(broken.id, { step: 1 });
        await store.saveTaskOutput(broken.id, 't', { raw: 'x' });
        await store.appendEvent(broken.id, { n: 1 });
        await store.acquireLease(broken.id, 'w', 60_000);
        await overwrite(`run:${broken.id}`, '{"value":');

        await store.deleteRun(broken.id);
        expect(await store.getRun(broken.id)).toBeUndefined();
        expect(await store.getCheckpoint(broken.id)).toBeUndefined();
        expect(await store.getTaskOutputs(broken.id)).toEqual({});
        expect(await store.getEvents(broken.id)).toEqual([]);
        expect(await store.leaseHolder(broken.id)).toBeUndefined();
        expect((await store.listRuns({ onDamaged: () => expect.unreachable() })).map((run) => run.id)).toEqual([kept.id]);
      });
    });
  });
}
