import path from 'node:path';
import type { Config } from './config.ts';
import { listCrews, loadCrew, type LoadCrewOptions, type LoadedCrew } from './crews/index.ts';
import { OpenAiLlm } from './llm/openaiLlm.ts';
import type { LlmClient } from './llm/types.ts';
import { BUILTIN_TOOL_ALIASES, createBuiltinTools } from './tools/builtinTools.ts';

/** What every surface needs to run crews, built once from the configuration. */
export interface Runtime {
  config: Config;
  llm: LlmClient;
  loadCrew(nameOrDir: string): Promise<LoadedCrew>;
  listCrews(): ReturnType<typeof listCrews>;
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
  };
  return {
    config,
    llm,
    loadCrew: (nameOrDir) => loadCrew(nameOrDir, loadOptions),
    listCrews: () => listCrews(loadOptions),
  };
}
