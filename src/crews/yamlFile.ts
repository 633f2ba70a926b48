import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import type { CrewProblem } from './errors.ts';

/** A YAML mapping's entries in file order (object keys would put "1", "2" first). */
export type YamlEntries = Array<[key: string, value: unknown]>;

export type YamlFileResult =
  | { status: 'missing' }
  /**
   * `entries` are those the syntax errors do not touch, so they are still checked in the same pass;
   * `ids` are every top-level key that could be read.
   */
  | { status: 'invalid'; problems: CrewProblem[]; entries: YamlEntries; ids: string[] }
  | { status: 'ok'; entries: YamlEntries };

/**
 * The last parse of each file, by path, with the text it was parsed from. A long-running process
 * (the chat front end, a worker) loads crews on every kickoff and every status message; parsing
 * YAML was most of that. Keyed by the file's whole text, so an edit is seen at the next read.
 */
const parsed = new Map<string, { source: string; result: YamlFileResult }>();

/** Reads a crew file whose top level maps ids (or keys) to values. An empty file has no entries. */
export async function readYamlFile(dir: string, file: string): Promise<YamlFileResult> {
  const at = path.join(dir, file);
  let source: string;
  try {
    source = await readFile(at, 'utf8');
  } catch (error) {
    if (isMissingFile(error)) return { status: 'missing' };
    throw error;
  }
  const last = parsed.get(at);
  // A copy: the entries are plain data, and no caller's change may reach the next load.
  if (last?.source === source) return structuredClone(last.result);
  const result = parseYamlEntries(file, source);
  parsed.set(at, { source, result });
  return structuredClone(result);
}

export function parseYamlEntries(file: string, source: string): YamlFileResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { uniqueKeys: true, prettyErrors: false, lineCounter });
  // Every duplicate key is its own mistake; after the first syntax error the rest are its echoes.
  const duplicates = doc.errors.filter((error) => error.code === 'DUPLICATE_KEY');
  const syntax = doc.errors.find((error) => error.code !== 'DUPLICATE_KEY');
  const problems = [...duplicates, ...(syntax ? [syntax] : [])].map((error): CrewProblem => {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const message =
      error.code === 'DUPLICATE_KEY'
        ? `line ${line}: key "${keyOnLine(source, line)}" appears twice at the same level; keep one`
        : `line ${line}, column ${col}: YAML syntax error: ${error.message}${syntaxHint(error.code, source, line)}`;
    return { file, path: '', message };
  });
  const contents = doc.contents;
  if (contents === null) return problems.length > 0 ? { status: 'invalid', problems, entries: [], ids: [] } : { status: 'ok', entries: [] };
  if (!isMap(contents)) {
    if (problems.length > 0) return { status: 'invalid', problems, entries: [], ids: [] };
    return { status: 'invalid', problems: [{ file, path: '', message: 'must be a mapping of ids to settings (id: on its own line, settings indented below)' }], entries: [], ids: [] };
  }
  const touched = (start: number, end: number) =>
    doc.errors.some(({ pos: [at] }) => (at >= start && at <= end) || lineCounter.linePos(at).line === lineCounter.linePos(start).line);
  const entries: YamlEntries = [];
  const ids: string[] = [];
  for (const pair of contents.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof key !== 'string' && typeof key !== 'number') {
      problems.push({ file, path: '', message: `line ${lineOf(lineCounter, pair.key)}: top-level keys must be plain names` });
      continue;
    }
    ids.push(String(key));
    const [start, end] = [rangeOf(pair.key)?.[0] ?? 0, rangeOf(pair.value)?.[2] ?? rangeOf(pair.key)?.[2] ?? 0];
    if (doc.errors.length > 0 && touched(start, end)) continue;
    const value: unknown = isNode(pair.value) ? pair.value.toJS(doc) : (pair.value ?? null);
    entries.push([String(key), value]);
  }
  return problems.length > 0 ? { status: 'invalid', problems, entries, ids } : { status: 'ok', entries };
}

/**
 * How to fix a syntax error, judged from the lines around it: the same error code comes from a key
 * indented one space too far (it continues the text above) and from unquoted text containing ": ".
 */
function syntaxHint(code: string, source: string, line: number): string {
  const lines = source.split(/\r?\n/);
  const here = lines[line - 1] ?? '';
  const next = lines.slice(line).find((text) => text.trim() !== '' && !text.trim().startsWith('#'));
  const nextLine = next === undefined ? undefined : lines.indexOf(next, line) + 1;
  if (code === 'BLOCK_AS_IMPLICIT_KEY' || code === 'MULTILINE_IMPLICIT_KEY') {
    if (next !== undefined && KEY_LINE.test(next) && indentOf(next) > indentOf(here) && KEY_LINE.test(here)) {
      return ` (line ${nextLine} is indented further than line ${line}, so it reads as more of line ${line}'s text; start keys of one entry in the same column)`;
    }
    if (/:\s/.test(valueOf(here))) return ' (text containing ": " needs quotes, or > on the line before it)';
    return ' (check the indentation of the lines around it)';
  }
  if (code === 'BAD_INDENT') return ' (check the indentation and that every [ or { is closed)';
  if (code === 'MISSING_CHAR') return ' (check that every quote, [ and { is closed)';
  return '';
}

/** A line that starts a `key:` setting. */
const KEY_LINE = /^\s*-?\s*[A-Za-z_][\w-]*:(\s|$)/;

function indentOf(text: string): number {
  return text.length - text.trimStart().length;
}

/** What follows the key on a `key: value` line. */
function valueOf(text: string): string {
  const colon = text.indexOf(': ');
  return colon === -1 ? '' : text.slice(colon + 2);
}

function rangeOf(node: unknown): readonly number[] | undefined {
  const range = typeof node === 'object' && node !== null && 'range' in node ? node.range : undefined;
  return Array.isArray(range) && range.every((at) => typeof at === 'number') ? range : undefined;
}

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
