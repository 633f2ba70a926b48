import { KickoffTextError, noSuchInput, parseKickoffText, type KickoffCrew } from '../chat/kickoffText.ts';
import { UsageError } from './cliArgs.ts';
import { commandName } from './commandName.ts';
import { describeInput } from './listCommand.ts';

/** A mistyped `--input` would otherwise run with the default silently; refuse it as the terminal does. */
export function assertKnownInputs(crew: KickoffCrew, inputs: Record<string, string>): void {
  const unknown = Object.keys(inputs).find((key) => !Object.hasOwn(crew.inputs, key));
  if (unknown !== undefined) throw new UsageError(`${noSuchInput(crew, unknown)}\n${inputList(crew)}`);
}

/**
 * `crewbot run research_writer topic=wasm` is the terminal's way of writing inputs; read the words
 * as the terminal would and show the same run written with `--input`.
 */
export function inputsAsFlags(crew: KickoffCrew, words: string[], typed: string): UsageError {
  let flags: string;
  try {
    const { inputs } = parseKickoffText([crew.name, ...words.map(asKickoffToken)].join(' '), [crew]);
    flags = Object.entries(inputs)
      .map(([key, value]) => `--input ${shellWord(`${key}=${value}`)}`)
      .join(' ');
  } catch (error) {
    if (!(error instanceof KickoffTextError)) throw error;
    return new UsageError(`crewbot run takes inputs as --input key=value. ${error.message.split('\n')[0] ?? ''}\n${inputList(crew)}`);
  }
  return new UsageError(`crewbot run takes inputs as --input key=value:\n  ${commandName()} run ${shellWord(typed)} ${flags}\n${inputList(crew)}`);
}

function inputList(crew: KickoffCrew): string {
  const entries = Object.entries(crew.inputs);
  if (entries.length === 0) return `${crew.name} takes no inputs.`;
  return [`${crew.name} inputs:`, ...entries.map(([name, input]) => `  ${describeInput(name, input)}`)].join('\n');
}

/** A shell word as the terminal's reader takes it back: `key=value` keeps its key unquoted. */
function asKickoffToken(word: string): string {
  const eq = word.indexOf('=');
  return eq > 0 ? `${word.slice(0, eq + 1)}${JSON.stringify(word.slice(eq + 1))}` : JSON.stringify(word);
}

/** Quoted for a POSIX shell when it needs to be. */
function shellWord(text: string): string {
  if (/^[\w.,:/@=+-]+$/.test(text)) return text;
  const eq = text.indexOf('=');
  return `${text.slice(0, eq + 1)}"${text.slice(eq + 1).replace(/["\\$`]/g, '\\$&')}"`;
}
