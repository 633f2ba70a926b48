import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { discordThread } from '../../src/chat/discord/thread.ts';
import { STOPPED_MARK, WRITING_MARK } from '../../src/chat/discord/growingMessages.ts';
import { startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.ts';
import { startRunnerHarness, type RunnerHarness } from '../support/runnerHarness.ts';
import { discordRunnerEnv, startRunnerProcess, type RunnerProcessEnv } from '../support/runnerProcess.ts';
import type { RecordedRequest } from '../support/scriptedOpenAI.ts';

const CREWS = path.resolve('test/fixtures/fault-crews');
const DRAFT = Array.from({ length: 40 }, (_, i) => `Paragraph ${i + 1}: the moon pulls the sea toward it.`).join('\n');

describe('a runner process killed with SIGKILL while the model streams', () => {
  let h: RunnerHarness;
  let discord: FakeDiscord;
  let env: RunnerProcessEnv;
  beforeEach(async () => {
    h = await startRunnerHarness(CREWS);
    discord = await startFakeDiscord();
    env = discordRunnerEnv(h, discord);
  });
  afterEach(async () => {
    await h.close();
    await discord.close();
  });

  const calls = (step: string) => h.server.requests.filter((req) => req.lastUser.includes(step)).length;
  const answer = (step: string, content: string) => (req: RecordedRequest) => (req.lastUser.includes(step) ? { content } : undefined);

  it('repeats only the call that was streaming, and finishes the message left growing in the thread', async () => {
    const thread = discordThread(discord.guildId, discord.channels.general.id);
    const channel = discord.channels.general.id;
    h.server.on(answer('Step one', 'Outline: tides rise, tides fall.'));
    // The draft streams slowly the first time (about 20 s in all): the process is killed part way.
    h.server.once((req) => (req.lastUser.includes('Step two') ? { content: DRAFT, chunkChars: 12, chunkDelayMs: 100 } : undefined));
    h.server.on(answer('Step two', DRAFT));
    h.server.on(answer('Step three', 'Tides, polished.'));

    const first = startRunnerProcess(['kickoff', 'three_steps', 'topic=tides'], { ...env, thread });
    const runId = JSON.parse(await first.waitForLine((line) => line.startsWith('{"runId"'), 'run id')).runId as string;
    await first.waitForLine((line) => line === 'event llm_stream_chunk draft_task', 'the draft streaming');
    // The draft's message is growing in the thread, and the run's thread state says so.
    await vi.waitFor(async () => expect(await h.store.getThreadState(runId)).toMatchObject({ stream: { id: expect.any(String) } }), { timeout: 15_000, interval: 50 });
    const growing = discord.messagesIn(channel).find((message) => message.content.includes(WRITING_MARK))!;
    expect(growing.content).toContain('draft\\_task');
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(calls('Step two')).toBe(1);
    expect(h.server.requests.find((req) => req.lastUser.includes('Step two'))?.stream).toBe(true);

    await vi.waitFor(async () => expect(await h.store.leaseHolder(runId)).toBeUndefined(), { timeout: 5_000, interval: 50 });
    const second = startRunnerProcess(['recover'], env);
    const exit = await second.exited;
    expect(exit.code, exit.stderr).toBe(0);

    expect((await h.store.getRun(runId))?.status).toBe('completed');
    // Only the call cut off mid-stream was made again: a clean run makes one call per task.
    expect([calls('Step one'), calls('Step two'), calls('Step three')]).toEqual([1, 2, 1]);
    expect(h.server.requests).toHaveLength(3 + 1);
    expect((await h.store.getTaskOutputs(runId)).draft_task).toMatchObject({ raw: DRAFT });

    // The message the dead process left growing was finished with an edit; nothing in the thread is still "writing".
    const left = discord.messages.get(growing.id)!;
    expect(left.edits).toBeGreaterThan(0);
    expect(left.content).toContain(STOPPED_MARK);
    expect(discord.messagesIn(channel).filter((message) => message.content.includes(WRITING_MARK))).toEqual([]);
    expect(await h.store.getThreadState(runId)).not.toHaveProperty('stream');
    // The resumed call's text became the draft's output in a message of its own.
    expect(discord.messagesIn(channel).some((message) => message.id !== growing.id && message.content.startsWith('**draft\\_task — Writer**'))).toBe(true);
  }, 90_000);
});
