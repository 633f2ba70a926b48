import type { InputSpec } from '../engine/spec.ts';
import { errorMessage } from '../engine/errors.ts';
import { crewNames } from './crewDirectory.ts';
import { crewsDirOf, loadCrew, type LoadCrewOptions } from './loadCrew.ts';

export interface CrewListing {
  name: string;
  description?: string | undefined;
  inputs: Record<string, InputSpec>;
  /** Why the crew does not load; the other crews are listed all the same. */
  error?: string | undefined;
  /** Tools it uses whose configuration is missing, and what to set (LoadedCrew.setupWarnings). */
  setupWarnings?: string[] | undefined;
}

/**
 * Every crew under crewsDir, by name; a broken crew is listed with its error. Crews' tools.ts files
 * are read, not run: a listing executes no crew's code (and loads no TypeScript loader).
 */
export async function listCrews(options: LoadCrewOptions): Promise<CrewListing[]> {
  const crewsDir = crewsDirOf(options, process.cwd());
  const names = await crewNames(crewsDir);
  return Promise.all(
    names.map(async (name): Promise<CrewListing> => {
      try {
        const crew = await loadCrew(name, { ...options, crewsDir, runCode: false });
        const setup = crew.setupWarnings ?? [];
        return { name, description: crew.spec.description, inputs: crew.inputs, ...(setup.length > 0 ? { setupWarnings: setup } : {}) };
      } catch (error) {
        return { name, inputs: {}, error: errorMessage(error) };
      }
    }),
  );
}
