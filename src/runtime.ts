import path from 'node:path';
import type { Config } from './config.ts';
import { listCrews, loadCrew, type LoadCrewOptions, type LoadedCrew } from './crews/index.ts';
import { OpenAiLlm } from './llm/openaiLlm.ts';
import type { LlmClient } from './llm/types.ts';
import { openRunStore } from './runs/openRunStore.ts';
import { Runner, type RunnerOptions } from './runs/runner.ts';
import type { RunStore } from './runs/runStore.ts';
import { BUILTIN_TOOL_ALIASES, createBuiltinTools } from './tools/builtinTools.ts';
import { processMcpConnections } from './tools/mcp/mcpConnections.ts';
import { loadPriceTable } from './llm/prices.ts';

/** What every surface needs to run crews, built once from the configuration. */
export interface Runtime {
  config: Config;
  llm: LlmClient;
  loadCrew(nameOrDir: string): Promise<LoadedCrew>;
  listCrews(): ReturnType<typeof listCrews>;
  /** The run store named by CREWBOT_STORE and a Runner on it; close the store when done. */
  openRunner(options?: Partial<RunnerOptions>): Promise<{ runner: Runner; store: RunStore }>;
}

export function createRuntime(config: Config, overrides: { llm?: LlmClient; cwd?: string } = {}): Runtime {
  const cwd = overrides.cwd ?? process.cwd();
  const llm =
    overrides.llm ??
    new OpenAiLlm({
      apiKey: config.OPENAI_API_KEY,
      baseURL: config.OPENAI_BASE_URL,
      defaultModel: config.OPENAI_MODEL,
      timeoutMs: config.OPENAI_TIMEOUT_MS,
    });
  const loadOptions: LoadCrewOptions = {
    crewsDir: path.resolve(cwd, config.CREWBOT_CREWS_DIR),
    builtinTools: createBuiltinTools({
      serperApiKey: config.SERPER_API_KEY,
      serperApiUrl: config.SERPER_API_URL,
      fetchAllowPrivate: config.FETCH_ALLOW_PRIVATE,
    }),
    builtinAliases: BUILTIN_TOOL_ALIASES,
    mcp: { connections: processMcpConnections, urlHeaders: config.CREWBOT_MCP_HEADERS },
  };
  const load = (nameOrDir: string) => loadCrew(nameOrDir, loadOptions);
  return {
    config,
    llm,
    loadCrew: load,
    listCrews: () => listCrews(loadOptions),
    openRunner: async (options = {}) => {
      const [store, prices] = await Promise.all([openRunStore(config.CREWBOT_STORE, { cwd }), loadPriceTable(config.CREWBOT_PRICES, cwd)]);
      return { store, runner: new Runner({ store, llm, loadCrew: load, maxConcurrentRuns: config.CREWBOT_MAX_RUNS, prices, ...options }) };
    },
  };
}
