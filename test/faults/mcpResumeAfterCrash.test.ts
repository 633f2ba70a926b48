import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeCrew } from '../support/crewFiles.ts';
import { everythingOverStdio, toolCallsIn } from '../support/mcpServers.ts';
import { startRunnerHarness, type RunnerHarness } from '../support/runnerHarness.ts';
import { startRunnerProcess, type RunnerProcessEnv } from '../support/runnerProcess.ts';

describe('a runner process killed after an MCP tool answered', () => {
  let work: string;
  let h: RunnerHarness;
  let env: RunnerProcessEnv;
  beforeEach(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'crewbot-mcp-crash-'));
    h = await startRunnerHarness(path.join(work, 'crews'));
    env = { storeUrl: h.storeUrl, llmUrl: h.server.url, crewsDir: h.crewsDir, leaseTtlMs: 1_000 };
  });
  afterEach(async () => {
    await h.close();
    await rm(work, { recursive: true, force: true });
  });

  it('is resumed by the next process without calling the MCP tool again', async () => {
    const server = everythingOverStdio(work, 'tracker');
    await writeCrew(h.crewsDir, 'filing', {
      agents: { clerk: { role: 'Clerk', goal: 'File the issue', backstory: 'You file issues.', tools: ['tracker.echo'] } },
      tasks: { file: { description: 'File the issue.', expected_output: 'Its id.', agent: 'clerk' } },
      crew: { mcp_servers: { tracker: server.entry } },
    });
    h.server.once(() => ({ toolCalls: [{ id: 'file_it', name: 'echo', arguments: { message: 'ISSUE-7' } }] }));
    // The call after the tool's result never answers: the process dies while it waits.
    h.server.once(() => ({ hang: true }));
    h.server.on(() => ({ content: 'Filed as ISSUE-7.' }));

    const first = startRunnerProcess(['kickoff', 'filing'], env);
    const runId = JSON.parse(await first.waitForLine((line) => line.startsWith('{"runId"'), 'run id')).runId as string;
    await vi.waitFor(() => expect(h.server.requests).toHaveLength(2), { timeout: 90_000, interval: 50 });
    first.kill('SIGKILL');
    await first.exited;
    expect(await toolCallsIn(server.logFile)).toEqual([{ name: 'echo', arguments: { message: 'ISSUE-7' } }]);

    await vi.waitFor(async () => expect(await h.store.leaseHolder(runId)).toBeUndefined(), { timeout: 5_000, interval: 50 });
    const second = startRunnerProcess(['recover'], env);
    const exit = await second.exited;
    expect(exit.code, exit.stderr).toBe(0);

    expect((await h.store.getRun(runId))?.status).toBe('completed');
    // The resumed conversation carries the checkpointed result; the server saw one call in all.
    const resumed = h.server.requests.at(-1)!.messages.filter((m) => m.role === 'tool');
    expect(resumed.map((m) => m.content)).toEqual(['Echo: ISSUE-7']);
    expect(await toolCallsIn(server.logFile)).toEqual([{ name: 'echo', arguments: { message: 'ISSUE-7' } }]);
    // Two runner processes, each starting the MCP server.
  }, 180_000);
});
