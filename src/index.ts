/**
 * The crewbot package: crews in code (Agent, Task, Crew), the OpenAI-compatible model client,
 * durable runs (Runner and run store), tools and the answer types. Tools for a crew's tools.ts
 * come from 'crewbot/tools'; a scripted model for tests from 'crewbot/testing'.
 */
import { loadLlmConfig } from './config.ts';
import { Crew as EngineCrew } from './engine/crew.ts';
import { DeferredLlm } from './llm/deferredLlm.ts';
import type { LlmClient } from './llm/types.ts';

export * from './engine/index.ts';

/**
 * A crew that runs with the model OPENAI_BASE_URL, OPENAI_API_KEY and OPENAI_MODEL describe
 * (read when a run starts) unless it is given `{ llm }`.
 */
export class Crew extends EngineCrew {
  #fromEnvironment: LlmClient | undefined;

  protected override defaultLlm(): LlmClient {
    // Read when a run starts; the SDK is imported on the first call, so importing crewbot stays light.
    const config = loadLlmConfig(process.env);
    this.#fromEnvironment ??= new DeferredLlm(async () => (await import('./llm/configuredLlm.ts')).llmFromConfig(config), config.OPENAI_MODEL);
    return this.#fromEnvironment;
  }
}

export { OpenAiLlm, type OpenAiLlmOptions } from './llm/openaiLlm.ts';
export type { LlmClient, LlmRequest, LlmResponse, ChatMessage, ToolCall, ToolSpec } from './llm/types.ts';
export * from './llm/errors.ts';
export type { RetryInfo, RetryPolicy } from './llm/retry.ts';
export { ConfigError } from './config.ts';

export { Runner, type RunnerOptions, type KickoffRequest, type RunListener } from './runs/runner.ts';
export { openRunStore, parseRunStoreUrl, RunStoreUrlError, RunStoreConnectionError, type OpenRunStoreOptions } from './runs/openRunStore.ts';
export { RunNotFoundError, RunAlreadyExistsError, StoredRunError, type RunStore } from './runs/runStore.ts';
export type { RunRecord, RunStatus, Requester, ThreadRef, Platform } from './runs/runRecord.ts';
export type { Actor, AnswerPolicy } from './runs/answerPolicy.ts';
export { RunBusyError, NotAllowedError, RunStateConflictError } from './runs/runErrors.ts';

export { loadCrew, CrewFileError, CrewNotFoundError, type LoadCrewOptions, type LoadedCrew, type CrewProblem } from './crews/index.ts';
export { crewsInCode, UnknownCodeCrewError } from './crews/codeCrews.ts';

export { defineTool, isTool, ToolArgumentsError, type Tool, type ToolContext, type ToolDefinition } from './tools/defineTool.ts';
export { createBuiltinTools, BUILTIN_TOOL_ALIASES, type BuiltinToolsOptions } from './tools/builtinTools.ts';
export { createWebSearchTool, WebSearchError, type WebSearchOptions } from './tools/webSearch.ts';
export { createFetchUrlTool, FetchUrlError, FetchRefusedError, type FetchUrlOptions } from './tools/fetchUrl.ts';
export { askHumanTool } from './tools/askHuman.ts';
