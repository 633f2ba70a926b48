import type { RunContext } from '../runContext.ts';
import type { TaskSpec } from '../spec.ts';
import { settleAll } from './settleAll.ts';
import { isSettled, stepTask } from './taskStep.ts';

/**
 * A DAG by context: every task whose context (and condition source) is settled starts at once,
 * up to max_concurrency, higher priority first. A task without context depends on nothing.
 */
export async function runParallel(ctx: RunContext): Promise<void> {
  const limit = ctx.spec.maxConcurrency ?? 8;
  const inFlight = new Map<string, Promise<void>>();
  let failure: { error: unknown } | undefined;
  try {
    for (;;) {
      if (!failure) {
        for (const task of readyTasks(ctx)) {
          if (inFlight.size >= limit) break;
          if (inFlight.has(task.id)) continue;
          const step = stepTask(ctx, task)
            .catch((error: unknown) => {
              failure ??= { error };
            })
            .finally(() => inFlight.delete(task.id));
          inFlight.set(task.id, step);
        }
      }
      if (inFlight.size === 0) break;
      await Promise.race(inFlight.values());
    }
  } finally {
    await settleAll(inFlight.values());
  }
  if (failure) throw failure.error;
  const stuck = ctx.spec.tasks.filter((task) => ctx.state.tasks[task.id]!.status === 'pending');
  const waiting = ctx.spec.tasks.some((task) => ctx.state.tasks[task.id]!.status === 'awaiting_input');
  if (stuck.length > 0 && !waiting) {
    throw new Error(`Tasks ${stuck.map((task) => task.id).join(', ')} wait on each other in a cycle; fix their context.`);
  }
}

function readyTasks(ctx: RunContext): TaskSpec[] {
  const settled = (id: string) => isSettled(ctx, id);
  return ctx.spec.tasks
    .filter((task) => ctx.state.tasks[task.id]!.status === 'pending')
    .filter((task) => [...(task.context ?? []), ...(task.condition ? [task.condition.task] : [])].every(settled))
    .sort((a, b) => b.priority - a.priority);
}
