import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import type { CrewProblem } from './errors.ts';

/** A YAML mapping's entries in file order (object keys would put "1", "2" first). */
export type YamlEntries = Array<[key: string, value: unknown]>;

export type YamlFileResult =
  | { status: 'missing' }
  | { status: 'invalid'; problems: CrewProblem[] }
  | { status: 'ok'; entries: YamlEntries };

/** Reads a crew file whose top level maps ids (or keys) to values. An empty file has no entries. */
export async function readYamlFile(dir: string, file: string): Promise<YamlFileResult> {
  let source: string;
  try {
    source = await readFile(path.join(dir, file), 'utf8');
  } catch (error) {
    if (isMissingFile(error)) return { status: 'missing' };
    throw error;
  }
  return parseYamlEntries(file, source);
}

export function parseYamlEntries(file: string, source: string): YamlFileResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { uniqueKeys: true, prettyErrors: false, lineCounter });
  if (doc.errors.length > 0) {
    // Every duplicate key is its own mistake; after the first syntax error the rest are its echoes.
    const duplicates = doc.errors.filter((error) => error.code === 'DUPLICATE_KEY');
    const syntax = doc.errors.find((error) => error.code !== 'DUPLICATE_KEY');
    const problems = [...duplicates, ...(syntax ? [syntax] : [])].map((error): CrewProblem => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      const message =
        error.code === 'DUPLICATE_KEY'
          ? `line ${line}: key "${keyOnLine(source, line)}" appears twice at the same level; keep one`
          : `line ${line}, column ${col}: YAML syntax error: ${error.message}${SYNTAX_HINTS[error.code] ?? ''}`;
      return { file, path: '', message };
    });
    return { status: 'invalid', problems };
  }
  const contents = doc.contents;
  if (contents === null) return { status: 'ok', entries: [] };
  if (!isMap(contents)) {
    return { status: 'invalid', problems: [{ file, path: '', message: 'must be a mapping of ids to settings (id: on its own line, settings indented below)' }] };
  }
  const entries: YamlEntries = [];
  const problems: CrewProblem[] = [];
  for (const pair of contents.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof key !== 'string' && typeof key !== 'number') {
      problems.push({ file, path: '', message: `line ${lineOf(lineCounter, pair.key)}: top-level keys must be plain names` });
      continue;
    }
    const value: unknown = isNode(pair.value) ? pair.value.toJS(doc) : (pair.value ?? null);
    entries.push([String(key), value]);
  }
  return problems.length > 0 ? { status: 'invalid', problems } : { status: 'ok', entries };
}

/** The mistakes people make most in crew files, and how to fix them. */
const SYNTAX_HINTS: Partial<Record<string, string>> = {
  BLOCK_AS_IMPLICIT_KEY: ' (text containing ": " needs quotes, or > on the line before it)',
  MULTILINE_IMPLICIT_KEY: ' (check the indentation of the lines around it)',
  BAD_INDENT: ' (check the indentation and that every [ or { is closed)',
};

function keyOnLine(source: string, line: number): string {
  const text = source.split(/\r?\n/)[line - 1] ?? '';
  return text.trim().replace(/^-\s*/, '').split(':')[0]?.replace(/^["']|["']$/g, '') ?? text.trim();
}

function lineOf(lineCounter: LineCounter, node: unknown): number | string {
  const range = typeof node === 'object' && node !== null && 'range' in node ? node.range : undefined;
  return Array.isArray(range) && typeof range[0] === 'number' ? lineCounter.linePos(range[0]).line : '?';
}

function isMissingFile(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}
