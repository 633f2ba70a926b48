import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { Crew } from '../../src/engine/crew.ts';
import type { CrewEvent } from '../../src/engine/events.ts';
import type { CrewSpec } from '../../src/engine/spec.ts';
import { openRunStore } from '../../src/runs/openRunStore.ts';
import { Runner } from '../../src/runs/runner.ts';
import type { RunStore } from '../../src/runs/runStore.ts';
import { defineTool } from '../../src/tools/defineTool.ts';
import { agent, crew, task } from '../support/crewBuilders.ts';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { llmFor } from '../support/testLlm.ts';

/** A tool whose promise never settles; it records that it started and whether it was told to stop. */
function neverReturns(options: { timeoutMs?: number } = {}) {
  const seen = { started: 0, aborted: 0 };
  const tool = defineTool({
    name: 'hang_forever',
    description: 'Starts work that never finishes.',
    parameters: z.object({}),
    ...options,
    run: (_args, context) => {
      seen.started += 1;
      context.signal?.addEventListener('abort', () => (seen.aborted += 1));
      return new Promise<never>(() => undefined);
    },
  });
  return { tool, seen };
}

const callTheTool = { toolCalls: [{ name: 'hang_forever', arguments: {} }] };

describe('a tool call that never returns', () => {
  let server: ScriptedOpenAI;
  beforeEach(async () => {
    server = await startScriptedOpenAI();
  });
  afterEach(async () => {
    await server.close();
  });

  it('is stopped at the tool’s own timeout: the agent is told so and finishes without it', async () => {
    const { tool, seen } = neverReturns({ timeoutMs: 150 });
    server.enqueue(callTheTool, { content: 'Answered without the stuck tool.' });
    const events: CrewEvent[] = [];
    const spec = crew({ agents: [agent('a', { tools: [tool] })], tasks: [task('t', { agent: 'a' })] });
    const output = await new Crew(spec).kickoff({}, { llm: llmFor(server), onEvent: (event) => events.push(event) });

    expect(output.raw).toBe('Answered without the stuck tool.');
    const observation = server.requests[1]?.messages.find((m) => m.role === 'tool')?.content;
    expect(observation).toMatch(/^Error: Tool hang_forever did not finish within its timeout of 150 ms and was stopped/);
    expect(events).toContainEqual(expect.objectContaining({ type: 'tool_usage_error', tool: 'hang_forever' }));
    expect(seen).toEqual({ started: 1, aborted: 1 });
  });

  it('is stopped by max_execution_time: the task fails naming the tool and the limit', async () => {
    const { tool, seen } = neverReturns();
    server.enqueue(callTheTool);
    const spec = crew({ agents: [agent('a', { role: 'Archivist', tools: [tool], maxExecutionTime: 0.3 })], tasks: [task('t', { agent: 'a' })] });
    await expect(new Crew(spec).kickoff({}, { llm: llmFor(server) })).rejects.toThrow(
      'Task t failed: Archivist exceeded its max execution time (0.3 s) while tool hang_forever was running.',
    );
    expect(seen.aborted).toBe(1);
  });

  describe('in a runner with one run slot', () => {
    let dir: string;
    let store: RunStore;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-stuck-tool-'));
      store = await openRunStore(`sqlite://${path.join(dir, 'crewbot.sqlite')}`);
    });
    afterEach(async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('is stopped by cancel, which frees the slot at once for the next run', async () => {
      const { tool, seen } = neverReturns();
      const specs: Record<string, CrewSpec> = {
        stuck: crew({ name: 'stuck', agents: [agent('a', { tools: [tool] })], tasks: [task('t', { agent: 'a' })] }),
        quick: crew({ name: 'quick', agents: [agent('b')], tasks: [task('u', { agent: 'b' })] }),
      };
      server.on((req) => (req.tools.includes('hang_forever') ? callTheTool : { content: 'Quick answer.' }));
      const runner = new Runner({
        store,
        llm: llmFor(server),
        maxConcurrentRuns: 1,
        loadCrew: async (name) => ({ spec: specs[name]!, dir, warnings: [], inputs: {}, surfaces: {} }),
      });
      const requester = { platform: 'cli', userId: 'me' } as const;
      try {
        const stuck = await runner.kickoff({ crew: 'stuck', inputs: {}, requester });
        await vi.waitFor(() => expect(seen.started).toBe(1), { timeout: 10_000, interval: 20 });
        const queuedBehind = await runner.kickoff({ crew: 'quick', inputs: {}, requester });

        await runner.cancel(stuck!.id, { userId: 'me', platform: 'cli' });
        await vi.waitFor(async () => expect((await store.getRun(queuedBehind!.id))?.status).toBe('completed'), { timeout: 10_000, interval: 20 });
        expect((await store.getRun(stuck!.id))?.status).toBe('cancelled');
        expect(seen.aborted).toBe(1);
        await runner.idle(); // nothing is left advancing: the stuck call no longer holds the slot
      } finally {
        await runner.shutdown();
      }
    });
  });
});
