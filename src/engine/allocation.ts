import { z } from 'zod';
import { StructuredOutputError } from '../llm/errors.ts';
import { askCoordinator } from './coordinator.ts';
import type { RunContext } from './runContext.ts';
import type { AgentSpec, TaskSpec } from './spec.ts';
import { bestTextMatches } from './textMatch.ts';

export interface Allocation {
  agent: AgentSpec;
  reason: string;
}

const RoutingSchema = (ids: [string, ...string[]]) => z.object({ agents: z.array(z.enum(ids)).min(1), reason: z.string() });

/**
 * Picks an agent for a task that names none. A crew of one agent needs no question. Otherwise one
 * short routing call over roles and goals; when the model cannot give a usable answer (small
 * models often answer in plain text), the agent whose role, goal and backstory best match the
 * task's text, then the least busy. Among equally fit agents the least busy wins.
 */
export async function allocateAgent(ctx: RunContext, task: TaskSpec): Promise<Allocation> {
  const agents = ctx.spec.agents;
  if (agents.length === 1) return { agent: agents[0]!, reason: 'the crew has one agent' };
  const ids = agents.map((agent) => agent.id) as [string, ...string[]];
  const roster = agents.map((agent) => `- ${agent.id}: ${agent.role}. ${agent.goal}`).join('\n');
  const expected = task.expectedOutput ? `\nExpected output: ${task.expectedOutput}` : '';
  const decisionKey = `${task.id}/allocation`;
  try {
    const routing = await askCoordinator(ctx, task.id, decisionKey, {
      system: 'You route a task to the agent best fit to do it. List several agents only if they are equally fit.',
      user: `Task: ${task.description}${expected}\n\nAgents:\n${roster}`,
      name: 'routing',
      schema: RoutingSchema(ids),
    });
    const fit = agents.filter((agent) => routing.agents.includes(agent.id));
    return { agent: leastBusy(ctx, fit.length > 0 ? fit : agents), reason: routing.reason };
  } catch (error) {
    if (!(error instanceof StructuredOutputError)) throw error;
    const allocation = fallbackAllocation(ctx, task);
    // Kept like a routing answer, so a resumed run routes the same way without asking again.
    ctx.state.decisions[decisionKey] = { agents: [allocation.agent.id], reason: allocation.reason };
    await ctx.checkpoint();
    return allocation;
  }
}

function fallbackAllocation(ctx: RunContext, task: TaskSpec): Allocation {
  const unusable = 'the routing answer was unusable';
  const matches = bestTextMatches(ctx.spec.agents, `${task.description} ${task.expectedOutput}`);
  if (matches.length > 0) {
    const agent = leastBusy(ctx, matches);
    return { agent, reason: `${unusable}; ${agent.role} best matches the task by role, goal and backstory` };
  }
  const agent = leastBusy(ctx, ctx.spec.agents);
  return { agent, reason: `${unusable} and no agent's role, goal or backstory matches the task; ${agent.role} is the least busy` };
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
