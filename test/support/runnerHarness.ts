import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadCrew } from '../../src/crews/loadCrew.ts';
import { openRunStore } from '../../src/runs/openRunStore.ts';
import { Runner, type RunnerOptions } from '../../src/runs/runner.ts';
import type { RunStore } from '../../src/runs/runStore.ts';
import { BUILTIN_TOOL_ALIASES, createBuiltinTools } from '../../src/tools/builtinTools.ts';
import { startScriptedOpenAI, type ScriptedOpenAI } from './scriptedOpenAI.ts';
import { llmFor } from './testLlm.ts';
import { Learning } from '../../src/learning/learning.ts';

export interface RunnerHarness {
  server: ScriptedOpenAI;
  store: RunStore;
  storeUrl: string;
  runner: Runner;
  crewsDir: string;
  /** A second runner on the same store, as another process would have. */
  anotherRunner(options?: Partial<RunnerOptions>): Runner;
  close(): Promise<void>;
}

/**
 * A Runner on a real SQLite file, the real loader and the real OpenAI client against the scripted
 * server. `learning`: it learns lessons and keeps ratings in the same store, as `crewbot start` does.
 */
export async function startRunnerHarness(crewsDir: string, harnessOptions: Partial<Omit<RunnerOptions, 'learning'>> & { learning?: boolean } = {}): Promise<RunnerHarness> {
  const { learning, ...options } = harnessOptions;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-runner-'));
  const storeUrl = `sqlite://${path.join(dir, 'crewbot.sqlite')}`;
  const server = await startScriptedOpenAI();
  const store = await openRunStore(storeUrl);
  const builtinTools = createBuiltinTools({});
  const make = (extra: Partial<RunnerOptions> = {}) =>
    new Runner({
      store,
      llm: llmFor(server),
      loadCrew: (name) => loadCrew(name, { crewsDir, builtinTools, builtinAliases: BUILTIN_TOOL_ALIASES }),
      leaseTtlMs: 2_000,
      ...(learning ? { learning: new Learning({ store, llm: llmFor(server) }) } : {}),
      ...options,
      ...extra,
    });
  const runner = make();
  const others: Runner[] = [];
  return {
    server,
    store,
    storeUrl,
    runner,
    crewsDir,
    anotherRunner: (extra) => {
      const other = make(extra);
      others.push(other);
      return other;
    },
    close: async () => {
      await Promise.all([runner, ...others].map((r) => r.shutdown()));
      await store.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
