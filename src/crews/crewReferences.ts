import { findReferenceProblems, type CrewReferences, type ReferenceProblem } from '../engine/references.ts';
import type { CrewFindings, CrewProblem } from './errors.ts';

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
