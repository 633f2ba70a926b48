import { freshTaskState, type RunState } from './runState.ts';

/** A finished task's conversations and used answers are not needed to continue; dropping them keeps checkpoints small. */
export function forgetWorkingMemory(state: RunState, taskId: string): void {
  const ownedBy = (key: string) => key === taskId || key.startsWith(`${taskId}>`) || key.startsWith(`${taskId}/`);
  for (const key of Object.keys(state.conversations)) if (ownedBy(key)) delete state.conversations[key];
  for (const slot of Object.keys(state.answers)) if (ownedBy(slot)) delete state.answers[slot];
}

/** The task runs again from scratch: its output, conversations, answers and decisions go (loop counts stay). */
export function resetTask(state: RunState, taskId: string): void {
  state.tasks[taskId] = freshTaskState();
  forgetWorkingMemory(state, taskId);
  for (const key of Object.keys(state.decisions)) {
    // Loop decisions are numbered by pass and must survive, or a resumed run would ask again.
    if (key.startsWith(`${taskId}/`) && !key.startsWith(`${taskId}/loop/`)) delete state.decisions[key];
  }
}

/**
 * Replay from a task: outputs of the tasks before it are kept by id (not by position), it and
 * every later task run anew, with their loop counts and pending requests cleared.
 */
export function replayFrom(state: RunState, taskIds: string[], fromTaskId: string): void {
  const from = taskIds.indexOf(fromTaskId);
  const again = state.steps.length > 0 ? stepsAgain(state, fromTaskId) : new Set(taskIds.slice(from));
  for (const id of again) {
    resetTask(state, id);
    delete state.loops[id];
    for (const key of Object.keys(state.decisions)) if (key.startsWith(`${id}/loop/`)) delete state.decisions[key];
  }
  state.pending = state.pending.filter((request) => !again.has(request.taskId));
}

/**
 * A custom process's history is cut at the first step of the task: that step and every step
 * recorded after it run anew; steps before it replay from their saved outputs.
 */
function stepsAgain(state: RunState, fromTaskId: string): Set<string> {
  const first = state.steps.findIndex((step) => step.task === fromTaskId);
  if (first < 0) return new Set();
  return new Set(state.steps.splice(first).map((step) => step.task));
}
