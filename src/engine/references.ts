import { nearestName } from './nearestName.ts';
import type { ConditionSpec, CrewSpec, ProcessKind, TaskSpec } from './spec.ts';

/** What a reference problem is about: the crew's own settings, or one task. */
export type ReferenceSubject = { kind: 'crew' } | { kind: 'task'; id: string };

/** One reference that does not hold, with the setting that makes it (engine spelling: `loop.backTo`). */
export interface ReferenceProblem {
  subject: ReferenceSubject;
  key: string;
  message: string;
}

export interface CrewReferences {
  process: ProcessKind;
  /** Every agent id; undefined when they are not known (nothing to check against). */
  agentIds: string[] | undefined;
  /** Every task id in order, valid or not, so a broken task is not also "unknown". */
  taskIds: string[];
  /** What each task names, including tasks whose other settings are broken. */
  tasks: TaskReferencesOf[];
  managerAgent: string | undefined;
}

/** The settings of a task that name other agents and tasks. */
export type TaskReferencesOf = Pick<TaskSpec, 'id' | 'agent' | 'context' | 'condition' | 'loop'>;

/**
 * References between agents and tasks. Sequential and hierarchical crews run tasks in order, so
 * context and conditions may only name earlier tasks (CrewAI's rule); a parallel crew is a DAG,
 * which must have no cycle. Crew files and crews written in code are checked by this one function.
 */
export function findReferenceProblems(refs: CrewReferences): ReferenceProblem[] {
  const problems: ReferenceProblem[] = [];
  const order = new Map(refs.taskIds.map((id, index) => [id, index]));
  const inOrder = refs.process !== 'parallel';
  const unknownAgent = (id: string) =>
    refs.agentIds !== undefined && !refs.agentIds.includes(id)
      ? `"${id}" is not an agent of this crew${meant(id, refs.agentIds)}(agents: ${refs.agentIds.join(', ') || 'none'})`
      : undefined;

  if (refs.managerAgent !== undefined) {
    const message = unknownAgent(refs.managerAgent);
    if (message) problems.push({ subject: { kind: 'crew' }, key: 'managerAgent', message });
  }
  for (const task of refs.tasks) {
    const position = order.get(task.id) ?? 0;
    /** What is wrong with `target` as a task this one reads, if anything. */
    const earlierTask = (target: string, mayBeItself: boolean): string | undefined => {
      const at = order.get(target);
      if (at === undefined) return `"${target}" is not a task of this crew${meant(target, refs.taskIds)}(tasks: ${refs.taskIds.join(', ')})`;
      if (target === task.id && !mayBeItself) return `"${target}" is this task itself; a task cannot read its own output before it exists`;
      if (at > position && (inOrder || mayBeItself)) {
        return `"${target}" comes after ${task.id}; tasks run in order, so only an earlier task ${mayBeItself ? 'or this one ' : ''}can be named`;
      }
      return undefined;
    };
    const check = (key: string, message: string | undefined) => {
      if (message) problems.push({ subject: { kind: 'task', id: task.id }, key, message });
    };

    if (task.agent !== undefined) check('agent', unknownAgent(task.agent));
    for (const id of task.context ?? []) check('context', earlierTask(id, false));
    if (task.condition) check('condition.task', earlierTask(task.condition.task, false));
    if (task.loop) {
      check('loop.backTo', earlierTask(task.loop.backTo, true));
      check('loop.while.task', earlierTask(task.loop.while.task, true));
    }
  }
  if (!inOrder) problems.push(...cycleProblems(refs.tasks));
  return problems;
}

/**
 * Everything that stops a built crew from running, found before any model call: what
 * findReferenceProblems finds, plus what only a crew put together in code can get wrong
 * (no agents or tasks, two of them under one id, a pattern that is not a regular expression).
 */
export function findCrewProblems(spec: CrewSpec): ReferenceProblem[] {
  const crew: ReferenceSubject = { kind: 'crew' };
  const problems: ReferenceProblem[] = [];
  if (spec.agents.length === 0) problems.push({ subject: crew, key: 'agents', message: 'lists no agents; a crew needs at least one' });
  if (spec.tasks.length === 0) problems.push({ subject: crew, key: 'tasks', message: 'lists no tasks; a crew needs at least one' });
  if (spec.process === 'custom' && !spec.customProcess) {
    problems.push({ subject: crew, key: 'customProcess', message: 'is missing: process custom needs the code that runs the tasks (defineProcess(async ({ run }) => { … }))' });
  }
  for (const id of repeated(spec.agents.map((agent) => agent.id))) {
    problems.push({ subject: crew, key: 'agents', message: `has two agents with the id "${id}"; give each its own role or id` });
  }
  for (const id of repeated(spec.tasks.map((task) => task.id))) {
    problems.push({ subject: crew, key: 'tasks', message: `has two tasks with the id "${id}"; give each its own name` });
  }
  for (const task of spec.tasks) {
    const patterns: Array<[string, ConditionSpec | undefined]> = [
      ['condition.matches', task.condition],
      ['loop.while.matches', task.loop?.while],
    ];
    for (const [key, condition] of patterns) {
      const message = condition && 'matches' in condition ? regexProblem(condition.matches) : undefined;
      if (message) problems.push({ subject: { kind: 'task', id: task.id }, key, message });
    }
  }
  problems.push(
    ...findReferenceProblems({
      process: spec.process,
      agentIds: spec.agents.map((agent) => agent.id),
      taskIds: spec.tasks.map((task) => task.id),
      tasks: spec.tasks,
      managerAgent: spec.process === 'hierarchical' ? spec.managerAgent : undefined,
    }),
  );
  return problems;
}

/** A parallel crew starts a task when everything it reads has settled, so a cycle would wait forever. */
function cycleProblems(tasks: TaskReferencesOf[]): ReferenceProblem[] {
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
      const message = `waits on itself through ${cycle.join(' → ')}; in a parallel crew context must not form a cycle`;
      return [{ subject: { kind: 'task', id: cycle[0]! }, key: 'context', message }];
    }
  }
  return [];
}

/** "; did you mean x? " for a near miss, else " ", ahead of the list of what there is. */
function meant(name: string, ids: string[]): string {
  const near = nearestName(name, ids);
  return near === undefined ? ' ' : `; did you mean ${near}? `;
}

function conditionTask(condition: ConditionSpec | undefined): string[] {
  return condition ? [condition.task] : [];
}

function repeated(ids: string[]): string[] {
  return [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
}

/** Conditions are matched case-insensitively, so the pattern is tried with that flag. */
export function regexProblem(source: string): string | undefined {
  try {
    new RegExp(source, 'i');
    return undefined;
  } catch (error) {
    // V8 says "Invalid regular expression: /(a/i: Unterminated group"; the source is quoted already.
    const reason = error instanceof Error ? (error.message.split(': ').at(-1) ?? error.message) : String(error);
    return `"${source}" is not a valid regular expression: ${reason}`;
  }
}
