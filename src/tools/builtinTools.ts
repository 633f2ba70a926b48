import type { Redactor } from '../redactor.ts';
import type { Tool } from './defineTool.ts';
import { askHumanTool } from './askHuman.ts';
import { createFetchUrlTool } from './fetchUrl.ts';
import { createWebSearchTool } from './webSearch.ts';

export interface BuiltinToolsOptions {
  serperApiKey?: string | undefined;
  /** Default https://google.serper.dev/search. */
  serperApiUrl?: string | undefined;
  fetchAllowPrivate?: boolean | undefined;
  fetchTimeoutMs?: number | undefined;
  fetchMaxBytes?: number | undefined;
  redactor?: Redactor | undefined;
}

/** The tools a crew can name in agents.yaml without writing any code. */
export function createBuiltinTools(options: BuiltinToolsOptions): Record<string, Tool> {
  return {
    web_search: createWebSearchTool({ apiKey: options.serperApiKey, apiUrl: options.serperApiUrl, redactor: options.redactor }),
    fetch_url: createFetchUrlTool({
      allowPrivate: options.fetchAllowPrivate,
      timeoutMs: options.fetchTimeoutMs,
      maxBytes: options.fetchMaxBytes,
    }),
    ask_human: askHumanTool,
  };
}

/** CrewAI tool names that existing crews use, mapped to the built-in tool that does the same job. */
export const BUILTIN_TOOL_ALIASES: Record<string, string> = {
  SerperDevTool: 'web_search',
  ScrapeWebsiteTool: 'fetch_url',
  HumanTool: 'ask_human',
};
