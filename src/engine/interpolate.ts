import { MissingInputError } from './errors.ts';

/**
 * `{name}` where name is an identifier. Braces around anything else (JSON examples in a task
 * description) are not placeholders and stay as they are.
 */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1] as string);
}

export function interpolate(text: string, inputs: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => inputs[name] ?? whole);
}

/** Throws one MissingInputError naming every input the texts need and `inputs` lacks. */
export function assertInputsPresent(texts: Iterable<string>, inputs: Record<string, string>): void {
  const missing = new Set<string>();
  for (const text of texts) {
    for (const name of placeholdersIn(text)) if (!(name in inputs)) missing.add(name);
  }
  if (missing.size > 0) throw new MissingInputError([...missing]);
}

/**
 * Inputs come from chat users: inside a file path they must not climb out of the output
 * directory or name another one, so everything but a plain file-name character becomes "_".
 */
export function interpolatePath(template: string, inputs: Record<string, string>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = inputs[name];
    if (value === undefined) return whole;
    return value.replace(/[^A-Za-z0-9 _.-]/g, '_').replace(/\.{2,}/g, '_').trim() || '_';
  });
}
