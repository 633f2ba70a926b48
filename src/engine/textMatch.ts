import MiniSearch from 'minisearch';
import type { AgentSpec } from './spec.ts';

/**
 * Agents whose role, goal and backstory best match a task's text (ties all returned), by a
 * full-text ranking; empty when no word matches.
 */
export function bestTextMatches(agents: AgentSpec[], text: string): AgentSpec[] {
  const index = new MiniSearch<AgentSpec>({ fields: ['role', 'goal', 'backstory'], storeFields: [], idField: 'id' });
  index.addAll(agents);
  const results = index.search(text, { combineWith: 'OR', prefix: true, fuzzy: 0.2, boost: { role: 2, goal: 1.5 } });
  const top = results[0]?.score;
  if (top === undefined) return [];
  const ids = new Set(results.filter((result) => result.score === top).map((result) => String(result.id)));
  return agents.filter((agent) => ids.has(agent.id));
}
