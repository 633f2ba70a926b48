import { constants } from 'node:fs';
import { lstat, mkdir, open, realpath } from 'node:fs/promises';
import path from 'node:path';
import { interpolatePath } from './interpolate.ts';
import type { TaskOutput } from './output.ts';

export class OutputFileError extends Error {
  override name = 'OutputFileError';
}

/** Directory output files go to when the caller names none (CREWBOT_OUTPUT_DIR in the runtime). */
export const DEFAULT_OUTPUT_DIR = 'output';

/**
 * The output_file path, filled with path-safe inputs, relative to the output directory. It may not
 * climb out of it, be absolute, or name a dotfile or dot-directory (.env, .git, .crewbot).
 * Checked when a run starts, so a bad input or template costs nothing.
 */
export function outputFilePath(template: string, inputs: Record<string, string>): string[] {
  const filled = interpolatePath(template, inputs);
  const refuse = (why: string) =>
    new OutputFileError(
      `output_file "${template}" becomes "${filled}", which ${why}. Output files are written inside the output directory; change the task's output_file or the input.`,
    );
  if (path.isAbsolute(filled) || path.win32.isAbsolute(filled)) throw refuse('is an absolute path');
  const segments = filled.split(/[\\/]+/).filter((segment) => segment !== '' && segment !== '.');
  if (segments.length === 0) throw refuse('names no file');
  if (segments.includes('..')) throw refuse('climbs out of the output directory');
  if (segments.some((segment) => segment.startsWith('.'))) throw refuse('names a hidden file or directory');
  return segments;
}

/** CrewAI crews often write `output_file: output/report.md`; that names the output directory itself, not one inside it. */
function withoutOutputDirPrefix(segments: string[], outputDir: string): string[] {
  return segments.length > 1 && segments[0] === path.basename(path.resolve(outputDir)) ? segments.slice(1) : segments;
}

/**
 * Writes a task's output to its output_file inside the output directory (created on demand). Real
 * paths are resolved on the way: a symbolic link that leads outside the directory, or a hard link
 * shared with a file elsewhere, is refused rather than written through.
 */
export async function writeOutputFile(
  template: string,
  inputs: Record<string, string>,
  outputDir: string,
  output: TaskOutput,
): Promise<string> {
  const segments = withoutOutputDirPrefix(outputFilePath(template, inputs), outputDir);
  const refuse = (why: string) => new OutputFileError(`output_file "${template}" was not written: ${why}. Remove the link, or choose another output_file.`);
  await mkdir(outputDir, { recursive: true });
  const root = await realpath(outputDir);
  let dir = root;
  for (const segment of segments.slice(0, -1)) {
    const next = path.join(dir, segment);
    await mkdir(next).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    dir = await realpath(next);
    if (!isInside(root, dir)) throw refuse(`${next} is a link to ${dir}, outside ${root}`);
  }
  const target = await insideTarget(path.join(dir, segments.at(-1)!), root, refuse);
  const body = output.json === undefined ? output.raw : `${JSON.stringify(output.json, null, 2)}\n`;
  // O_NOFOLLOW: a link put in place after the checks is not followed either.
  const file = await open(target, constants.O_WRONLY | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0), 0o644);
  try {
    const stat = await file.stat();
    if (!stat.isFile()) throw refuse(`${target} is not a regular file`);
    if (stat.nlink > 1) throw refuse(`${target} is a hard link to a file that may live outside ${root}`);
    await file.truncate(0);
    await file.writeFile(body, 'utf8');
  } finally {
    await file.close();
  }
  return target;
}

/** Where a file setting (`output_file`, `output_log_file`) points; refused when outside the output directory. */
export function outputPath(template: string, inputs: Record<string, string>, outputDir: string, key: string): string {
  const root = path.resolve(outputDir);
  const target = path.resolve(root, interpolatePath(template, inputs));
  if (target !== root && !target.startsWith(root + path.sep)) {
    throw new OutputFileError(`${key} "${template}" points outside ${root}; use a path inside the project.`);
  }
  return target;
}

/** The file to open: the path itself, or where its symbolic link leads when that stays inside the root. */
async function insideTarget(candidate: string, root: string, refuse: (why: string) => OutputFileError): Promise<string> {
  const stat = await lstat(candidate).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!stat?.isSymbolicLink()) return candidate;
  const real = await realpath(candidate).catch(() => undefined);
  if (real === undefined || !isInside(root, real)) throw refuse(`${candidate} is a link that leads outside ${root}`);
  return real;
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}
