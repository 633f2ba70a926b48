import { KickoffTextError, parseKickoffText, type KickoffCrew, type KickoffText } from '../kickoffText.ts';

/** What a line typed at `crewbot> ` asks for. */
export type ConsoleCommand =
  | { type: 'empty' }
  | { type: 'help' }
  | { type: 'list' }
  | { type: 'runs' }
  | { type: 'status' }
  | { type: 'again'; text: string }
  | { type: 'quit' }
  /** `resume <n|id>`: a run by its number in `runs`, its id or the start of its id. */
  | { type: 'resume'; target: string | undefined }
  | { type: 'kickoff'; kickoff: KickoffText };

// A Map, so a crew typed as "constructor" is a crew name and not an Object.prototype member.
const WORDS = new Map<string, Exclude<ConsoleCommand['type'], 'kickoff' | 'empty' | 'resume' | 'again'>>([
  ['help', 'help'],
  ['?', 'help'],
  ['list', 'list'],
  ['ls', 'list'],
  ['runs', 'runs'],
  ['status', 'status'],
  ['quit', 'quit'],
  ['exit', 'quit'],
  ['q', 'quit'],
]);

/**
 * Reads a prompt line: a command word, or a kickoff (`research_writer topic="AI agents"`), where
 * the crew may be given by its number in `list`. Throws KickoffTextError for a kickoff that does not fit.
 */
export function parseCommandLine(line: string, crews: readonly KickoffCrew[]): ConsoleCommand {
  const text = line.trim();
  if (text === '') return { type: 'empty' };
  const command = WORDS.get(text.toLowerCase());
  if (command) return { type: command };
  // `again make it shorter`: a follow-up of the last run, as a reply in its thread would be.
  const again = /^again(?:\s+([\s\S]*))?$/i.exec(text);
  if (again) return { type: 'again', text: again[1]?.trim() ?? '' };
  const resume = /^resume(?:\s+(\S+))?$/i.exec(text);
  if (resume) return { type: 'resume', target: resume[1] };
  const numbered = /^(\d+)(?=\s|$)/.exec(text);
  if (numbered) {
    const crew = crews[Number(numbered[1]) - 1];
    if (!crew) throw new KickoffTextError(`There is no crew number ${numbered[1]}; \`list\` shows ${crews.length} crew${crews.length === 1 ? '' : 's'}.`);
    return { type: 'kickoff', kickoff: parseKickoffText(`${crew.name}${text.slice(numbered[0].length)}`, crews) };
  }
  return { type: 'kickoff', kickoff: parseKickoffText(text, crews) };
}
