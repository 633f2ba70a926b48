import type { CrewListing } from '../../crews/listCrews.ts';
import { HumanRequestSchema, type HumanRequest } from '../../engine/humanRequest.ts';
import type { RunRecord } from '../../runs/runRecord.ts';
import { howToReply } from '../inbound/replyVocabulary.ts';
import { runTable } from '../runTable.ts';
import { describeInput, KICKOFF_USAGE } from '../kickoffText.ts';
import type { PromptBlock, RequestPrompt } from '../requestPrompt.ts';
import { terminalText } from '../../terminalText.ts';

export const HELP = `Commands:
  list                     the crews (numbered) and their inputs
  runs                     recent runs (numbered): status, crew, age, tokens, cost
  resume <number|id>       continue an unfinished run (its number in \`runs\`, or its id)
  status                   where the last run started here stands
  again <text>             follow up the last result: the same crew again, with that result and your text
  ${KICKOFF_USAGE}
  <number> [...]           the crew with that number in \`list\`
  help                     this text
  quit                     leave (or Ctrl-D); unfinished runs are offered again next time`;

export { terminalText };

export function renderCrewList(crews: readonly CrewListing[], crewsDir: string | undefined): string {
  if (crews.length === 0) {
    const dir = crewsDir ?? 'crews';
    return `No crews in ${dir}/. Create one as ${dir}/<name>/agents.yaml and tasks.yaml.`;
  }
  const lines: string[] = [];
  crews.forEach((crew, index) => {
    lines.push(`${index + 1}. ${crew.name}${crew.description ? ` — ${crew.description}` : ''}`);
    if (crew.error) lines.push(`     (invalid: ${crew.error.split('\n')[0]})`);
    for (const [name, input] of Object.entries(crew.inputs)) lines.push(`     ${describeInput(name, input)}`);
    for (const warning of crew.setupWarnings ?? []) lines.push(`     warning: ${warning}`);
  });
  return lines.join('\n');
}

export function renderRunList(runs: readonly RunRecord[], now: number): string {
  if (runs.length === 0) return 'No runs yet. Start one: <crew> [free text] [key=value ...]';
  const note = (run: RunRecord) => (run.status === 'awaiting_input' ? waitingFor(run) : run.status === 'failed' && run.error ? firstLine(run.error) : '');
  return terminalText(runTable(runs, now, { numbered: true, note }).join('\n'));
}

/** "waiting for your review" / "interrupted while working" for the offer to continue. */
export function unfinishedReason(run: RunRecord): string {
  return run.status === 'awaiting_input' ? waitingFor(run) : 'interrupted while working';
}

const WAITING_FOR: Record<HumanRequest['kind'] | 'unknown', string> = { review: 'review', question: 'answer', approval: 'approval', budget: 'budget decision', unknown: 'input' };

function waitingFor(run: RunRecord): string {
  const words = new Set(run.pending.map((raw) => WAITING_FOR[HumanRequestSchema.safeParse(raw).data?.kind ?? 'unknown']));
  return `waiting for your ${[...words].join(' and ') || 'input'}`;
}

export function renderRequest(prompt: RequestPrompt, position?: { index: number; of: number }): string {
  const counter = position && position.of > 1 ? ` (${position.index + 1} of ${position.of})` : '';
  return [`? ${prompt.title}${counter}`, ...prompt.body.map(renderBlock), `  ${answerHint(prompt)}`].join('\n');
}

/** How to answer at the terminal: the reply vocabulary every surface reads. */
export function answerHint(prompt: RequestPrompt): string {
  return howToReply(prompt.kind);
}

function renderBlock(block: PromptBlock): string {
  switch (block.type) {
    case 'text':
      return `  ${terminalText(block.text)}`;
    case 'quote':
      return indent(terminalText(block.text), '  │ ');
    case 'code':
      return indent(terminalText(block.text), '    ');
    default: {
      const never: never = block;
      return String(never);
    }
  }
}

export function renderTaskOutput(taskId: string, agent: string, raw: string): string {
  return `── ${taskId} (${agent}) ──\n${terminalText(raw)}`;
}

/** The crew's result; `toolFailures` ("web_search failed 3 of 3 calls") heads it when tools failed on the way. */
export function renderResult(raw: string, toolFailures?: string): string {
  return `Result${toolFailures ? ` (completed — ${terminalText(toolFailures)})` : ''}:\n${terminalText(raw)}`;
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

function firstLine(text: string): string {
  return terminalText(text.split('\n')[0] ?? '');
}
