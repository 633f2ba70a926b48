import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { processMcpConnections } from '../../../src/tools/mcp/mcpConnections.ts';
import { writeCrew } from '../../support/crewFiles.ts';
import { everythingOverStdio, startEverythingOverHttp, toolCallsIn, type HttpMcpServer } from '../../support/mcpServers.ts';
import { startRunnerHarness, type RunnerHarness } from '../../support/runnerHarness.ts';
import type { RecordedRequest } from '../../support/scriptedOpenAI.ts';

const ada = { platform: 'slack' as const, userId: 'U_ADA', name: 'Ada' };
const helper = { helper: { role: 'Helper', goal: 'Use the tools', backstory: 'You use tools.', tools: [] as string[] } };
const oneTask = { work: { description: 'Echo something.', expected_output: 'The echo.', agent: 'helper' } };

const toolResults = (req: RecordedRequest | undefined) => (req?.messages ?? []).filter((m) => m.role === 'tool').map((m) => m.content);
const toolSpecs = (req: RecordedRequest | undefined) =>
  ((req?.body.tools ?? []) as Array<{ function: { name: string; parameters: Record<string, unknown> } }>).map((t) => t.function);

describe('MCP servers as tools in a run', () => {
  let work: string;
  let h: RunnerHarness;
  beforeEach(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'crewbot-mcp-'));
    h = await startRunnerHarness(path.join(work, 'crews'));
  });
  afterEach(async () => {
    await h.close();
    await processMcpConnections.closeAll();
    await rm(work, { recursive: true, force: true });
  });

  it('offers a stdio server’s tools with their schemas as stated, calls them, and checks arguments first', async () => {
    const server = everythingOverStdio(work, 'everything');
    await writeCrew(h.crewsDir, 'mcp_crew', {
      agents: { helper: { ...helper.helper, tools: ['everything'] } },
      tasks: oneTask,
      crew: { mcp_servers: { everything: server.entry } },
    });
    h.server.once(() => ({ toolCalls: [{ id: 'bad', name: 'get-sum', arguments: { a: 'one', b: 2 } }] }));
    h.server.once(() => ({ toolCalls: [{ id: 'good', name: 'echo', arguments: { message: 'hello' } }] }));
    h.server.on(() => ({ content: 'Echoed.' }));

    const run = await h.runner.kickoff({ crew: 'mcp_crew', inputs: {}, requester: ada });
    await h.runner.idle();
    expect((await h.store.getRun(run!.id))?.status).toBe('completed');

    const echo = toolSpecs(h.server.requests[0]).find((spec) => spec.name === 'echo');
    expect(echo?.parameters).toMatchObject({ type: 'object', properties: { message: { type: 'string' } }, required: ['message'] });
    expect(toolSpecs(h.server.requests[0]).map((spec) => spec.name)).toContain('get-sum');
    // The bad arguments never reached the server; the agent was told what was wrong.
    expect(toolResults(h.server.requests[1])[0]).toMatch(/^Error: Invalid arguments for get-sum: .*a/);
    expect(toolResults(h.server.requests[2])[1]).toBe('Echo: hello');
    expect(await toolCallsIn(server.logFile)).toEqual([{ name: 'echo', arguments: { message: 'hello' } }]);
  });

  it('prefixes tools with their server’s name only where two servers offer the same name', async () => {
    const alpha = everythingOverStdio(work, 'alpha');
    const beta = everythingOverStdio(work, 'beta');
    await writeCrew(h.crewsDir, 'two_servers', {
      agents: { helper: { ...helper.helper, tools: ['alpha', 'beta.echo', 'fetch_url'] } },
      tasks: oneTask,
      crew: { mcp_servers: { alpha: alpha.entry, beta: beta.entry } },
    });
    h.server.once(() => ({ toolCalls: [{ id: 'b', name: 'beta_echo', arguments: { message: 'from beta' } }] }));
    h.server.on(() => ({ content: 'Done.' }));

    const run = await h.runner.kickoff({ crew: 'two_servers', inputs: {}, requester: ada });
    await h.runner.idle();
    expect((await h.store.getRun(run!.id))?.status).toBe('completed');
    const names = toolSpecs(h.server.requests[0]).map((spec) => spec.name);
    expect(names).toEqual(expect.arrayContaining(['alpha_echo', 'beta_echo', 'get-sum', 'fetch_url']));
    expect(names).not.toContain('echo');
    expect(await toolCallsIn(beta.logFile)).toEqual([{ name: 'echo', arguments: { message: 'from beta' } }]);
    expect(await toolCallsIn(alpha.logFile)).toEqual([]);
  });

  it('waits for a person before a tool named in require_approval runs, and runs it once approved', async () => {
    const server = everythingOverStdio(work, 'everything');
    await writeCrew(h.crewsDir, 'approval_crew', {
      agents: { helper: { ...helper.helper, tools: ['everything.echo'] } },
      tasks: oneTask,
      crew: { mcp_servers: { everything: server.entry }, require_approval: ['echo'] },
    });
    h.server.once(() => ({ toolCalls: [{ id: 'c1', name: 'echo', arguments: { message: 'ship it' } }] }));
    h.server.on(() => ({ content: 'Shipped.' }));

    const started = await h.runner.kickoff({ crew: 'approval_crew', inputs: {}, requester: ada });
    await h.runner.idle();
    let run = (await h.store.getRun(started!.id))!;
    expect(run.status).toBe('awaiting_input');
    expect(run.pending[0]).toMatchObject({ kind: 'approval', tool: 'echo', arguments: '{"message":"ship it"}' });
    expect(await toolCallsIn(server.logFile)).toEqual([]);

    await h.runner.answer(run.id, { answer: { type: 'approve' }, actor: ada });
    await h.runner.idle();
    run = (await h.store.getRun(run.id))!;
    expect(run.status).toBe('completed');
    expect(await toolCallsIn(server.logFile)).toEqual([{ name: 'echo', arguments: { message: 'ship it' } }]);
  });

  it('tells the agent when a stdio server crashes mid-call, and starts it again on the next call', async () => {
    const server = everythingOverStdio(work, 'everything');
    await writeCrew(h.crewsDir, 'crash_crew', {
      agents: { helper: { ...helper.helper, tools: ['everything'] } },
      tasks: oneTask,
      crew: { mcp_servers: { everything: server.entry } },
    });
    h.server.once(() => ({ toolCalls: [{ id: 'slow', name: 'trigger-long-running-operation', arguments: { duration: 30, steps: 30 } }] }));
    h.server.once(() => ({ toolCalls: [{ id: 'again', name: 'echo', arguments: { message: 'still here?' } }] }));
    h.server.on(() => ({ content: 'Recovered.' }));

    const run = await h.runner.kickoff({ crew: 'crash_crew', inputs: {}, requester: ada });
    await vi.waitFor(async () => expect((await toolCallsIn(server.logFile)).length).toBe(1), { timeout: 20_000, interval: 50 });
    const firstPid = Number(await readFile(server.pidFile, 'utf8'));
    process.kill(firstPid, 'SIGKILL');
    await h.runner.idle();

    expect((await h.store.getRun(run!.id))?.status).toBe('completed');
    const [crashed, echoed] = toolResults(h.server.requests[2]);
    expect(crashed).toMatch(/^Error: MCP server "everything" failed the call to trigger-long-running-operation/);
    expect(echoed).toBe('Echo: still here?');
    expect(Number(await readFile(server.pidFile, 'utf8'))).not.toBe(firstPid);
  });

  it('uses an agent’s `mcps:` URL over streamable HTTP, narrowed to one tool with #tool_name', async () => {
    let http: HttpMcpServer | undefined;
    try {
      http = await startEverythingOverHttp();
      await writeCrew(h.crewsDir, 'http_crew', {
        agents: { helper: { ...helper.helper, mcps: [`${http.url}#echo`] } },
        tasks: oneTask,
      });
      h.server.once(() => ({ toolCalls: [{ id: 'h1', name: 'echo', arguments: { message: 'over http' } }] }));
      h.server.on(() => ({ content: 'Done.' }));

      const run = await h.runner.kickoff({ crew: 'http_crew', inputs: {}, requester: ada });
      await h.runner.idle();
      expect((await h.store.getRun(run!.id))?.status).toBe('completed');
      expect(toolSpecs(h.server.requests[0]).map((spec) => spec.name)).toEqual(['echo']);
      expect(toolResults(h.server.requests[1])).toEqual(['Echo: over http']);
    } finally {
      await http?.close();
    }
  });

  it('gives the agent the failure as the observation when a server cannot be reached, and the run goes on', async () => {
    await writeCrew(h.crewsDir, 'down_crew', {
      agents: { helper: { ...helper.helper, tools: ['gone.create_issue'] } },
      tasks: oneTask,
      crew: { mcp_servers: { gone: { url: 'http://127.0.0.1:9/mcp', headers: { Authorization: 'Bearer ${MCP_TEST_TOKEN_UNSET}' } } } },
    });
    h.server.once(() => ({ toolCalls: [{ id: 'x', name: 'create_issue', arguments: { title: 'Bug' } }] }));
    h.server.on(() => ({ content: 'Could not file it.' }));

    const run = await h.runner.kickoff({ crew: 'down_crew', inputs: {}, requester: ada });
    await h.runner.idle();
    expect((await h.store.getRun(run!.id))?.status).toBe('completed');
    expect(toolResults(h.server.requests[1])[0]).toMatch(/^Error: create_issue is unavailable: .*MCP_TEST_TOKEN_UNSET.* is not set/);
  });
});
