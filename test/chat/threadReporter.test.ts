import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HumanRequest } from '../../src/engine/humanRequest.ts';
import type { ProgressView } from '../../src/chat/progressView.ts';
import type { AnsweredRequest, MessageRef, OutputMessage, StatusContext, ThreadPort } from '../../src/chat/threadPort.ts';
import { ThreadReporter } from '../../src/chat/threadReporter.ts';
import { loadCrew } from '../../src/crews/loadCrew.ts';
import type { RunRecord, ThreadRef } from '../../src/runs/runRecord.ts';
import { BUILTIN_TOOL_ALIASES, createBuiltinTools } from '../../src/tools/builtinTools.ts';
import { writeCrew } from '../support/crewFiles.ts';
import { startRunnerHarness, type RunnerHarness } from '../support/runnerHarness.ts';

const CREWS = path.resolve('test/fixtures/hitl-crews');
const loadFixture = (run: RunRecord) =>
  loadCrew(run.crew, { crewsDir: CREWS, builtinTools: createBuiltinTools({}), builtinAliases: BUILTIN_TOOL_ALIASES });

/** Stands where a chat platform's API is: records what would have been posted. */
class RecordingPort implements ThreadPort {
  readonly platform = 'slack' as const;
  readonly calls: Array<{ method: string; thread: string; detail: unknown }> = [];
  #next = 0;
  async postStatus(thread: ThreadRef, status: StatusContext): Promise<MessageRef> {
    const id = `m${++this.#next}`;
    this.calls.push({ method: 'postStatus', thread: thread.id, detail: { id, marks: marks(status.view) } });
    return { id };
  }
  async updateStatus(thread: ThreadRef, message: MessageRef, status: StatusContext): Promise<void> {
    this.calls.push({ method: 'updateStatus', thread: thread.id, detail: { message: message.id, marks: marks(status.view), status: status.run.status } });
  }
  async postOutput(thread: ThreadRef, output: OutputMessage): Promise<void> {
    this.calls.push({ method: 'postOutput', thread: thread.id, detail: output });
  }
  async postRequest(thread: ThreadRef, request: HumanRequest, _run: RunRecord): Promise<MessageRef> {
    const id = `m${++this.#next}`;
    this.calls.push({ method: 'postRequest', thread: thread.id, detail: { id, kind: request.kind } });
    return { id };
  }
  async closeRequest(thread: ThreadRef, message: MessageRef, answered: AnsweredRequest): Promise<void> {
    this.calls.push({ method: 'closeRequest', thread: thread.id, detail: { message: message.id, by: answered.by, answer: answered.answer } });
  }
  async postNotice(thread: ThreadRef, text: string): Promise<void> {
    this.calls.push({ method: 'postNotice', thread: thread.id, detail: text });
  }
  posted(method: 'postStatus' | 'postRequest'): string {
    return (this.calls.find((call) => call.method === method)?.detail as { id: string }).id;
  }
  methods(): string[] {
    return this.calls.map((call) => call.method);
  }
}

const marks = (view: ProgressView) => view.tasks.map((task) => `${task.id}:${task.mark}`).join(' ');

describe('the thread reporter', () => {
  let h: RunnerHarness;
  const thread = { platform: 'slack' as const, id: 'slack:C1:1700000000.0001' };
  const ada = { platform: 'slack' as const, userId: 'U_ADA', name: 'Ada' };
  beforeEach(async () => {
    h = await startRunnerHarness(CREWS);
  });
  afterEach(async () => {
    await h.close();
  });

  it('posts one status message, coalesces edits, posts the request, closes it with who answered, and posts the result', async () => {
    const port = new RecordingPort();
    const reporter = new ThreadReporter({ runner: h.runner, port, loadCrew: loadFixture, statusEveryMs: 60_000 });
    const stop = reporter.start();
    h.server.enqueue({ content: 'Notes v1' }, { content: 'Tweet!' });
    const run = (await h.runner.kickoff({ crew: 'review_crew', inputs: { version: '1' }, requester: ada, thread }))!;
    await h.runner.idle();
    await reporter.flush();

    // Dozens of events, but with a long coalescing window only the edits the story needs go out.
    expect(port.methods()).toEqual(['postStatus', 'postRequest', 'updateStatus']);
    expect(port.calls[2]!.detail).toMatchObject({ message: 'm1', marks: 'draft_task:needs_input publish_task:waiting', status: 'awaiting_input' });

    await h.runner.answer(run.id, { answer: { type: 'approve' }, actor: ada });
    await h.runner.idle();
    await reporter.flush();
    expect(port.calls.find((c) => c.method === 'closeRequest')?.detail).toEqual({ message: 'm2', by: 'Ada', answer: 'approved' });
    const final = port.calls.filter((c) => c.method === 'postOutput').at(-1)!.detail as OutputMessage;
    expect(final).toMatchObject({ final: true, markdown: 'Tweet!' });
    const lastStatus = port.calls.filter((c) => c.method === 'updateStatus').at(-1)!.detail;
    expect(lastStatus).toMatchObject({ message: 'm1', marks: 'draft_task:done publish_task:done', status: 'completed' });
    stop();
  });

  it('edits the same messages after a restart, finding them in the store', async () => {
    const first = new RecordingPort();
    const reporter = new ThreadReporter({ runner: h.runner, port: first, loadCrew: loadFixture });
    const stop = reporter.start();
    h.server.enqueue({ content: 'Notes v1' }, { content: 'Tweet!' });
    const run = (await h.runner.kickoff({ crew: 'review_crew', inputs: { version: '1' }, requester: ada, thread }))!;
    await h.runner.idle();
    await reporter.flush();
    stop();

    const restarted = h.anotherRunner();
    const second = new RecordingPort();
    const after = new ThreadReporter({ runner: restarted, port: second, loadCrew: loadFixture });
    after.start();
    await restarted.answer(run.id, { answer: { type: 'approve' }, actor: ada });
    await restarted.idle();
    await after.flush();
    expect(second.methods()).not.toContain('postStatus');
    expect(second.calls.find((c) => c.method === 'closeRequest')?.detail).toMatchObject({ message: first.posted('postRequest') });
    expect(second.calls.filter((c) => c.method === 'updateStatus').at(-1)?.detail).toMatchObject({
      message: first.posted('postStatus'),
      marks: 'draft_task:done publish_task:done',
    });
  });

  it('shows a cancelled waiting run: status, the request closed with who cancelled, one notice', async () => {
    const port = new RecordingPort();
    const reporter = new ThreadReporter({ runner: h.runner, port, loadCrew: loadFixture });
    reporter.start();
    h.server.enqueue({ content: 'Notes v1' });
    const run = (await h.runner.kickoff({ crew: 'review_crew', inputs: { version: '1' }, requester: ada, thread }))!;
    await h.runner.idle();
    await reporter.flush();
    await h.runner.cancel(run.id, ada);
    await reporter.flush();
    expect(port.calls.find((c) => c.method === 'closeRequest')?.detail).toEqual({ message: port.posted('postRequest'), by: 'Ada', answer: 'cancelled the run' });
    expect(port.calls.filter((c) => c.method === 'postNotice').map((c) => c.detail)).toEqual(['Ada cancelled the run.']);
    expect(port.calls.filter((c) => c.method === 'updateStatus').at(-1)?.detail).toMatchObject({ status: 'cancelled' });
  });

  it('leaves runs of other platforms alone', async () => {
    const port = new RecordingPort();
    const reporter = new ThreadReporter({ runner: h.runner, port, loadCrew: loadFixture });
    reporter.start();
    h.server.enqueue({ content: 'Notes v1' });
    await h.runner.kickoff({ crew: 'review_crew', inputs: { version: '1' }, requester: ada, thread: { platform: 'discord', id: 'discord:42' } });
    await h.runner.idle();
    await reporter.flush();
    expect(port.calls).toEqual([]);
  });
});

/**
 * A verbose crew whose first task's output was logged by a process that never posted it (it died):
 * the next process to report the run posts it before anything new, once; a thread kept from before
 * posted messages were keyed is taken as told, not posted again.
 */
describe('the thread reporter, taking over a thread another process left behind', () => {
  let h: RunnerHarness;
  let crewsDir: string;
  const thread = { platform: 'slack' as const, id: 'slack:C1:1700000000.0002' };
  const ada = { platform: 'slack' as const, userId: 'U_ADA', name: 'Ada' };
  const loadNotes = (run: RunRecord) => loadCrew(run.crew, { crewsDir, builtinTools: createBuiltinTools({}), builtinAliases: BUILTIN_TOOL_ALIASES });
  beforeEach(async () => {
    crewsDir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-told-'));
    await writeCrew(crewsDir, 'notes_then_review', {
      agents: { writer: { role: 'Writer', goal: 'Write notes', backstory: 'You write notes.' } },
      tasks: {
        notes_task: { description: 'Write notes on {topic}.', expected_output: 'Notes.', agent: 'writer' },
        review_task: { description: 'Turn the notes into a summary.', expected_output: 'A summary.', agent: 'writer', human_input: true, context: ['notes_task'] },
      },
      crew: { verbose: true },
    });
    h = await startRunnerHarness(crewsDir);
    h.server.enqueue({ content: 'Notes on tides' }, { content: 'Tides, summed up' });
    // The first process: its notes_task output is logged, then the run waits for a person; it posts nothing.
    const run = (await h.runner.kickoff({ crew: 'notes_then_review', inputs: { topic: 'tides' }, requester: ada, thread }))!;
    await h.runner.idle();
    expect((await h.store.getRun(run.id))?.status).toBe('awaiting_input');
  });
  afterEach(async () => {
    await h.close();
    await rm(crewsDir, { recursive: true, force: true });
  });

  const answerElsewhere = async (): Promise<RecordingPort> => {
    const [run] = await h.store.listRuns();
    const other = h.anotherRunner();
    const port = new RecordingPort();
    const reporter = new ThreadReporter({ runner: other, port, loadCrew: loadNotes });
    reporter.start();
    await other.answer(run!.id, { answer: { type: 'approve' }, actor: ada });
    await other.idle();
    await reporter.flush();
    return port;
  };
  const outputs = (port: RecordingPort) => port.calls.filter((call) => call.method === 'postOutput').map((call) => (call.detail as OutputMessage).title);

  it('posts the output the dead process left unposted first, then the rest, each once', async () => {
    const port = await answerElsewhere();
    expect(outputs(port)).toEqual(['notes_task — Writer', 'review_task — Writer', 'notes_then_review']);
    const [run] = await h.store.listRuns();
    expect(await h.store.getThreadState(run!.id)).toMatchObject({ told: expect.arrayContaining([expect.stringMatching(/^output:notes_task:/), expect.stringMatching(/^result:/)]) });
  });

  it('takes a thread kept before posted messages were keyed as told so far', async () => {
    const [run] = await h.store.listRuns();
    await h.store.saveThreadState(run!.id, { status: { id: 'm1' }, requests: {} });
    const port = await answerElsewhere();
    expect(outputs(port)).toEqual(['review_task — Writer', 'notes_then_review']);
  });
});
