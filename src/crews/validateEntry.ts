import type { z } from 'zod';
import { nearestName } from '../engine/nearestName.ts';
import type { CrewProblem } from './errors.ts';

export interface EntryResult<T> {
  /** Absent when the entry has problems. */
  value?: T | undefined;
  problems: CrewProblem[];
  warnings: string[];
}

/**
 * Checks one entry (an agent, a task, or crew.yaml as a whole) against its zod schema. Keys the
 * schema does not know are ignored with a warning, so CrewAI projects load as they are; keys left
 * empty in YAML (`tools:`) count as absent.
 */
export function validateEntry<S extends z.ZodObject>(
  file: string,
  id: string | undefined,
  raw: unknown,
  schema: S,
  unsupportedKeys: readonly string[],
): EntryResult<z.output<S>> {
  if (!isRecord(raw)) {
    return { problems: [{ file, path: id ?? '', message: `must be a mapping of settings, got ${describeValue(raw)}` }], warnings: [] };
  }
  const known = Object.keys(schema.shape);
  const warnings = new Map<string, string>();
  /** Known keys left out whose misspelling is present (expected_output → expected_ouput). */
  const misspelt = new Map<string, string>();
  const present: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const keyPath = joinPath(id, [key]);
    if (!known.includes(key)) {
      const meant = unsupportedKeys.includes(key) ? undefined : nearestName(key, known);
      const why = unsupportedKeys.includes(key) ? 'is not supported yet' : `is not a known key${meant ? ` (did you mean ${meant}?)` : ''}`;
      warnings.set(key, `${file}: ${keyPath} ${why} and is ignored`);
      if (meant !== undefined && !(meant in raw)) misspelt.set(meant, key);
    } else if (value !== null) {
      present[key] = value;
    }
  }
  const parsed = schema.safeParse(present);
  if (parsed.success) return { value: parsed.data, problems: [], warnings: [...warnings.values()] };
  const problems = parsed.error.issues.map((issue) => {
    const typo = issue.path.length === 1 ? misspelt.get(String(issue.path[0])) : undefined;
    let message = issueMessage(issue, valueAt(present, issue.path));
    if (typo !== undefined && valueAt(present, issue.path) === undefined) {
      // One mistake, one line: the missing key is there under a misspelt name.
      message += `; ${joinPath(id, [typo])} is not a known key (did you mean ${String(issue.path[0])}?)`;
      warnings.delete(typo);
    }
    return { file, path: joinPath(id, issue.path), message };
  });
  return { problems, warnings: [...warnings.values()] };
}

export function joinPath(id: string | undefined, keys: readonly PropertyKey[]): string {
  let text = id ?? '';
  for (const key of keys) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}

export function describeValue(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}

function issueMessage(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined ? 'is required' : `must be ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeValue(value)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}, got ${describeValue(value)}`;
    case 'too_small':
      if (issue.origin === 'string') return 'must not be empty';
      if (issue.origin === 'array') return `must list at least ${String(issue.minimum)}`;
      return `must be ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}, got ${describeValue(value)}`;
    case 'too_big':
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}, got ${describeValue(value)}`;
    case 'invalid_key':
      return `is not a valid name: ${issue.issues.map((inner) => inner.message).join('; ')}`;
    case 'unrecognized_keys':
      return `has unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    default:
      return issue.message;
  }
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

function valueAt(root: unknown, keys: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of keys) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
