import { findReferenceProblems, type CrewReferences, type ReferenceProblem, type TaskReferencesOf } from '../engine/references.ts';
import type { TaskSpec } from '../engine/spec.ts';
import { conditionOf, loopOf } from './buildTasks.ts';
import type { CrewFindings, CrewProblem } from './errors.ts';
import { TaskEntrySchema } from './tasksFile.ts';
import { isRecord } from './validateEntry.ts';
import type { YamlEntries } from './yamlFile.ts';

/**
 * The engine's reference checks over what the crew files hold (even when some entries are broken),
 * each problem placed at its file and YAML key.
 */
export function checkReferences(refs: CrewReferences, found: CrewFindings): void {
  found.problems.push(...findReferenceProblems(refs).map(inCrewFiles));
}

/** Where a problem the engine found sits in the crew's files: `loop.backTo` of task t is tasks.yaml `t.loop.back_to`. */
export function inCrewFiles(problem: ReferenceProblem): CrewProblem {
  const key = problem.key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
  return problem.subject.kind === 'crew'
    ? { file: 'crew.yaml', path: key, message: problem.message }
    : { file: 'tasks.yaml', path: `${problem.subject.id}.${key}`, message: problem.message };
}

/**
 * What every task of tasks.yaml names, in file order: a task that did not build (a missing key, a
 * typo) still has the references it spells correctly checked, so one mistake does not hide another.
 */
export function taskReferences(entries: YamlEntries, built: TaskSpec[]): TaskReferencesOf[] {
  const byId = new Map(built.map((task) => [task.id, task]));
  return entries.map(([id, raw]) => byId.get(id) ?? brokenTaskReferences(id, raw));
}

function brokenTaskReferences(id: string, raw: unknown): TaskReferencesOf {
  const entry = isRecord(raw) ? raw : {};
  const { agent, context, condition, loop } = TaskEntrySchema.shape;
  const loopEntry = loop.safeParse(entry.loop ?? undefined).data;
  const conditionEntry = condition.safeParse(entry.condition ?? undefined).data;
  return {
    id,
    agent: agent.safeParse(entry.agent ?? undefined).data,
    context: context.safeParse(entry.context ?? undefined).data,
    condition: conditionEntry && conditionOf(conditionEntry),
    loop: loopEntry && loopOf(loopEntry),
  };
}
