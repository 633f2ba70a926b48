import type { LoadedCrew } from '../crews/loadCrew.ts';
import { chainCycles } from './chains.ts';

export interface ChainProblem {
  crew: string;
  message: string;
}

/**
 * Problems that only show across crews: an `after:` naming a crew that does not exist, and chains
 * that lead back to where they started (each run would start the next for ever).
 */
export function chainProblems(crews: LoadedCrew[], allNames: string[]): ChainProblem[] {
  const problems: ChainProblem[] = [];
  const edges = new Map<string, string[]>();
  for (const crew of crews) {
    (crew.triggers ?? []).forEach((trigger, index) => {
      if (!('after' in trigger)) return;
      const earlier = trigger.after.crew;
      if (!allNames.includes(earlier)) {
        problems.push({ crew: crew.spec.name, message: `crew.yaml: triggers[${index}].after.crew "${earlier}" is not a crew (crews: ${allNames.join(', ')})` });
        return;
      }
      edges.set(earlier, [...(edges.get(earlier) ?? []), crew.spec.name]);
    });
  }
  for (const cycle of chainCycles(edges)) {
    problems.push({ crew: cycle[0]!, message: `crew.yaml: triggers form a loop: ${cycle.join(' → ')}; each run would start the next for ever. Remove one of these after: triggers.` });
  }
  return problems;
}
