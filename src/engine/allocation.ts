import { z } from 'zod';
import { askCoordinator } from './coordinator.ts';
import type { RunContext } from './runContext.ts';
import type { AgentSpec, TaskSpec } from './spec.ts';

export interface Allocation {
  agent: AgentSpec;
  reason: string;
}

/**
 * Picks an agent for a task that names none: one short routing call over roles and goals;
 * among equally fit agents the least busy wins.
 */
export async function allocateAgent(ctx: RunContext, task: TaskSpec): Promise<Allocation> {
  const agents = ctx.spec.agents;
  const ids = agents.map((agent) => agent.id) as [string, ...string[]];
  const roster = agents.map((agent) => `- ${agent.id}: ${agent.role}. ${agent.goal}`).join('\n');
  const routing = await askCoordinator(ctx, task.id, `${task.id}/allocation`, {
    system: 'You route a task to the agent best fit to do it. List several agents only if they are equally fit.',
    user: `Task: ${task.description}\nExpected output: ${task.expectedOutput}\n\nAgents:\n${roster}`,
    name: 'routing',
    schema: z.object({ agents: z.array(z.enum(ids)).min(1), reason: z.string() }),
  });
  const fit = agents.filter((agent) => routing.agents.includes(agent.id));
  return { agent: leastBusy(ctx, fit.length > 0 ? fit : agents), reason: routing.reason };
}

function leastBusy(ctx: RunContext, candidates: AgentSpec[]): AgentSpec {
  const load = (agent: AgentSpec) => {
    let running = 0;
    let assigned = 0;
    for (const task of Object.values(ctx.state.tasks)) {
      if (task.agent !== agent.id) continue;
      assigned += 1;
      if (task.status === 'running') running += 1;
    }
    return running * 1000 + assigned;
  };
  return candidates.reduce((best, agent) => (load(agent) < load(best) ? agent : best));
}
