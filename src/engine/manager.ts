import { AGENT_DEFAULTS } from './defaults.ts';
import type { AgentSpec, CrewSpec } from './spec.ts';

/** Id of the built-in manager agent. */
export const MANAGER_ID = 'crew_manager';

/** CrewAI's built-in manager for hierarchical crews, unless the crew names its own. */
export function managerFor(spec: CrewSpec): AgentSpec {
  if (spec.managerAgent) {
    const own = spec.agents.find((agent) => agent.id === spec.managerAgent);
    if (own) return own;
  }
  return {
    id: MANAGER_ID,
    role: 'Crew Manager',
    goal: 'Get every task done to its expected output by delegating to the right coworkers and checking their work.',
    backstory:
      'You are a seasoned manager. You know each coworker, give them precise work with all the context they need, and check results before you answer.',
    llm: spec.managerLlm,
    tools: [],
    allowDelegation: true,
    maxIter: AGENT_DEFAULTS.maxIter,
    verbose: AGENT_DEFAULTS.verbose,
  };
}
