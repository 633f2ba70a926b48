import type { Tool } from '../tools/defineTool.ts';
import type { RunContext } from './runContext.ts';

/** Results kept per run; the oldest go first, so a long run's checkpoint stays small. */
const MAX_ENTRIES = 200;

interface CacheUser {
  /** The agent's `cache` setting; absent means on (CrewAI's default). */
  cache?: boolean | undefined;
}

/**
 * CrewAI's tool-result cache: an identical call (same tool, same arguments) within a run returns
 * the recorded result. The key, or undefined when this call may not use the cache: the crew or the
 * agent turned it off, the tool opted out, or the tool needs a person's approval.
 */
export function toolCacheKey(ctx: RunContext, agent: CacheUser, tool: Tool, rawArguments: string, needsApproval: boolean): string | undefined {
  if (needsApproval || ctx.spec.cache === false || agent.cache === false || tool.cacheable === false) return undefined;
  return `${tool.name}:${canonicalArguments(rawArguments)}`;
}

export function cachedToolResult(ctx: RunContext, key: string | undefined): string | undefined {
  return key === undefined ? undefined : ctx.state.toolCache[key];
}

export function recordToolResult(ctx: RunContext, key: string | undefined, output: string): void {
  if (key === undefined) return;
  const cache = ctx.state.toolCache;
  delete cache[key];
  cache[key] = output;
  const keys = Object.keys(cache);
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_ENTRIES))) delete cache[old];
}

/** The same arguments written with other spacing or key order are the same call. */
function canonicalArguments(raw: string): string {
  try {
    return JSON.stringify(sortKeys(JSON.parse(raw.trim() === '' ? '{}' : raw)));
  } catch {
    return raw;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
