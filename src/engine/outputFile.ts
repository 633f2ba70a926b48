import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { interpolatePath } from './interpolate.ts';
import type { TaskOutput } from './output.ts';

export class OutputFileError extends Error {
  override name = 'OutputFileError';
}

/** Writes a task's output to its output_file, which must stay inside the output directory. */
export async function writeOutputFile(
  template: string,
  inputs: Record<string, string>,
  outputDir: string,
  output: TaskOutput,
): Promise<string> {
  const target = outputPath(template, inputs, outputDir, 'output_file');
  await mkdir(path.dirname(target), { recursive: true });
  const body = output.json === undefined ? output.raw : `${JSON.stringify(output.json, null, 2)}\n`;
  await writeFile(target, body, 'utf8');
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
