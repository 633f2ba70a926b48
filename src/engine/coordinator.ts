import { z } from 'zod';
import { completeStructured, jsonSchemaOf } from '../llm/structuredOutput.ts';
import type { CallSite, RunContext } from './runContext.ts';

/** Role under which the engine's own short decisions are booked in usage. */
export const COORDINATOR_ROLE = 'Crew Coordinator';

export function coordinatorSite(taskId: string): CallSite {
  return { agent: { role: COORDINATOR_ROLE }, taskId };
}

export interface CoordinatorQuestion<T> {
  system: string;
  user: string;
  name: string;
  schema: z.ZodType<T>;
}

/**
 * One structured LLM call for a decision the engine makes itself (routing a task, a yes/no
 * condition, a guardrail verdict). The answer is kept in the run state under `decisionKey`,
 * so a resumed run makes the same decision without paying for it again.
 */
export async function askCoordinator<T>(
  ctx: RunContext,
  taskId: string,
  decisionKey: string,
  question: CoordinatorQuestion<T>,
): Promise<T> {
  if (decisionKey in ctx.state.decisions) {
    const known = question.schema.safeParse(ctx.state.decisions[decisionKey]);
    if (known.success) return known.data;
  }
  const jsonSchema = jsonSchemaOf(question.schema);
  const { value } = await completeStructured(
    ctx.llmFor(coordinatorSite(taskId)),
    {
      messages: [
        { role: 'system', content: `${question.system} Answer with JSON only.` },
        { role: 'user', content: question.user },
      ],
    },
    { name: question.name, jsonSchema, zod: question.schema },
  );
  ctx.state.decisions[decisionKey] = value;
  await ctx.checkpoint();
  return value;
}
