import { didYouMean } from '../engine/nearestName.ts';
import type { InputSpec } from '../engine/spec.ts';

/** What a kickoff needs to know of a crew: its name and its inputs (a crew listing fits). */
export interface KickoffCrew {
  name: string;
  inputs: Record<string, InputSpec>;
}

export interface KickoffText {
  crew: string;
  inputs: Record<string, string>;
  /** Required inputs without a default that the text did not give; ask for them or refuse. */
  missing: string[];
}

/** Text that does not name a crew or does not fit its inputs; the message shows how to write it. */
export class KickoffTextError extends Error {
  override name = 'KickoffTextError';
}

export const KICKOFF_USAGE = '<crew> [free text] [key=value ...]   e.g. research_writer WebAssembly outside the browser audience="platform team"';

interface Token {
  value: string;
  /** Set when the token is `key=value` with the key and `=` unquoted. */
  pair?: { key: string; value: string } | undefined;
  /** A bare `|`, allowed between the free text and the key=value pairs. */
  separator: boolean;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Reads "<crew> free text | key=value ..." as typed in a terminal, a slash command or a mention.
 * Free text fills the crew's first required input that has no value; values may be quoted
 * (`topic="AI agents"`). The text is data only: nothing in it is ever evaluated.
 */
export function parseKickoffText(text: string, crews: readonly KickoffCrew[]): KickoffText {
  const [first, ...rest] = tokenize(text);
  if (!first || first.pair) {
    throw new KickoffTextError(`Name a crew first. Usage: ${KICKOFF_USAGE}\n${crewChoices(crews)}`);
  }
  const crew = findCrew(first.value, crews);
  const inputs: Record<string, string> = {};
  const words: string[] = [];
  rest.forEach((token, index) => {
    if (token.pair) {
      const { key, value } = token.pair;
      if (!Object.hasOwn(crew.inputs, key)) {
        throw new KickoffTextError(`${noSuchInput(crew, key)}\n${describeCrewInputs(crew)}`);
      }
      if (Object.hasOwn(inputs, key)) throw new KickoffTextError(`${key} is given twice; give it once.`);
      if (value.trim() === '') throw new KickoffTextError(`${key}= has no value; write it as ${key}="..."`);
      inputs[key] = value;
    } else if (!(token.separator && rest.slice(index + 1).every((later) => later.pair))) {
      words.push(token.value);
    }
  });
  const freeText = words.join(' ').trim();
  if (freeText) {
    const target = Object.entries(crew.inputs).find(([name, input]) => needsValue(input) && !Object.hasOwn(inputs, name));
    if (!target) {
      throw new KickoffTextError(`${crew.name} has no required input left for the text "${freeText}"; give inputs as key=value.\n${describeCrewInputs(crew)}`);
    }
    inputs[target[0]] = freeText;
  }
  const missing = Object.entries(crew.inputs)
    .filter(([name, input]) => needsValue(input) && !Object.hasOwn(inputs, name))
    .map(([name]) => name);
  return { crew: crew.name, inputs, missing };
}

/**
 * A reply that follows up a finished run: `key=value` for one of the crew's inputs overrides it;
 * everything else (other `a=b` included) is the request, as typed.
 */
export function readFollowUpText(text: string, crew: KickoffCrew): { request: string; inputs: Record<string, string> } {
  const inputs: Record<string, string> = {};
  const words: string[] = [];
  for (const token of tokenizeLoosely(text)) {
    if (token.pair && Object.hasOwn(crew.inputs, token.pair.key) && token.pair.value.trim() !== '') inputs[token.pair.key] = token.pair.value;
    else words.push(token.raw);
  }
  return { request: words.join(' ').trim(), inputs };
}

/** Tokens with their text as typed; an unclosed quote is just a character in a reply. */
function tokenizeLoosely(text: string): Array<{ raw: string; pair?: { key: string; value: string } | undefined }> {
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (error) {
    if (!(error instanceof KickoffTextError)) throw error;
    return text.split(/\s+/).filter(Boolean).map((raw) => ({ raw }));
  }
  return tokens.map((token) => ({ raw: token.value, pair: token.pair }));
}

/** `research_writer has no input "audiance" (did you mean audience?).`: the same words on every surface. */
export function noSuchInput(crew: KickoffCrew, key: string): string {
  return `${crew.name} has no input "${key}"${didYouMean(key, Object.keys(crew.inputs))}.`;
}

/** "research_writer inputs: topic (required) — What to research; ..." for error messages and help. */
export function describeCrewInputs(crew: KickoffCrew): string {
  const entries = Object.entries(crew.inputs);
  if (entries.length === 0) return `${crew.name} takes no inputs. Usage: ${crew.name}`;
  const lines = entries.map(([name, input]) => `  ${describeInput(name, input)}`);
  return [`${crew.name} inputs:`, ...lines, `Usage: ${KICKOFF_USAGE}`].join('\n');
}

export function describeInput(name: string, input: InputSpec): string {
  const flag = needsValue(input) ? 'required' : `default: ${input.default ?? '""'}`;
  return `${name} (${flag})${input.description ? ` — ${input.description}` : ''}`;
}

/** Required and without a default: nothing fills it unless a person does. */
export function needsValue(input: InputSpec): boolean {
  return input.required && input.default === undefined;
}

function findCrew(name: string, crews: readonly KickoffCrew[]): KickoffCrew {
  const found = crews.find((crew) => crew.name === name) ?? crews.find((crew) => crew.name.toLowerCase() === name.toLowerCase());
  if (!found) throw new KickoffTextError(`No crew "${name}"${didYouMean(name, crews.map((crew) => crew.name))}. ${crewChoices(crews)}`);
  return found;
}

function crewChoices(crews: readonly KickoffCrew[]): string {
  return crews.length > 0 ? `Crews: ${crews.map((crew) => crew.name).join(', ')}.` : 'There are no crews yet.';
}

/** Splits on whitespace outside quotes; `"` and `'` quote, and `\` escapes inside double quotes. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i += 1;
    if (i >= text.length) break;
    let value = '';
    let quotedAny = false;
    let keyEnd: number | undefined;
    while (i < text.length && !/\s/.test(text[i]!)) {
      const ch = text[i]!;
      if (ch === '"' || ch === "'") {
        const close = readQuoted(text, i);
        value += close.value;
        quotedAny = true;
        i = close.next;
        continue;
      }
      if (ch === '=' && keyEnd === undefined && !quotedAny) keyEnd = value.length;
      value += ch;
      i += 1;
    }
    const key = keyEnd === undefined ? undefined : value.slice(0, keyEnd);
    tokens.push({
      value,
      pair: key !== undefined && KEY.test(key) ? { key, value: value.slice(keyEnd! + 1) } : undefined,
      separator: value === '|' && !quotedAny,
    });
  }
  return tokens;
}

function readQuoted(text: string, start: number): { value: string; next: number } {
  const quote = text[start]!;
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === quote) return { value, next: i + 1 };
    if (quote === '"' && ch === '\\' && i + 1 < text.length) {
      value += text[i + 1]!;
      i += 2;
      continue;
    }
    value += ch;
    i += 1;
  }
  throw new KickoffTextError(`A ${quote} is not closed; close it, as in topic=${quote}AI agents${quote}.`);
}
