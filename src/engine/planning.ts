import { z } from 'zod';
import { completeStructured, jsonSchemaOf } from '../llm/structuredOutput.ts';
import type { CallSite, RunContext } from './runContext.ts';

/** CrewAI's planner agent; its call is booked under this role. */
export const PLANNER_ROLE = 'Task Execution Planner';
/** Where the planning call's usage is booked among the tasks. */
export const PLANNING_USAGE_KEY = '(planning)';

const PlanSchema = z.object({
  plans: z.array(z.object({ task: z.string().describe('The task id'), plan: z.string().describe('Short step-by-step plan') })),
});

const PLAN_JSON_SCHEMA = jsonSchemaOf(PlanSchema);

/**
 * planning: true — one call before the first task writes a short plan for each task, kept in the
 * RunState (so a resumed run never plans again) and added to each task's prompt.
 */
export async function planTasks(ctx: RunContext): Promise<void> {
  if (!ctx.spec.planning || ctx.state.plans) return;
  const site: CallSite = { agent: { role: PLANNER_ROLE, llm: ctx.spec.planningLlm }, taskId: PLANNING_USAGE_KEY };
  const { value } = await completeStructured(
    ctx.llmFor(site),
    {
      messages: [
        {
          role: 'system',
          content: `You are the ${PLANNER_ROLE}. You write short, concrete step-by-step plans that help each agent do its task well.`,
        },
        { role: 'user', content: planningPrompt(ctx) },
      ],
    },
    { name: 'crew_plan', jsonSchema: PLAN_JSON_SCHEMA, zod: PlanSchema },
  );
  const known = new Set(ctx.spec.tasks.map((task) => task.id));
  const plans: Record<string, string> = {};
  for (const { task, plan } of value.plans) if (known.has(task) && plan.trim()) plans[task] = plan.trim();
  ctx.state.plans = plans;
  ctx.emit({ type: 'crew_planning_completed', crew: ctx.spec.name, plans });
  await ctx.checkpoint();
}

function planningPrompt(ctx: RunContext): string {
  const tasks = ctx.spec.tasks.map((task) => {
    const agent = task.agent ? ctx.agentsById.get(task.agent) : undefined;
    const tools = (task.tools ?? agent?.tools ?? []).map((tool) => tool.name);
    return [
      `Task id: ${task.id}`,
      `Description: ${task.description}`,
      `Expected output: ${task.expectedOutput}`,
      ...(agent ? [`Agent: ${agent.role} (goal: ${agent.goal})`] : []),
      ...(tools.length > 0 ? [`Tools: ${tools.join(', ')}`] : []),
    ].join('\n');
  });
  return (
    `The crew will run these tasks in order:\n\n${tasks.join('\n\n')}\n\n` +
    'Write a short step-by-step plan for each task (a few numbered steps). ' +
    'Answer with JSON: {"plans": [{"task": "<task id>", "plan": "<steps>"}]}.'
  );
}
