import { z } from 'zod';
import { Redactor } from '../redactor.ts';
import { defineTool, type Tool } from './defineTool.ts';

export interface WebSearchOptions {
  apiKey?: string | undefined;
  /** Serper's search endpoint; a different URL points the tool at a compatible server. */
  apiUrl?: string | undefined;
  timeoutMs?: number | undefined;
  /** Removes the key (and every other secret the runtime knows) from what Serper echoes; by default the key alone. */
  redactor?: Redactor | undefined;
}

/** web_search is not configured or Serper could not answer. */
export class WebSearchError extends Error {
  override name = 'WebSearchError';
}

export const DEFAULT_SERPER_API_URL = 'https://google.serper.dev/search';
const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_RESULTS = 5;
const MISSING_KEY = 'needs SERPER_API_KEY; set it in .env (get a key at https://serper.dev)';

// Loose on purpose: Serper adds fields over time, and only these are shown to the model.
const SerperResponseSchema = z.object({
  answerBox: z
    .object({
      title: z.string().optional(),
      answer: z.string().optional(),
      snippet: z.string().optional(),
      link: z.string().optional(),
    })
    .optional(),
  knowledgeGraph: z
    .object({
      title: z.string().optional(),
      type: z.string().optional(),
      description: z.string().optional(),
      website: z.string().optional(),
    })
    .optional(),
  organic: z.array(z.object({ title: z.string(), link: z.string(), snippet: z.string().optional() })).default([]),
});
type SerperResponse = z.infer<typeof SerperResponseSchema>;

export function createWebSearchTool(options: WebSearchOptions = {}): Tool {
  const apiUrl = options.apiUrl ?? DEFAULT_SERPER_API_URL;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const redactor = options.redactor ?? new Redactor([options.apiKey]);
  return defineTool({
    name: 'web_search',
    description:
      'Search the web (Google, through Serper). Returns the top results as numbered "title — link" lines with a snippet. ' +
      'Read a promising result with fetch_url.',
    parameters: z.object({
      query: z.string().min(1).describe('What to search for'),
      num_results: z.number().int().min(1).max(10).optional().describe(`How many results to return (default ${DEFAULT_RESULTS})`),
    }),
    setupProblem: options.apiKey ? undefined : MISSING_KEY,
    async run({ query, num_results }, context) {
      const apiKey = options.apiKey;
      if (!apiKey) throw new WebSearchError(`web_search ${MISSING_KEY}.`);
      const count = num_results ?? DEFAULT_RESULTS;
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = context.signal ? AbortSignal.any([timeout, context.signal]) : timeout;
      let response: Response;
      try {
        response = await fetch(apiUrl, {
          method: 'POST',
          headers: { 'X-API-KEY': apiKey, 'Content-Type': 'application/json' },
          body: JSON.stringify({ q: query, num: count }),
          signal,
        });
      } catch (error) {
        if (timeout.aborted) throw new WebSearchError(`web_search timed out after ${timeoutMs} ms; try again later.`);
        if (context.signal?.aborted) throw error;
        throw new WebSearchError(`web_search could not reach Serper: ${redactor.redact(describeFetchError(error))}.`);
      }
      const body = await readBody(response, timeoutMs, timeout);
      if (!response.ok) {
        const hint = response.status === 401 || response.status === 403 ? ' Check SERPER_API_KEY.' : '';
        const excerpt = body.trim() ? `: ${redactor.redact(body.trim().slice(0, 200))}` : '';
        throw new WebSearchError(`web_search failed: Serper answered HTTP ${response.status}${excerpt}.${hint}`);
      }
      const parsed = SerperResponseSchema.safeParse(parseJson(body));
      if (!parsed.success) {
        throw new WebSearchError(`web_search got an answer from Serper it does not understand: ${z.prettifyError(parsed.error)}`);
      }
      return formatResults(query, parsed.data, count);
    },
  });
}

async function readBody(response: Response, timeoutMs: number, timeout: AbortSignal): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    if (timeout.aborted) throw new WebSearchError(`web_search timed out after ${timeoutMs} ms; try again later.`);
    throw error;
  }
}

function formatResults(query: string, results: SerperResponse, count: number): string {
  const sections: string[] = [];
  const answer = results.answerBox;
  const answerText = answer?.answer ?? answer?.snippet;
  if (answerText) sections.push(`Answer: ${answerText}${answer?.link ? ` — ${answer.link}` : ''}`);
  const graph = results.knowledgeGraph;
  if (graph?.title && graph.description) {
    const type = graph.type ? ` (${graph.type})` : '';
    sections.push(`${graph.title}${type}: ${graph.description}${graph.website ? ` — ${graph.website}` : ''}`);
  }
  const organic = results.organic.slice(0, count).map((result, index) => {
    const line = `${index + 1}. ${result.title} — ${result.link}`;
    return result.snippet ? `${line}\n   ${result.snippet}` : line;
  });
  if (organic.length > 0) sections.push(organic.join('\n'));
  if (sections.length === 0) return `No results for "${query}".`;
  return [`Search results for "${query}":`, ...sections].join('\n\n');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
}
