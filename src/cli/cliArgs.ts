import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** What parseArgs returns for these options (named, so the compiled declarations can spell it). */
export type ParsedCommandArgs<T extends ParseArgsConfig['options']> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
>;

/** node:util parseArgs with errors turned into UsageError (exit 2). */
export function parseCommandArgs<T extends ParseArgsConfig['options']>(args: string[], options: T, usage: string): ParsedCommandArgs<T> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\nUsage: ${usage}`);
  }
}

/** `--input key=value` pairs; a key may not repeat. */
export function parseInputs(pairs: string[]): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--input "${pair}" is not key=value; write it as --input topic="AI agents".`);
    const key = pair.slice(0, eq).trim();
    if (key in inputs) throw new UsageError(`--input ${key} is given twice.`);
    inputs[key] = pair.slice(eq + 1);
  }
  return inputs;
}
