/** Errors a crew author can meet when a crew is loaded; each says what to do. */

import { didYouMean } from '../engine/nearestName.ts';

/** One thing wrong in a crew directory: which file, which key, and what is wrong with it. */
export interface CrewProblem {
  /** File name inside the crew directory, e.g. 'tasks.yaml'. */
  file: string;
  /** Dotted key path inside the file, e.g. 'write_task.agent'; '' for the file as a whole. */
  path: string;
  message: string;
}

/** Every problem found in a crew at once, one per line, so a crew author fixes them in one pass. */
export class CrewFileError extends Error {
  override name = 'CrewFileError';
  constructor(
    /** The crew directory as shown to the user (relative to the working directory when inside it). */
    readonly dir: string,
    readonly problems: CrewProblem[],
    /** What was found besides, for `validate` to show alongside the problems. */
    readonly warnings: string[] = [],
  ) {
    // No header line: a one-line summary (a crew list) shows the first problem itself.
    super(problems.map((problem) => formatProblem(dir, problem)).join('\n'));
  }
}

export function formatProblem(dir: string, problem: CrewProblem): string {
  const where = problem.path === '' ? '' : `${problem.path} `;
  return `${dir}/${problem.file}: ${where}${problem.message}`;
}

/** A crew name or path that names no crew; lists the crews that do exist. */
export class CrewNotFoundError extends Error {
  override name = 'CrewNotFoundError';
  constructor(
    readonly requested: string,
    /** The crews directory as shown to the user. */
    readonly crewsDir: string,
    readonly available: string[],
    requestedAsPath = false,
  ) {
    const missing = requestedAsPath ? `No crew directory at ${requested}` : `No crew "${requested}" in ${crewsDir}${didYouMean(requested, available)}`;
    const choices =
      available.length > 0
        ? `the crews in ${crewsDir} are ${available.join(', ')}`
        : `${crewsDir} has no crews yet (a crew is a folder with agents.yaml and tasks.yaml)`;
    super(`${missing}: ${choices}. Pass one of their names or the path of a crew directory.`);
  }
}

/** What checking a crew turns up: problems stop it loading, warnings do not. */
export interface CrewFindings {
  problems: CrewProblem[];
  warnings: string[];
  /** MCP servers whose configuration is missing (a command, a variable): their tools would fail on every call. */
  setup?: string[];
  /** Tools that lack their configuration (a key), where each is given to an agent or a task. */
  unready?: Array<{ file: string; path: string; tool: string; problem: string }>;
}
