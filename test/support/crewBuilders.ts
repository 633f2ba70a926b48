import type { AgentSpec, CrewSpec, TaskSpec } from '../../src/engine/spec.ts';

/** Small builders so engine tests state only what their story needs. */
export function agent(id: string, overrides: Partial<AgentSpec> = {}): AgentSpec {
  return {
    id,
    role: overrides.role ?? id.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase()),
    goal: `Do the work of ${id} well`,
    backstory: `You are an experienced ${id}.`,
    tools: [],
    allowDelegation: false,
    maxIter: 25,
    verbose: false,
    ...overrides,
  };
}

export function task(id: string, overrides: Partial<TaskSpec> = {}): TaskSpec {
  return {
    id,
    description: `Do ${id}.`,
    expectedOutput: `The result of ${id}.`,
    asyncExecution: false,
    humanInput: false,
    markdown: false,
    guardrailMaxRetries: 3,
    priority: 0,
    ...overrides,
  };
}

export function crew(overrides: Partial<CrewSpec> & Pick<CrewSpec, 'agents' | 'tasks'>): CrewSpec {
  return { name: 'test_crew', process: 'sequential', ...overrides };
}
