import type { RunContext } from '../runContext.ts';
import type { TaskSpec } from '../spec.ts';
import { settleAll } from './settleAll.ts';
import { isSettled, stepTask } from './taskStep.ts';

/**
 * Tasks in order. An async_execution task starts and the crew moves on; a later task that needs
 * it (through context, or by default every earlier task) waits for it. Hierarchical crews use the
 * same order with every task run by the manager, one at a time.
 */
export async function runSequential(ctx: RunContext, options: { allowAsync: boolean }): Promise<void> {
  const inFlight = new Map<string, Promise<void>>();
  const tasks = ctx.spec.tasks;
  let failure: { error: unknown } | undefined;
  try {
    while (!failure) {
      const next = tasks.find((task) => ctx.state.tasks[task.id]!.status === 'pending' && !inFlight.has(task.id));
      if (!next) {
        if (inFlight.size === 0) break;
        await Promise.race(inFlight.values());
        continue;
      }
      const needs = dependencies(next, tasks, ctx);
      await waitFor(inFlight, needs);
      // A task that waits for a person holds up everything after it that needs it.
      if (failure || !needs.every((id) => isSettled(ctx, id))) break;
      const step = stepTask(ctx, next)
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => inFlight.delete(next.id));
      inFlight.set(next.id, step);
      if (!(options.allowAsync && next.asyncExecution)) {
        await step;
        if (ctx.state.tasks[next.id]!.status === 'awaiting_input') break;
      }
    }
  } finally {
    await settleAll(inFlight.values());
  }
  if (failure) throw failure.error;
}

/** What a task must wait for: its context (or all earlier tasks) and the task its condition reads. */
function dependencies(task: TaskSpec, tasks: TaskSpec[], ctx: RunContext): string[] {
  const before = tasks.slice(0, tasks.indexOf(task)).map((earlier) => earlier.id);
  const needs = task.context ?? (task.asyncExecution ? [] : before);
  const condition = task.condition ? [task.condition.task] : [];
  return [...needs, ...condition].filter((id) => ctx.tasksById.has(id));
}

async function waitFor(inFlight: Map<string, Promise<void>>, ids: string[]): Promise<void> {
  await Promise.all(ids.flatMap((id) => inFlight.get(id) ?? []));
}
