import { z } from 'zod';
import { completeStructured, jsonSchemaOf } from '../llm/structuredOutput.ts';
import { systemPrompt, taskPrompt, type TaskPromptParts } from './prompts.ts';
import type { RunContext } from './runContext.ts';
import type { AgentSpec } from './spec.ts';

/** Rounds of refining when an agent sets reasoning without max_reasoning_attempts (CrewAI would go on until ready). */
export const DEFAULT_MAX_REASONING_ATTEMPTS = 3;

const ReasoningSchema = z.object({
  plan: z.string().min(1).describe('How you will approach the task, step by step'),
  ready: z.boolean().describe('Whether this plan is good enough to start'),
});

const REASONING_JSON_SCHEMA = jsonSchemaOf(ReasoningSchema);

/**
 * reasoning: true — before an agent starts a task it writes how it will approach it and whether
 * it is ready, refining the plan until ready or out of attempts. Each round is checkpointed, and
 * a task already under way keeps the approach it started with. Returns the approach, if any.
 */
export async function reasonBeforeTask(ctx: RunContext, taskId: string, agent: AgentSpec, parts: TaskPromptParts): Promise<string | undefined> {
  const state = ctx.state.tasks[taskId]!;
  if (!agent.reasoning || ctx.state.conversations[taskId]) return state.reasoning?.plan;
  const maxAttempts = agent.maxReasoningAttempts ?? DEFAULT_MAX_REASONING_ATTEMPTS;
  while (!state.reasoning || (!state.reasoning.ready && state.reasoning.attempts < maxAttempts)) {
    const attempt = (state.reasoning?.attempts ?? 0) + 1;
    const { value } = await completeStructured(
      ctx.llmFor({ agent, taskId }),
      {
        messages: [
          { role: 'system', content: systemPrompt(agent) },
          { role: 'user', content: reasoningPrompt(parts, state.reasoning?.plan) },
        ],
      },
      { name: 'task_reasoning', jsonSchema: REASONING_JSON_SCHEMA, zod: ReasoningSchema },
    );
    state.reasoning = { plan: value.plan, ready: value.ready, attempts: attempt };
    ctx.emit({ type: 'agent_reasoning_completed', taskId, agent: agent.role, plan: value.plan, ready: value.ready, attempt });
    await ctx.checkpoint();
  }
  return state.reasoning.plan;
}

function reasoningPrompt(parts: TaskPromptParts, previous: string | undefined): string {
  const ask = previous
    ? `You judged this plan not ready yet:\n${previous}\n\nImprove it.`
    : 'Before you start, plan how you will do this task.';
  return (
    `${taskPrompt(parts)}\n\n----------\n\n${ask} Write the steps you will take and the tools you will use, ` +
    'then say whether you are ready to start. Answer with JSON: {"plan": "...", "ready": true|false}.'
  );
}
