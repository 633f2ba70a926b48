import type { Crew } from '../engine/crew.ts';
import type { LoadedCrew } from './loadCrew.ts';

/** The crew a runner is asked for is not among the crews it was given. */
export class UnknownCodeCrewError extends Error {
  override name = 'UnknownCodeCrewError';
  constructor(requested: string, available: string[]) {
    super(`No crew named "${requested}" was given to the runner (it has ${available.join(', ') || 'none'}); kick off one of those, or add it to crewsInCode.`);
  }
}

/**
 * A Runner's `loadCrew` over crews written in code, found by their `name`, so code crews get durable
 * runs (stored, resumed in another process, answered from anywhere) like crew directories do.
 * The runner runs them with its own model.
 */
export function crewsInCode(...crews: Crew[]): (name: string) => Promise<LoadedCrew> {
  const byName = new Map(crews.map((crew) => [crew.spec.name, crew]));
  return async (name) => {
    const crew = byName.get(name);
    if (!crew) throw new UnknownCodeCrewError(name, [...byName.keys()]);
    return { spec: crew.spec, dir: process.cwd(), warnings: [], inputs: crew.spec.inputs ?? {}, surfaces: {} };
  };
}
