import { z } from 'zod';
import { askCoordinator } from './coordinator.ts';
import type { RunContext } from './runContext.ts';
import type { ConditionSpec } from './spec.ts';

export interface ConditionResult {
  holds: boolean;
  reason: string;
}

/**
 * A regex over an earlier task's output (always case-insensitive), or a yes/no question the LLM
 * answers about it.
 */
export async function evaluateCondition(
  ctx: RunContext,
  condition: ConditionSpec,
  decisionKey: string,
  askingTaskId: string,
): Promise<ConditionResult> {
  const output = ctx.state.tasks[condition.task]?.output?.raw ?? '';
  if ('matches' in condition) {
    const holds = new RegExp(condition.matches, 'i').test(output);
    return { holds, reason: `${condition.task} ${holds ? 'matches' : 'does not match'} /${condition.matches}/i` };
  }
  const verdict = await askCoordinator(ctx, askingTaskId, decisionKey, {
    system: 'You answer a yes/no question about a piece of work.',
    user: `Question: ${condition.ask}\n\nThe work (${condition.task}):\n${output}`,
    name: 'yes_no',
    schema: z.object({ answer: z.boolean(), reason: z.string() }),
  });
  return { holds: verdict.answer, reason: `${condition.ask} → ${verdict.answer ? 'yes' : 'no'}: ${verdict.reason}` };
}
