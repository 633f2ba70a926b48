import { z } from 'zod';
import { askCoordinator } from './coordinator.ts';
import { errorMessage } from './errors.ts';
import type { TaskOutput } from './output.ts';
import type { RunContext } from './runContext.ts';
import type { GuardrailResult, TaskSpec } from './spec.ts';

/** A TS guardrail function, or a rule in plain words that an LLM checks the output against. */
export async function checkGuardrail(ctx: RunContext, task: TaskSpec, output: TaskOutput, attempt: number): Promise<GuardrailResult> {
  const guardrail = task.guardrail;
  if (!guardrail) return { ok: true };
  if (typeof guardrail === 'function') {
    try {
      return await guardrail(output);
    } catch (error) {
      return { ok: false, feedback: `the guardrail raised an error: ${errorMessage(error)}` };
    }
  }
  const verdict = await askCoordinator(ctx, task.id, `${task.id}/guardrail/${attempt}`, {
    system: 'You check a piece of work against a rule. When it breaks the rule, say what to fix.',
    user: `Rule: ${guardrail}\n\nWork:\n${output.raw}`,
    name: 'guardrail_verdict',
    schema: z.object({ valid: z.boolean(), feedback: z.string() }),
  });
  return verdict.valid ? { ok: true } : { ok: false, feedback: verdict.feedback || `it breaks the rule: ${guardrail}` };
}
