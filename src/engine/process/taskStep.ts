import { evaluateCondition } from '../conditions.ts';
import type { RunContext } from '../runContext.ts';
import type { TaskSpec } from '../spec.ts';
import { HumanInputRequired } from '../humanRequest.ts';
import { runTask } from '../taskRunner.ts';
import { resetTask } from '../workingMemory.ts';

/**
 * One step of any process: skip the task when its condition fails, else run it, then apply
 * its review loop. Processes differ only in which task they step next.
 */
export async function stepTask(ctx: RunContext, task: TaskSpec): Promise<void> {
  if (task.condition) {
    const { holds, reason } = await evaluateCondition(ctx, task.condition, `${task.id}/condition`, task.id);
    if (!holds) {
      const state = ctx.state.tasks[task.id]!;
      state.status = 'skipped';
      state.skipReason = reason;
      ctx.emit({ type: 'task_skipped', taskId: task.id, reason });
      await ctx.checkpoint();
      return;
    }
  }
  try {
    await runTask(ctx, task);
  } catch (error) {
    // Waiting for a person is not a failure: the task keeps its place and the process moves on where it can.
    if (error instanceof HumanInputRequired) return;
    throw error;
  }
  if (task.loop) await applyLoop(ctx, task);
}

/** Completed or skipped: work that depends on it may start. */
export function isSettled(ctx: RunContext, taskId: string): boolean {
  const status = ctx.state.tasks[taskId]?.status;
  return status === 'completed' || status === 'skipped';
}

/** While the loop's condition holds (at most `max` times) the run goes back to `backTo` with this output as feedback. */
async function applyLoop(ctx: RunContext, task: TaskSpec): Promise<void> {
  const loop = task.loop!;
  const passes = ctx.state.loops[task.id] ?? 0;
  if (passes >= loop.max) return;
  const { holds } = await evaluateCondition(ctx, loop.while, `${task.id}/loop/${passes}`, task.id);
  if (!holds) return;
  const feedback = ctx.state.tasks[task.id]?.output?.raw;
  const tasks = ctx.spec.tasks;
  const from = tasks.findIndex((candidate) => candidate.id === loop.backTo);
  const to = tasks.indexOf(task);
  for (const again of tasks.slice(from, to + 1)) resetTask(ctx.state, again.id);
  ctx.state.tasks[loop.backTo]!.feedback = feedback;
  ctx.state.loops[task.id] = passes + 1;
  ctx.emit({ type: 'loop_iteration', taskId: task.id, backTo: loop.backTo, iteration: passes + 1 });
  await ctx.checkpoint();
}
