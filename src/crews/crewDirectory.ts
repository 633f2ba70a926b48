import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CrewNotFoundError } from './errors.ts';

/** A folder is a crew when it holds at least one of these. */
const CREW_FILES = ['agents.yaml', 'tasks.yaml', 'crew.yaml'];

/** Names of the crews in crewsDir, sorted; none when the directory does not exist. */
export async function crewNames(crewsDir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(crewsDir, { withFileTypes: true });
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
    const files = await readdir(path.join(crewsDir, entry.name)).catch(() => []);
    if (files.some((file) => CREW_FILES.includes(file))) names.push(entry.name);
  }
  return names.sort();
}

/**
 * A crew name under crewsDir, or a path (anything with a slash, or starting with ".") relative to
 * cwd or absolute. Returns the absolute crew directory.
 */
export async function resolveCrewDir(nameOrDir: string, crewsDir: string, cwd: string): Promise<string> {
  const asPath = path.isAbsolute(nameOrDir) || /[/\\]/.test(nameOrDir) || nameOrDir.startsWith('.');
  const dir = asPath ? path.resolve(cwd, nameOrDir) : path.join(crewsDir, nameOrDir);
  if (nameOrDir !== '' && (await isDirectory(dir))) return dir;
  throw new CrewNotFoundError(nameOrDir, `${displayPath(crewsDir, cwd)}/`, await crewNames(crewsDir), asPath);
}

/** Paths in messages are relative to the working directory when they are inside it. */
export function displayPath(absolute: string, cwd: string): string {
  const relative = path.relative(cwd, absolute);
  if (relative === '') return '.';
  return relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative.split(path.sep).join('/');
}

async function isDirectory(candidate: string): Promise<boolean> {
  try {
    return (await stat(candidate)).isDirectory();
  } catch {
    return false;
  }
}
