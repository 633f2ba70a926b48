import type { ConditionSpec, ProcessKind, TaskSpec } from '../engine/spec.ts';
import type { CrewFindings } from './errors.ts';

export interface CrewReferences {
  process: ProcessKind;
  /** Every id in agents.yaml; undefined when the file could not be read (nothing to check against). */
  agentIds: string[] | undefined;
  /** Every id in tasks.yaml in file order, valid or not, so a broken task is not also "unknown". */
  taskIds: string[];
  tasks: TaskSpec[];
  managerAgent: string | undefined;
}

const TASKS = 'tasks.yaml';

/**
 * References between agents and tasks. Sequential and hierarchical crews run tasks in file order,
 * so context and conditions may only name earlier tasks (CrewAI's rule); a parallel crew is a DAG,
 * which must have no cycle.
 */
export function checkReferences(refs: CrewReferences, found: CrewFindings): void {
  const order = new Map(refs.taskIds.map((id, index) => [id, index]));
  const inFileOrder = refs.process !== 'parallel';
  const problem = (file: string, path: string, message: string) => found.problems.push({ file, path, message });
  const unknownAgent = (id: string) =>
    refs.agentIds !== undefined && !refs.agentIds.includes(id) ? `"${id}" is not an agent in agents.yaml (agents: ${refs.agentIds.join(', ') || 'none'})` : undefined;

  if (refs.managerAgent !== undefined) {
    const message = unknownAgent(refs.managerAgent);
    if (message) problem('crew.yaml', 'manager_agent', message);
  }
  for (const task of refs.tasks) {
    const position = order.get(task.id) ?? 0;
    /** What is wrong with `target` as a task this one reads, if anything. */
    const earlierTask = (target: string, mayBeItself: boolean): string | undefined => {
      const at = order.get(target);
      if (at === undefined) return `"${target}" is not a task in tasks.yaml`;
      if (target === task.id && !mayBeItself) return `"${target}" is this task itself; a task cannot read its own output before it exists`;
      if (at > position && (inFileOrder || mayBeItself)) {
        return `"${target}" comes after ${task.id} in tasks.yaml; tasks run in file order, so only an earlier task ${mayBeItself ? 'or this one ' : ''}can be named`;
      }
      return undefined;
    };
    const check = (path: string, message: string | undefined) => message && problem(TASKS, `${task.id}.${path}`, message);

    if (task.agent !== undefined) check('agent', unknownAgent(task.agent));
    for (const id of task.context ?? []) check('context', earlierTask(id, false));
    if (task.condition) check('condition.task', earlierTask(task.condition.task, false));
    if (task.loop) {
      check('loop.back_to', earlierTask(task.loop.backTo, true));
      check('loop.while.task', earlierTask(task.loop.while.task, true));
    }
  }
  if (!inFileOrder) reportCycle(refs.tasks, found);
}

/** A parallel crew starts a task when everything it reads has settled, so a cycle would wait forever. */
function reportCycle(tasks: TaskSpec[], found: CrewFindings): void {
  // A task naming itself is reported on its own.
  const needs = new Map(tasks.map((task) => [task.id, [...(task.context ?? []), ...conditionTask(task.condition)].filter((id) => id !== task.id)]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, trail: string[]): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...trail.slice(trail.indexOf(id)), id];
    state.set(id, 'visiting');
    for (const next of needs.get(id) ?? []) {
      const cycle = visit(next, [...trail, id]);
      if (cycle) return cycle;
    }
    state.set(id, 'done');
    return undefined;
  };
  for (const task of tasks) {
    const cycle = visit(task.id, []);
    if (cycle) {
      found.problems.push({
        file: TASKS,
        path: `${cycle[0]}.context`,
        message: `waits on itself through ${cycle.join(' → ')}; in a parallel crew context must not form a cycle`,
      });
      return;
    }
  }
}

function conditionTask(condition: ConditionSpec | undefined): string[] {
  return condition ? [condition.task] : [];
}
